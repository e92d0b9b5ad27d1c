//! Calls of data-only functions on inventory objects, computed once per inventory instead of
//! once per evaluation.
//!
//! A referential template compares the object under review with every object of the
//! inventory, often through a function of the other object alone:
//!
//! ```rego
//! other := data.inventory.namespace[namespace][_]["Service"][name]
//! not identical(other, input.review)
//! other_selector := flatten_selector(other)
//! ```
//!
//! Evaluated per object, `flatten_selector(other)` runs n² times over n Services, with the
//! same n results each time. When the function reads neither `input` nor anything that may
//! (other rules, other packages, imports, `with`, builtins whose result changes between
//! calls), its value on an inventory object depends on that object alone. Such a call is
//! rewritten into a lookup by the object's place in the inventory,
//! `data.__palisade_memo.m0[namespace][__palisade_i0_0][name]` (the binding's `_` named so
//! that the lookup can use it), in a table that a helper rule added to the module fills once
//! per inventory:
//!
//! ```rego
//! __palisade_memo_0[[k0, k1, k2]] = v {
//!   o := data.inventory.namespace[k0][k1]["Service"][k2]
//!   v := flatten_selector(o)
//! }
//! ```
//!
//! The table holds the call's value for every place the binding can reach, and nothing for
//! an object on which the function is undefined: the lookup is defined exactly when the
//! call is, with the same value. Only calls whose argument is a variable bound in the same
//! body to an inventory path are rewritten, and only when the path's indexes are literals or
//! plain variables (which the helper rule iterates); anything else is left as written.

use std::collections::{BTreeMap, BTreeSet};

use regorus::unstable::{
    AssignOp, Expr, Literal, LiteralStmt, Module, Parser, Query, Ref, Rule, RuleHead, Source,
};

/// Where the tables live under `data`.
pub(super) const MEMO_ROOT: &str = "__palisade_memo";

/// One table: the helper rule filling it and its key under `data.__palisade_memo`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Table {
    /// `data.<package>.__palisade_memo_<n>`, an object from key arrays to values.
    pub rule: String,
    /// `m<n>`.
    pub key: String,
    /// The length of the key arrays: the depth of the nested table built from them.
    pub arity: usize,
}

/// The helper rule's value (`{[k0, k1]: v}`) as the nested table lookups read
/// (`{k0: {k1: v}}`); `None` for a key that is not an array of `arity` items.
pub(super) fn nest(flat: &regorus::Value, arity: usize) -> Option<regorus::Value> {
    let mut table = regorus::Value::new_object();
    let Ok(entries) = flat.as_object() else {
        return (*flat == regorus::Value::Undefined).then_some(table);
    };
    for (key, value) in entries.iter() {
        let keys = key.as_array().ok()?;
        if keys.len() != arity || arity == 0 {
            return None;
        }
        let mut node = &mut table;
        for (i, k) in keys.iter().enumerate() {
            let object = node.as_object_mut().ok()?;
            if i + 1 == keys.len() {
                object.insert(k.clone(), value.clone());
                break;
            }
            if object.get(k).is_none() {
                object.insert(k.clone(), regorus::Value::new_object());
            }
            node = object.get_mut(k)?;
        }
    }
    Some(table)
}

/// Builtins whose value may change from one call to the next, or that act on the outside:
/// a function calling one is not memoized.
const UNSTABLE_BUILTINS: &[&str] = &[
    "http.send",
    "time.now_ns",
    "rand.intn",
    "uuid.rfc4122",
    "uuid.parse",
    "opa.runtime",
    "net.lookup_ip_addr",
    "trace",
    "print",
    "crypto.x509.parse_and_verify_certificates",
    "io.jwt.decode_verify",
];

/// The module rewritten with its memoized calls and the tables to fill, or `None` when no
/// call qualifies (or the module cannot be read, which the engine reports on its own).
pub(super) fn rewrite(source: &str) -> Option<(String, Vec<Table>)> {
    let src = Source::from_contents("template.rego".into(), source.to_string()).ok()?;
    let module = Parser::new(&src).ok()?.parse().ok()?;
    // An import may alias `input` or another package: the analysis below does not follow
    // them, so only the keyword imports are allowed.
    if module.imports.iter().any(|i| {
        let path = i.refr.span().text();
        !(path.starts_with("future.keywords") || path == "rego.v1")
    }) {
        return None;
    }
    let package = module.package.refr.span().text().to_string();
    let analysis = Analysis::of(&module);
    if analysis.pure.is_empty() {
        return None;
    }
    let mut sites: Vec<Site> = Vec::new();
    let mut bindings: Vec<Binding> = Vec::new();
    // The calls' edits are made below, once the tables are numbered; the moves' here.
    let mut edits: Vec<Edit> = Vec::new();
    for rule in &module.policy {
        if let Rule::Spec { bodies, head, .. } = rule.as_ref() {
            if let RuleHead::Func { .. } = head {
                continue;
            }
            for body in bodies {
                analysis.sites_in(&body.query, &mut bindings, &mut sites, &mut edits);
            }
        }
    }
    if sites.is_empty() {
        return None;
    }
    // One table per function and path pattern.
    let mut tables: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut used = BTreeSet::new();
    for site in &sites {
        let binding = &bindings[site.binding];
        let next = tables.len();
        let n = *tables
            .entry((site.function.clone(), binding.pattern.clone()))
            .or_insert(next);
        let keys: String = binding.keys.iter().map(|k| format!("[{k}]")).collect();
        edits.push(Edit {
            start: site.start,
            end: site.end,
            with: format!("data.{MEMO_ROOT}.m{n}{keys}"),
            replaces: Replaced::Call,
        });
        if used.insert(site.binding) {
            edits.extend(binding.renames.iter().cloned());
        }
    }
    // The spans are the parser's: each must cover what it names in `source` (a call, or an
    // `_`), and none may overlap, or the module is left as written.
    edits.sort_by_key(|e| std::cmp::Reverse((e.start, e.end)));
    if edits.windows(2).any(|w| w[1].end > w[0].start)
        || edits.iter().any(|e| {
            let Some(original) = source.get(e.start..e.end) else {
                return true;
            };
            match &e.replaces {
                Replaced::Call => !original.contains('(') || !original.ends_with(')'),
                Replaced::Text(text) => original != text,
            }
        })
    {
        return None;
    }
    let mut text = source.to_string();
    for e in edits {
        text.replace_range(e.start..e.end, &e.with);
    }
    let mut out = Vec::new();
    let mut ordered: Vec<(&(String, String), &usize)> = tables.iter().collect();
    ordered.sort_by_key(|(_, n)| **n);
    for ((function, pattern), n) in ordered {
        let arity = pattern.matches(KEY_PREFIX).count();
        let keys: Vec<String> = (0..arity).map(|j| format!("{KEY_PREFIX}{j}")).collect();
        text.push_str(&format!(
            "\n\n__palisade_memo_{n}[[{}]] = __palisade_v {{\n  __palisade_o := {pattern}\n  __palisade_v := {function}(__palisade_o)\n}}\n",
            keys.join(", ")
        ));
        out.push(Table {
            rule: format!("data.{package}.__palisade_memo_{n}"),
            key: format!("m{n}"),
            arity,
        });
    }
    Some((text, out))
}

/// Names of the helper rules' keys (`__palisade_k0`...).
const KEY_PREFIX: &str = "__palisade_k";

/// A change of the module's text; what it replaces is checked before any is made.
#[derive(Clone)]
struct Edit {
    start: usize,
    end: usize,
    with: String,
    replaces: Replaced,
}

#[derive(Clone)]
enum Replaced {
    /// A call, `f(x)`.
    Call,
    /// This text.
    Text(String),
}

/// A call to rewrite: its byte range, the function, and the binding of its argument.
struct Site {
    start: usize,
    end: usize,
    function: String,
    binding: usize,
}

/// A variable bound to an inventory path: the path with its variable indexes numbered
/// (`data.inventory.namespace[__palisade_k0][__palisade_k1]["Service"][__palisade_k2]`),
/// the variables a lookup uses in that order, and the edits naming its `_` indexes.
struct Binding {
    variable: String,
    pattern: String,
    keys: Vec<String>,
    renames: Vec<Edit>,
}

/// The module's rule names and the functions whose value depends on their argument alone.
struct Analysis {
    rules: BTreeSet<String>,
    pure: BTreeSet<String>,
}

impl Analysis {
    fn of(module: &Module) -> Analysis {
        let mut rules = BTreeSet::new();
        let mut functions: BTreeMap<String, Vec<&Rule>> = BTreeMap::new();
        let mut not_functions = BTreeSet::new();
        for rule in &module.policy {
            match rule.as_ref() {
                Rule::Spec { head, .. } => match head {
                    RuleHead::Func { refr, args, .. } => {
                        let name = refr.span().text().to_string();
                        if args.len() != 1 || name.contains('.') {
                            not_functions.insert(name.clone());
                        }
                        functions
                            .entry(name.clone())
                            .or_default()
                            .push(rule.as_ref());
                        rules.insert(name);
                    }
                    RuleHead::Compr { refr, .. } | RuleHead::Set { refr, .. } => {
                        rules.insert(head_name(refr));
                    }
                },
                Rule::Default { refr, .. } => {
                    let name = head_name(refr);
                    // A default function value is not the value of its bodies.
                    not_functions.insert(name.clone());
                    rules.insert(name);
                }
            }
        }
        // Functions are pure when their bodies read only their own variables, builtins
        // that give the same value each time, and pure functions: decided to a fixpoint
        // (recursion is refused before this runs).
        let mut pure: BTreeSet<String> = BTreeSet::new();
        loop {
            let mut changed = false;
            for (name, definitions) in &functions {
                if pure.contains(name) || not_functions.contains(name) {
                    continue;
                }
                let mut ok = true;
                for rule in definitions {
                    if let Rule::Spec { head, bodies, .. } = rule {
                        let RuleHead::Func { args, assign, .. } = head else {
                            ok = false;
                            break;
                        };
                        let mut checker = Purity {
                            rules: &rules,
                            pure: &pure,
                            ok: true,
                        };
                        for a in args {
                            checker.expr(a);
                        }
                        if let Some(assign) = assign {
                            checker.expr(&assign.value);
                        }
                        for body in bodies {
                            if let Some(assign) = &body.assign {
                                checker.expr(&assign.value);
                            }
                            checker.query(&body.query);
                        }
                        ok &= checker.ok;
                    }
                }
                if ok {
                    pure.insert(name.clone());
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        Analysis { rules, pure }
    }

    /// The calls of `query` (not of nested queries, whose variables may shadow) that can be
    /// memoized.
    ///
    /// A negation that reads a memoized variable is moved to the end of its body (`moves`,
    /// on the last statement's line, so no line changes its number): once the calls on that
    /// variable are lookups, the negated call is the costly step, and checked last it runs
    /// only for the objects that pass the rest. A body is a conjunction and a negation binds
    /// nothing, so the order changes no result.
    fn sites_in(
        &self,
        query: &Query,
        all: &mut Vec<Binding>,
        out: &mut Vec<Site>,
        moves: &mut Vec<Edit>,
    ) {
        // Variable -> its binding; `None` for one bound twice, which is left alone.
        let mut bound: BTreeMap<String, Option<usize>> = BTreeMap::new();
        for stmt in &query.stmts {
            if let Literal::Expr { expr, .. } = &stmt.literal {
                if let Expr::AssignExpr { op, lhs, rhs, .. } = expr.as_ref() {
                    if matches!(op, AssignOp::ColEq | AssignOp::Eq) {
                        if let (Expr::Var { .. }, Some(binding)) =
                            (lhs.as_ref(), self.inventory_path(lhs, rhs, all.len()))
                        {
                            let first = !bound.contains_key(&binding.variable);
                            bound.insert(binding.variable.clone(), first.then_some(all.len()));
                            all.push(binding);
                        }
                    }
                }
            }
        }
        let bindings: BTreeMap<String, usize> = bound
            .into_iter()
            .filter_map(|(name, b)| Some((name, b?)))
            .collect();
        if bindings.is_empty() {
            return;
        }
        let before = out.len();
        for stmt in &query.stmts {
            if !stmt.with_mods.is_empty() {
                continue;
            }
            match &stmt.literal {
                Literal::Expr { expr, .. } | Literal::NotExpr { expr, .. } => {
                    self.calls(expr, &bindings, out)
                }
                _ => {}
            }
        }
        let memoized: BTreeSet<&str> = out[before..]
            .iter()
            .map(|site| all[site.binding].variable.as_str())
            .collect();
        let Some(last) = query.stmts.last() else {
            return;
        };
        for stmt in &query.stmts[..query.stmts.len() - 1] {
            let Literal::NotExpr { expr, .. } = &stmt.literal else {
                continue;
            };
            let (start, end) = (stmt.span.start as usize, stmt.span.end as usize);
            let holds_site = out[before..]
                .iter()
                .any(|site| site.start >= start && site.end <= end);
            if stmt.with_mods.is_empty()
                && !holds_site
                && memoized.iter().any(|name| reads_var(expr, name))
            {
                let text = stmt.span.text().to_string();
                let to = last.span.end as usize;
                moves.push(Edit {
                    start: to,
                    end: to,
                    with: format!("; {text}"),
                    replaces: Replaced::Text(String::new()),
                });
                moves.push(Edit {
                    start,
                    end,
                    with: String::new(),
                    replaces: Replaced::Text(text),
                });
            }
        }
    }

    fn calls(&self, expr: &Ref<Expr>, bindings: &BTreeMap<String, usize>, out: &mut Vec<Site>) {
        match expr.as_ref() {
            Expr::Call {
                span, fcn, params, ..
            } => {
                let name = fcn.span().text();
                if let ([param], true) = (params.as_slice(), self.pure.contains(name)) {
                    if let Expr::Var { .. } = param.as_ref() {
                        if let Some(&binding) = bindings.get(param.span().text()) {
                            out.push(Site {
                                start: span.start as usize,
                                end: span.end as usize,
                                function: name.to_string(),
                                binding,
                            });
                            return;
                        }
                    }
                }
                for p in params {
                    self.calls(p, bindings, out);
                }
            }
            // Comprehensions have their own scope.
            _ => {
                for child in operands(expr) {
                    self.calls(child, bindings, out);
                }
            }
        }
    }

    /// `variable := expr` as a [`Binding`] when `expr` is `data.inventory` followed by fields
    /// and indexes that are literals or variables that are not rules of the module (which
    /// the helper rule iterates over); `id` numbers the names given to its `_` indexes.
    fn inventory_path(&self, variable: &Ref<Expr>, expr: &Ref<Expr>, id: usize) -> Option<Binding> {
        let base = expr.span().start as usize;
        let text = expr.span().text();
        // (start, end, variable name) of each variable index, outermost first.
        let mut variables: Vec<(usize, usize, String)> = Vec::new();
        let mut e = expr;
        let mut steps = 0;
        loop {
            match e.as_ref() {
                Expr::RefDot { refr, .. } => {
                    e = refr;
                }
                Expr::RefBrack { refr, index, .. } => {
                    match index.as_ref() {
                        Expr::String { .. } | Expr::RawString { .. } | Expr::Number { .. } => {}
                        Expr::Var { span, .. } => {
                            let name = index.span().text();
                            if name == "input" || name == "data" || self.rules.contains(name) {
                                return None;
                            }
                            variables.push((
                                span.start as usize,
                                span.end as usize,
                                name.to_string(),
                            ));
                        }
                        _ => return None,
                    }
                    e = refr;
                }
                Expr::Var { .. } => break,
                _ => return None,
            }
            steps += 1;
        }
        if !(e.span().text() == "data" && steps > 1 && text.starts_with("data.inventory")) {
            return None;
        }
        variables.reverse();
        if variables.is_empty() {
            return None;
        }
        let mut pattern = text.to_string();
        let mut keys = Vec::new();
        let mut renames = Vec::new();
        for (j, (start, end, _)) in variables.iter().enumerate().rev() {
            let (start, end) = (start.checked_sub(base)?, end.checked_sub(base)?);
            pattern.replace_range(start..end, &format!("{KEY_PREFIX}{j}"));
        }
        for (j, (start, end, name)) in variables.into_iter().enumerate() {
            if name == "_" {
                let fresh = format!("__palisade_i{id}_{j}");
                renames.push(Edit {
                    start,
                    end,
                    with: fresh.clone(),
                    replaces: Replaced::Text("_".into()),
                });
                keys.push(fresh);
            } else {
                keys.push(name);
            }
        }
        Some(Binding {
            variable: variable.span().text().to_string(),
            pattern,
            keys,
            renames,
        })
    }
}

/// Whether `expr` reads the variable `name` (outside comprehensions, which may shadow it).
fn reads_var(expr: &Ref<Expr>, name: &str) -> bool {
    match expr.as_ref() {
        Expr::Var { .. } => expr.span().text() == name,
        _ => operands(expr).into_iter().any(|e| reads_var(e, name)),
    }
}

/// The expressions `expr` is made of, but for the term and query of a comprehension (which
/// has a scope of its own).
fn operands(expr: &Ref<Expr>) -> Vec<&Ref<Expr>> {
    match expr.as_ref() {
        Expr::Call { params, .. } => params.iter().collect(),
        Expr::Array { items, .. } | Expr::Set { items, .. } => items.iter().collect(),
        Expr::Object { fields, .. } => fields.iter().flat_map(|(_, k, v)| [k, v]).collect(),
        Expr::UnaryExpr { expr, .. } => vec![expr],
        Expr::RefDot { refr, .. } => vec![refr],
        Expr::RefBrack { refr, index, .. } => vec![refr, index],
        Expr::BinExpr { lhs, rhs, .. }
        | Expr::BoolExpr { lhs, rhs, .. }
        | Expr::ArithExpr { lhs, rhs, .. }
        | Expr::AssignExpr { lhs, rhs, .. } => vec![lhs, rhs],
        Expr::Membership {
            key,
            value,
            collection,
            ..
        } => key.iter().chain([value, collection]).collect(),
        _ => Vec::new(),
    }
}

fn head_name(refr: &Ref<Expr>) -> String {
    let text = refr.span().text();
    text.split(['.', '[']).next().unwrap_or(text).to_string()
}

/// Walks a function's definition: `ok` turns false at anything its value may depend on
/// besides its argument.
struct Purity<'a> {
    rules: &'a BTreeSet<String>,
    pure: &'a BTreeSet<String>,
    ok: bool,
}

impl Purity<'_> {
    fn query(&mut self, query: &Query) {
        for stmt in &query.stmts {
            self.stmt(stmt);
        }
    }

    fn stmt(&mut self, stmt: &LiteralStmt) {
        if !stmt.with_mods.is_empty() {
            self.ok = false;
            return;
        }
        match &stmt.literal {
            Literal::SomeVars { .. } => {}
            Literal::SomeIn {
                key,
                value,
                collection,
                ..
            } => {
                if let Some(k) = key {
                    self.expr(k);
                }
                self.expr(value);
                self.expr(collection);
            }
            Literal::Expr { expr, .. } | Literal::NotExpr { expr, .. } => self.expr(expr),
            Literal::Every { domain, query, .. } => {
                self.expr(domain);
                self.query(query);
            }
        }
    }

    fn expr(&mut self, expr: &Ref<Expr>) {
        if !self.ok {
            return;
        }
        match expr.as_ref() {
            Expr::Var { .. } => {
                let name = expr.span().text();
                if name == "input" || name == "data" || self.rules.contains(name) {
                    self.ok = false;
                }
            }
            Expr::Call { fcn, .. } => {
                let name = fcn.span().text();
                let builtin = regorus::unstable::BUILTINS.contains_key(name)
                    && !UNSTABLE_BUILTINS.contains(&name);
                if !(builtin || self.pure.contains(name)) {
                    self.ok = false;
                }
            }
            Expr::ArrayCompr { term, query, .. } | Expr::SetCompr { term, query, .. } => {
                self.expr(term);
                self.query(query);
            }
            Expr::ObjectCompr {
                key, value, query, ..
            } => {
                self.expr(key);
                self.expr(value);
                self.query(query);
            }
            _ => {}
        }
        for child in operands(expr) {
            self.expr(child);
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    pub(crate) const UNIQUE_SELECTOR: &str = r#"package k8suniqueserviceselector

make_apiversion(kind) = apiVersion {
  g := kind.group
  v := kind.version
  g != ""
  apiVersion = sprintf("%v/%v", [g, v])
}

make_apiversion(kind) = apiVersion {
  kind.group == ""
  apiVersion = kind.version
}

identical(obj, review) {
  obj.metadata.namespace == review.namespace
  obj.metadata.name == review.name
  obj.kind == review.kind.kind
  obj.apiVersion == make_apiversion(review.kind)
}

flatten_selector(obj) = flattened {
  selectors := [s | s = concat(":", [key, val]); val = obj.spec.selector[key]]
  flattened := concat(",", sort(selectors))
}

violation[{"msg": msg}] {
  input.review.kind.kind == "Service"
  input_selector := flatten_selector(input.review.object)
  other := data.inventory.namespace[namespace][_]["Service"][name]
  not identical(other, input.review)
  other_selector := flatten_selector(other)
  input_selector == other_selector
  msg := sprintf("same selector as service <%v> in namespace <%v>", [name, namespace])
}
"#;

    #[test]
    fn a_data_only_call_on_an_inventory_object_becomes_a_lookup() {
        let (text, tables) = rewrite(UNIQUE_SELECTOR).expect("rewritten");
        assert!(
            text.contains(
                "other := data.inventory.namespace[namespace][__palisade_i0_1][\"Service\"][name]"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "other_selector := data.__palisade_memo.m0[namespace][__palisade_i0_1][name]"
            ),
            "{text}"
        );
        // The input's own call, and the call with input among its arguments, stay.
        assert!(text.contains("input_selector := flatten_selector(input.review.object)"));
        // The negation reading `other` is checked last, after the lookup and comparison.
        assert!(
            text.contains("[name, namespace]); not identical(other, input.review)\n}"),
            "{text}"
        );
        assert_eq!(text.matches("not identical").count(), 1);
        assert_eq!(
            text.lines().count(),
            UNIQUE_SELECTOR.lines().count() + 6,
            "lines keep their numbers; the helper rule follows"
        );
        assert!(text.contains(
            "__palisade_memo_0[[__palisade_k0, __palisade_k1, __palisade_k2]] = __palisade_v {\n  __palisade_o := data.inventory.namespace[__palisade_k0][__palisade_k1][\"Service\"][__palisade_k2]\n  __palisade_v := flatten_selector(__palisade_o)\n}"
        ), "{text}");
        assert_eq!(
            tables,
            vec![Table {
                rule: "data.k8suniqueserviceselector.__palisade_memo_0".into(),
                key: "m0".into(),
                arity: 3,
            }]
        );
    }

    /// Anything the function's value may depend on besides its argument, or an inventory
    /// path that a helper rule could not iterate, leaves the module as written.
    #[test]
    fn calls_that_may_depend_on_more_than_their_argument_stay() {
        let cases = [
            // reads input
            ("f(o) = x { x := concat(\",\", [o.metadata.name, input.review.name]) }", "y := f(o)"),
            // reads another rule (which may read input)
            ("f(o) = x { x := concat(\",\", [o.metadata.name, suffix]) }\nsuffix := input.review.name", "y := f(o)"),
            // a builtin whose value changes
            ("f(o) = x { x := time.now_ns() }", "y := f(o)"),
            // with
            ("f(o) = x { x := o.metadata.name with input as {} }", "y := f(o)"),
            // other data
            ("f(o) = x { x := data.lib.names[o.metadata.name] }", "y := f(o)"),
        ];
        for (function, call) in cases {
            let source = format!(
                "package p\n\n{function}\n\nviolation[{{\"msg\": y}}] {{\n  o := data.inventory.namespace[ns][_][\"Service\"][n]\n  {call}\n}}\n"
            );
            assert_eq!(rewrite(&source), None, "{source}");
        }
        let by_input = "package p\n\nf(o) = x { x := o.metadata.name }\n\nviolation[{\"msg\": y}] {\n  o := data.inventory.namespace[input.review.namespace][_][\"Service\"][n]\n  y := f(o)\n}\n";
        assert_eq!(rewrite(by_input), None);
        let imported = "package p\nimport data.lib.helpers\n\nf(o) = x { x := o.metadata.name }\n\nviolation[{\"msg\": y}] {\n  o := data.inventory.namespace[ns][_][\"Service\"][n]\n  y := f(o)\n}\n";
        assert_eq!(rewrite(imported), None);
    }

    #[test]
    fn key_arrays_nest_into_tables() {
        let flat = regorus::Value::from_json_str(r#"{"a": 1}"#).unwrap();
        assert_eq!(nest(&flat, 2), None, "keys that are not arrays");
        let mut flat = regorus::Value::new_object();
        let key = |a: &str, b: &str| {
            regorus::Value::from(vec![regorus::Value::from(a), regorus::Value::from(b)])
        };
        flat.as_object_mut()
            .unwrap()
            .insert(key("ns", "x"), regorus::Value::from(1));
        flat.as_object_mut()
            .unwrap()
            .insert(key("ns", "y"), regorus::Value::from(2));
        let nested = nest(&flat, 2).unwrap();
        assert_eq!(
            nested,
            regorus::Value::from_json_str(r#"{"ns": {"x": 1, "y": 2}}"#).unwrap()
        );
        assert_eq!(
            nest(&regorus::Value::Undefined, 2),
            Some(regorus::Value::new_object())
        );
    }
}
