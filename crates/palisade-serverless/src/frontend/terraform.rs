//! Terraform modules (HCL through `hcl-edit`, which keeps byte spans, and `.tf.json`) into
//! an [`Inventory`].
//!
//! A module is the set of files of one directory. Expressions are evaluated just far
//! enough for the rules: literals, templates whose parts are known, `var.x` through the
//! variable's default, `local.x`, `jsonencode(...)`, conditionals with a known condition;
//! `aws_iam_role.r.arn` and `data.aws_iam_policy_document.d.json` become references so
//! functions find their roles and policies. Anything else stays unknown.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::structure::{Body, Structure};
use hcl_edit::template::{Element, Template};
use hcl_edit::Span;
use palisade_core::ScanError;

use crate::frontend::cfn::{attr_i64, attr_str, env_vars};
use crate::iam;
use crate::model::*;
use crate::value::{from_node, Pos, Value, ValueKind};

/// Biggest Terraform file read; larger ones are reported, not parsed.
const MAX_FILE_BYTES: usize = 8 * 1024 * 1024;

/// Positions of a module's files share one line space: file `i` starts at line
/// `i * FILE_LINE_SPAN`, so the model keeps plain positions and [`split_line`] recovers the
/// file when findings are reported. A file of at most 8 MiB has fewer lines than the span.
pub const FILE_LINE_SPAN: u32 = 1 << 24;
/// Most files of one module read together (`u32` lines / [`FILE_LINE_SPAN`]).
pub const MAX_MODULE_FILES: usize = 255;

/// The file index and real line of a module-wide line.
pub fn split_line(line: u32) -> (usize, u32) {
    ((line / FILE_LINE_SPAN) as usize, line % FILE_LINE_SPAN)
}

struct LineIndex {
    starts: Vec<usize>,
    base: u32,
}

impl LineIndex {
    fn new(text: &str, file: usize) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex {
            starts,
            base: file as u32 * FILE_LINE_SPAN,
        }
    }

    fn pos(&self, offset: usize) -> Pos {
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        Pos {
            line: self.base + line as u32,
            column: (offset - self.starts[line - 1] + 1) as u32,
        }
    }
}

enum Source {
    Hcl { body: Body, lines: LineIndex },
    Json(Value),
}

struct File {
    source: Source,
}

/// A `resource` or `data` block, evaluated.
struct TfResource {
    /// `aws_lambda_function.api` or `data.aws_iam_policy_document.d`.
    address: String,
    rtype: String,
    pos: Pos,
    body: Value,
}

enum LocalDef<'a> {
    Hcl(&'a Expression, &'a LineIndex),
    Json(&'a Value),
}

struct Ctx<'a> {
    vars: HashMap<String, Value>,
    locals: HashMap<String, LocalDef<'a>>,
    local_cache: RefCell<HashMap<String, Value>>,
    visiting: RefCell<HashSet<String>>,
    errors: RefCell<Vec<(Pos, String)>>,
}

impl<'a> Ctx<'a> {
    fn expr(&self, e: &Expression, lines: &LineIndex, depth: usize) -> Value {
        let pos = e.span().map(|s| lines.pos(s.start)).unwrap_or_default();
        if depth > 64 {
            return Value::unknown("deeply nested expression", pos);
        }
        let kind = match e {
            Expression::Null(_) => ValueKind::Null,
            Expression::Bool(b) => ValueKind::Bool(*b.value()),
            Expression::Number(n) => match n.value().as_f64() {
                Some(f) => ValueKind::Num(f),
                None => ValueKind::Unknown("number".into()),
            },
            Expression::String(s) => ValueKind::Str(s.value().clone()),
            Expression::Array(a) => {
                ValueKind::List(a.iter().map(|x| self.expr(x, lines, depth + 1)).collect())
            }
            Expression::Object(o) => ValueKind::Map(
                o.iter()
                    .map(|(k, v)| {
                        let key = match k {
                            ObjectKey::Ident(i) => i.value().to_string(),
                            ObjectKey::Expression(x) => self.expr(x, lines, depth + 1).display(),
                        };
                        (key, self.expr(v.expr(), lines, depth + 1))
                    })
                    .collect(),
            ),
            Expression::StringTemplate(t) => return self.template(t, lines, pos, depth),
            Expression::HeredocTemplate(h) => return self.template(&h.template, lines, pos, depth),
            Expression::Parenthesis(p) => return self.expr(p.inner(), lines, depth + 1),
            Expression::Traversal(t) => {
                let mut names = Vec::new();
                match &t.expr {
                    Expression::Variable(v) => names.push(v.value().to_string()),
                    _ => return Value::unknown("expression", pos),
                }
                for op in &t.operators {
                    match op.value() {
                        TraversalOperator::GetAttr(i) => names.push(i.value().to_string()),
                        TraversalOperator::Index(Expression::Number(n)) => names.push(
                            n.value()
                                .as_i64()
                                .map(|i| i.to_string())
                                .unwrap_or_default(),
                        ),
                        TraversalOperator::Index(Expression::String(s)) => {
                            names.push(s.value().clone())
                        }
                        TraversalOperator::LegacyIndex(i) => names.push(i.value().to_string()),
                        _ => names.push("*".into()),
                    }
                }
                return self.traverse(&names, pos);
            }
            Expression::FuncCall(f) => {
                let name = f.name.name.value().as_str();
                let first = f.args.iter().next();
                match (name, first) {
                    ("jsonencode" | "tostring" | "tonumber" | "tolist" | "toset", Some(arg)) => {
                        let v = self.expr(arg, lines, depth + 1);
                        return Value::new(v.kind, pos);
                    }
                    _ => ValueKind::Unknown(format!("{name}(...)")),
                }
            }
            Expression::Conditional(c) => {
                let cond = self.expr(&c.cond_expr, lines, depth + 1);
                match cond.as_bool() {
                    Some(true) => return self.expr(&c.true_expr, lines, depth + 1),
                    Some(false) => return self.expr(&c.false_expr, lines, depth + 1),
                    None => ValueKind::Unknown("conditional".into()),
                }
            }
            Expression::Variable(v) => ValueKind::Unknown(v.value().to_string()),
            _ => ValueKind::Unknown("expression".into()),
        };
        Value::new(kind, pos)
    }

    fn template(&self, t: &Template, lines: &LineIndex, pos: Pos, depth: usize) -> Value {
        let mut out = String::new();
        let mut known = true;
        for el in t.iter() {
            match el {
                Element::Literal(s) => out.push_str(s.value()),
                Element::Interpolation(i) => {
                    let v = self.expr(&i.expr, lines, depth + 1);
                    match v.as_text() {
                        Some(s) => out.push_str(&s),
                        None => {
                            known = false;
                            out.push_str(&format!("${{{}}}", v.display()));
                        }
                    }
                }
                Element::Directive(_) => {
                    known = false;
                    out.push_str("%{...}");
                }
            }
        }
        if known {
            Value::str(out, pos)
        } else {
            Value::unknown(out, pos)
        }
    }

    fn traverse(&self, names: &[String], pos: Pos) -> Value {
        let Some(root) = names.first() else {
            return Value::unknown("", pos);
        };
        let text = names.join(".");
        let (base, rest) = match root.as_str() {
            "var" => match names.get(1).and_then(|n| self.vars.get(n)) {
                Some(v) => (v.clone(), &names[2..]),
                None => return Value::unknown(text, pos),
            },
            "local" => match names.get(1) {
                Some(n) => (self.local(n, pos), &names[2..]),
                None => return Value::unknown(text, pos),
            },
            "data" if names.len() >= 3 => {
                return Value::new(
                    ValueKind::Ref {
                        target: format!("data.{}.{}", names[1], names[2]),
                        attr: names.get(3).cloned(),
                    },
                    pos,
                )
            }
            r if r.contains('_') && names.len() >= 2 => {
                return Value::new(
                    ValueKind::Ref {
                        target: format!("{}.{}", names[0], names[1]),
                        attr: names.get(2).cloned(),
                    },
                    pos,
                )
            }
            _ => return Value::unknown(text, pos),
        };
        let mut v = base;
        for key in rest {
            let next = match &v.kind {
                ValueKind::Map(_) => v.get(key).cloned(),
                ValueKind::List(items) => key
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| items.get(i).cloned()),
                _ => None,
            };
            match next {
                Some(n) => v = n,
                None => return Value::unknown(text, pos),
            }
        }
        Value::new(v.kind, pos)
    }

    fn local(&self, name: &str, pos: Pos) -> Value {
        if let Some(v) = self.local_cache.borrow().get(name) {
            return v.clone();
        }
        let Some(def) = self.locals.get(name) else {
            return Value::unknown(format!("local.{name}"), pos);
        };
        if !self.visiting.borrow_mut().insert(name.to_string()) {
            self.errors.borrow_mut().push((
                pos,
                format!("local.{name} refers to itself (circular reference)"),
            ));
            return Value::unknown(format!("local.{name}"), pos);
        }
        let v = match def {
            LocalDef::Hcl(e, lines) => self.expr(e, lines, 0),
            LocalDef::Json(v) => self.json(v, 0),
        };
        self.visiting.borrow_mut().remove(name);
        self.local_cache
            .borrow_mut()
            .insert(name.to_string(), v.clone());
        v
    }

    /// Evaluates the `${...}` strings of a `.tf.json` value.
    fn json(&self, v: &Value, depth: usize) -> Value {
        if depth > 64 {
            return Value::unknown("deeply nested value", v.pos);
        }
        match &v.kind {
            ValueKind::Str(s) if s.contains("${") => {
                let inner = s.strip_prefix("${").and_then(|r| r.strip_suffix('}'));
                match inner {
                    Some(expr)
                        if !expr.contains("${")
                            && expr.chars().all(|c| {
                                c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')
                            }) =>
                    {
                        let names: Vec<String> = expr.split('.').map(str::to_string).collect();
                        self.traverse(&names, v.pos)
                    }
                    _ => Value::unknown(s.clone(), v.pos),
                }
            }
            ValueKind::List(items) => Value::new(
                ValueKind::List(items.iter().map(|i| self.json(i, depth + 1)).collect()),
                v.pos,
            ),
            ValueKind::Map(entries) => Value::new(
                ValueKind::Map(
                    entries
                        .iter()
                        .map(|(k, x)| (k.clone(), self.json(x, depth + 1)))
                        .collect(),
                ),
                v.pos,
            ),
            _ => v.clone(),
        }
    }

    /// A block body as a map: attributes as values, nested blocks as lists of maps.
    fn body(&self, body: &Body, lines: &LineIndex, pos: Pos, depth: usize) -> Value {
        let mut entries: Vec<(String, Value)> = Vec::new();
        for s in body.iter() {
            match s {
                Structure::Attribute(a) => {
                    entries.push((a.key.value().to_string(), self.expr(&a.value, lines, depth)));
                }
                Structure::Block(b) => {
                    let bpos = b.span().map(|s| lines.pos(s.start)).unwrap_or(pos);
                    let ident = b.ident.value().to_string();
                    let value = if ident == "dynamic" || depth > 32 {
                        Value::unknown("dynamic block", bpos)
                    } else {
                        self.body(&b.body, lines, bpos, depth + 1)
                    };
                    let key = if ident == "dynamic" {
                        b.labels
                            .first()
                            .map(|l| l.as_str().to_string())
                            .unwrap_or(ident)
                    } else {
                        ident
                    };
                    match entries.iter_mut().find(|(k, _)| *k == key) {
                        Some((
                            _,
                            Value {
                                kind: ValueKind::List(items),
                                ..
                            },
                        )) => items.push(value),
                        _ => entries.push((key, Value::new(ValueKind::List(vec![value]), bpos))),
                    }
                }
            }
        }
        Value::new(ValueKind::Map(entries), pos)
    }
}

/// The first nested block `key` (HCL blocks are lists; `.tf.json` may write a map).
fn block<'v>(v: &'v Value, key: &str) -> Option<&'v Value> {
    let b = v.get(key)?;
    match &b.kind {
        ValueKind::List(items) => items.first(),
        _ => Some(b),
    }
}

fn blocks<'v>(v: &'v Value, key: &str) -> Vec<&'v Value> {
    v.get(key).map(|b| b.one_or_many()).unwrap_or_default()
}

/// Reads a module's files (HCL or JSON, judged by name) and builds its inventory.
pub fn build_module(files: &[(&str, &str)]) -> (Inventory, Vec<ScanError>) {
    let mut errors = Vec::new();
    let mut parsed: Vec<File> = Vec::new();
    if files.len() > MAX_MODULE_FILES {
        for (path, _) in &files[MAX_MODULE_FILES..] {
            errors.push(ScanError::new(
                *path,
                None,
                format!("module has more than {MAX_MODULE_FILES} files; this one was not read"),
            ));
        }
    }
    for (fi, (path, text)) in files.iter().take(MAX_MODULE_FILES).enumerate() {
        let base = Pos {
            line: fi as u32 * FILE_LINE_SPAN + 1,
            column: 1,
        };
        if text.len() > MAX_FILE_BYTES {
            errors.push(ScanError::new(
                *path,
                None,
                format!(
                    "file is larger than {} MiB; not parsed",
                    MAX_FILE_BYTES >> 20
                ),
            ));
            continue;
        }
        if path.ends_with(".json") {
            match palisade_yaml::load(text) {
                Ok(docs) => {
                    if let Some(d) = docs.first() {
                        let mut root = from_node(&d.root);
                        shift(&mut root, base);
                        parsed.push(File {
                            source: Source::Json(root),
                        });
                    }
                }
                Err(e) => errors.push(ScanError::new(*path, Some(e.line), e.message)),
            }
        } else {
            let lines = LineIndex::new(text, fi);
            match hcl_edit::parser::parse_body(text) {
                Ok(body) => parsed.push(File {
                    source: Source::Hcl { body, lines },
                }),
                Err(e) => errors.push(ScanError::new(
                    *path,
                    Some(e.location().line() as u32),
                    format!(
                        "invalid HCL at column {}: {}",
                        e.location().column(),
                        e.message()
                    ),
                )),
            }
        }
    }
    let path = files.first().map(|f| f.0).unwrap_or("");
    let mut inv = Inventory::new(path, Format::Terraform);

    // Variables' defaults and locals first; resources may refer to both.
    let mut ctx = Ctx {
        vars: HashMap::new(),
        locals: HashMap::new(),
        local_cache: RefCell::new(HashMap::new()),
        visiting: RefCell::new(HashSet::new()),
        errors: RefCell::new(Vec::new()),
    };
    for f in &parsed {
        match &f.source {
            Source::Hcl { body, lines } => {
                for b in body.blocks() {
                    match b.ident.value().as_str() {
                        "variable" => {
                            if let (Some(name), Some(d)) =
                                (b.labels.first(), b.body.get_attribute("default"))
                            {
                                let empty = Ctx {
                                    vars: HashMap::new(),
                                    locals: HashMap::new(),
                                    local_cache: Default::default(),
                                    visiting: Default::default(),
                                    errors: Default::default(),
                                };
                                ctx.vars.insert(
                                    name.as_str().to_string(),
                                    empty.expr(&d.value, lines, 0),
                                );
                            }
                        }
                        "locals" => {
                            for a in b.body.attributes() {
                                ctx.locals.insert(
                                    a.key.value().to_string(),
                                    LocalDef::Hcl(&a.value, lines),
                                );
                            }
                        }
                        _ => {}
                    }
                }
            }
            Source::Json(root) => {
                for (name, decl) in root.get("variable").map(Value::entries).unwrap_or_default() {
                    if let Some(d) = decl.get("default") {
                        ctx.vars.insert(name.clone(), d.clone());
                    }
                }
                for l in root
                    .get("locals")
                    .map(|l| l.one_or_many())
                    .unwrap_or_default()
                {
                    for (name, v) in l.entries() {
                        ctx.locals.insert(name.clone(), LocalDef::Json(v));
                    }
                }
            }
        }
    }

    let mut resources: Vec<(usize, TfResource)> = Vec::new();
    for (fi, f) in parsed.iter().enumerate() {
        match &f.source {
            Source::Hcl { body, lines } => {
                for b in body.blocks() {
                    let ident = b.ident.value().as_str();
                    if ident != "resource" && ident != "data" {
                        continue;
                    }
                    let (Some(t), Some(n)) = (b.labels.first(), b.labels.get(1)) else {
                        continue;
                    };
                    let rtype = t.as_str().to_string();
                    if !interesting(&rtype) {
                        continue;
                    }
                    let pos = b.span().map(|s| lines.pos(s.start)).unwrap_or_default();
                    let address = if ident == "data" {
                        format!("data.{rtype}.{}", n.as_str())
                    } else {
                        format!("{rtype}.{}", n.as_str())
                    };
                    let body = ctx.body(&b.body, lines, pos, 0);
                    resources.push((
                        fi,
                        TfResource {
                            address,
                            rtype,
                            pos,
                            body,
                        },
                    ));
                }
            }
            Source::Json(root) => {
                for (ident, prefix) in [("resource", ""), ("data", "data.")] {
                    for section in root.get(ident).map(|r| r.one_or_many()).unwrap_or_default() {
                        for (rtype, named) in section.entries() {
                            if !interesting(rtype) {
                                continue;
                            }
                            for (name, body) in named.entries() {
                                for body in body.one_or_many() {
                                    resources.push((
                                        fi,
                                        TfResource {
                                            address: format!("{prefix}{rtype}.{name}"),
                                            rtype: rtype.clone(),
                                            pos: body.pos,
                                            body: ctx.json(body, 0),
                                        },
                                    ));
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    for (pos, message) in ctx.errors.borrow().iter() {
        let (fi, line) = split_line(pos.line);
        errors.push(ScanError::new(
            files.get(fi).map(|f| f.0).unwrap_or(path),
            Some(line),
            message.clone(),
        ));
    }
    let mut b = Builder {
        inv: &mut inv,
        functions: HashMap::new(),
        roles: HashMap::new(),
        resources: &resources,
    };
    b.run();
    (inv, errors)
}

fn interesting(t: &str) -> bool {
    t.starts_with("aws_lambda_")
        || t.starts_with("aws_iam_")
        || t.starts_with("aws_api_gateway_")
        || t.starts_with("aws_apigatewayv2_")
        || t == "aws_cloudwatch_log_group"
        || t.starts_with("aws_security_group")
        || t.starts_with("aws_vpc_security_group_")
        || t.contains("function_app")
        || t.starts_with("google_cloudfunctions")
        || t.starts_with("google_cloud_run_")
        || t.starts_with("aws_db_instance")
        || t.starts_with("aws_rds_cluster")
        || t.starts_with("aws_elasticache_")
}

struct Builder<'a> {
    inv: &'a mut Inventory,
    functions: HashMap<String, usize>,
    roles: HashMap<String, usize>,
    resources: &'a [(usize, TfResource)],
}

impl Builder<'_> {
    fn run(&mut self) {
        let policies: HashMap<&str, &Value> = self
            .resources
            .iter()
            .filter(|(_, r)| r.rtype == "aws_iam_policy")
            .filter_map(|(_, r)| Some((r.address.as_str(), r.body.get("policy")?)))
            .collect();
        let documents: HashMap<&str, &TfResource> = self
            .resources
            .iter()
            .filter(|(_, r)| r.rtype == "aws_iam_policy_document")
            .map(|(_, r)| (r.address.as_str(), r))
            .collect();
        let statements_of = |v: &Value, source: &str| -> Vec<PolicyStatement> {
            policy_statements(v, source, &documents)
        };

        for (_, r) in self
            .resources
            .iter()
            .filter(|(_, r)| r.rtype == "aws_iam_role")
        {
            let mut role = Role::new(
                r.address.clone(),
                r.body
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or(&r.address)
                    .to_string(),
                r.pos,
            );
            for p in blocks(&r.body, "inline_policy") {
                if let Some(doc) = p.get("policy") {
                    role.statements.extend(statements_of(
                        doc,
                        &p.get("name").map(Value::display).unwrap_or_default(),
                    ));
                }
            }
            for m in r
                .body
                .get("managed_policy_arns")
                .map(Value::items)
                .unwrap_or_default()
            {
                match m.ref_target().and_then(|t| policies.get(t)) {
                    Some(doc) => role
                        .statements
                        .extend(statements_of(doc, m.ref_target().unwrap_or(""))),
                    None => role.managed_policies.push(Spanned {
                        value: m.display(),
                        pos: m.pos,
                    }),
                }
            }
            self.roles.insert(r.address.clone(), self.inv.roles.len());
            self.inv.roles.push(role);
        }
        for (_, r) in self.resources {
            let role_of = |roles: &HashMap<String, usize>, inv: &Inventory| -> Option<usize> {
                let v = r.body.get("role")?;
                if let Some(t) = v.ref_target() {
                    return roles.get(t).copied();
                }
                let name = v.as_str()?;
                inv.roles.iter().position(|x| x.name == name)
            };
            match r.rtype.as_str() {
                "aws_iam_role_policy" => {
                    if let (Some(i), Some(doc)) =
                        (role_of(&self.roles, self.inv), r.body.get("policy"))
                    {
                        let st = statements_of(doc, &r.address);
                        self.inv.roles[i].statements.extend(st);
                    }
                }
                "aws_iam_role_policy_attachment" => {
                    if let (Some(i), Some(arn)) =
                        (role_of(&self.roles, self.inv), r.body.get("policy_arn"))
                    {
                        match arn.ref_target().and_then(|t| policies.get(t)) {
                            Some(doc) => {
                                let st = statements_of(doc, arn.ref_target().unwrap_or(""));
                                self.inv.roles[i].statements.extend(st);
                            }
                            None => self.inv.roles[i].managed_policies.push(Spanned {
                                value: arn.display(),
                                pos: arn.pos,
                            }),
                        }
                    }
                }
                _ => {}
            }
        }
        for (_, r) in self.resources {
            match r.rtype.as_str() {
                "aws_lambda_function" => self.lambda(r),
                "google_cloudfunctions_function" | "google_cloudfunctions2_function" => {
                    self.google(r)
                }
                "azurerm_linux_function_app"
                | "azurerm_windows_function_app"
                | "azurerm_function_app"
                | "azurerm_linux_function_app_slot"
                | "azurerm_windows_function_app_slot"
                | "azurerm_function_app_slot" => self.azure_function_app(r),
                _ => {}
            }
        }
        for (_, r) in self.resources {
            let b = &r.body;
            let function = |this: &Self| b.get("function_name").and_then(|v| this.function_of(v));
            match r.rtype.as_str() {
                "aws_lambda_function_url" => {
                    let cors = block(b, "cors").map(|c| Cors {
                        allow_origins: c
                            .get("allow_origins")
                            .map(|o| {
                                o.one_or_many()
                                    .iter()
                                    .filter_map(|x| x.as_str().map(str::to_string))
                                    .collect()
                            })
                            .unwrap_or_default(),
                        allow_credentials: c
                            .get("allow_credentials")
                            .and_then(Value::as_bool)
                            .unwrap_or(false),
                        pos: c.pos,
                    });
                    let url = FunctionUrl {
                        auth_type: attr_str(b.get("authorization_type")),
                        cors,
                        pos: b.get("authorization_type").map(|a| a.pos).unwrap_or(r.pos),
                    };
                    match function(self) {
                        Some(i) => self.inv.functions[i].url = Some(url),
                        None => self.inv.detached_urls.push((r.address.clone(), url)),
                    }
                }
                "aws_lambda_permission" => self.inv.permissions.push(InvokePermission {
                    resource: r.address.clone(),
                    principal: attr_str(b.get("principal")),
                    source_arn: b.get("source_arn").is_some(),
                    source_account: b.get("source_account").is_some(),
                    principal_org: b.get("principal_org_id").is_some(),
                    for_public_url: b.get("function_url_auth_type").and_then(Value::as_str)
                        == Some("NONE"),
                    pos: b.get("principal").map(|p| p.pos).unwrap_or(r.pos),
                }),
                "aws_lambda_function_event_invoke_config" => {
                    if let Some(i) = function(self) {
                        if let Some(d) =
                            block(b, "destination_config").and_then(|d| block(d, "on_failure"))
                        {
                            self.inv.functions[i].dead_letter = Attr::Set(
                                d.get("destination").map(Value::display).unwrap_or_default(),
                                d.pos,
                            );
                        }
                    }
                }
                "aws_lambda_event_source_mapping" => {
                    if let Some(i) = function(self) {
                        self.inv.functions[i].triggers.push(Trigger {
                            kind: TriggerKind::Poll,
                            source: "event_source_mapping".into(),
                            pos: r.pos,
                        });
                    }
                }
                "aws_lambda_provisioned_concurrency_config" => {
                    if let Some(i) = function(self) {
                        self.inv.functions[i].provisioned_concurrency =
                            attr_i64(b.get("provisioned_concurrent_executions"));
                    }
                }
                "aws_api_gateway_method" => {
                    let method = b.get("http_method").map(Value::display).unwrap_or_default();
                    if method.eq_ignore_ascii_case("OPTIONS") {
                        continue;
                    }
                    let a = b.get("authorization");
                    let auth = match a.map(|a| (a.as_str(), a.pos)) {
                        Some((None, p)) => Attr::Unknown(p),
                        Some((Some(t), p)) if !t.eq_ignore_ascii_case("NONE") => {
                            Attr::Set(EndpointAuth::Authorizer(t.to_string()), p)
                        }
                        other => {
                            let p = other.map(|o| o.1).unwrap_or(r.pos);
                            match b.get("api_key_required") {
                                Some(k) if k.as_bool() == Some(true) => {
                                    Attr::Set(EndpointAuth::ApiKey, p)
                                }
                                Some(k) if k.as_bool().is_none() => Attr::Unknown(k.pos),
                                _ => Attr::Set(EndpointAuth::None, p),
                            }
                        }
                    };
                    self.inv.endpoints.push(Endpoint {
                        kind: EndpointKind::RestApi,
                        resource: r.address.clone(),
                        route: method,
                        auth,
                        cors: None,
                        function: None,
                        pos: a.map(|a| a.pos).unwrap_or(r.pos),
                    });
                }
                "aws_apigatewayv2_route" => {
                    let route = b.get("route_key").map(Value::display).unwrap_or_default();
                    if route.starts_with("OPTIONS ") {
                        continue;
                    }
                    let a = b.get("authorization_type");
                    let auth = match a {
                        Some(a) => match a.as_str() {
                            Some(t) if t.eq_ignore_ascii_case("NONE") => {
                                Attr::Set(EndpointAuth::None, a.pos)
                            }
                            Some(t) => Attr::Set(EndpointAuth::Authorizer(t.to_string()), a.pos),
                            None => Attr::Unknown(a.pos),
                        },
                        None => Attr::Set(EndpointAuth::None, r.pos),
                    };
                    self.inv.endpoints.push(Endpoint {
                        kind: EndpointKind::HttpApi,
                        resource: r.address.clone(),
                        route,
                        auth,
                        cors: None,
                        function: None,
                        pos: a.map(|a| a.pos).unwrap_or(r.pos),
                    });
                }
                "aws_api_gateway_stage" | "aws_apigatewayv2_stage" => {
                    let logging = match block(b, "access_log_settings") {
                        Some(l) => match l.get("destination_arn") {
                            Some(_) => Attr::Set(true, l.pos),
                            None => Attr::Set(false, l.pos),
                        },
                        None => Attr::Set(false, r.pos),
                    };
                    self.inv.stages.push(ApiStage {
                        resource: r.address.clone(),
                        kind: if r.rtype == "aws_api_gateway_stage" {
                            EndpointKind::RestApi
                        } else {
                            EndpointKind::HttpApi
                        },
                        access_logging: logging,
                        pos: r.pos,
                    });
                }
                "aws_cloudwatch_log_group" => {
                    let retention = match b.get("retention_in_days") {
                        Some(v) if v.as_i64() == Some(0) => Attr::Unset,
                        other => attr_i64(other),
                    };
                    let name = b.get("name").map(Value::display).unwrap_or_default();
                    if let Some(rest) = name.strip_prefix("/aws/lambda/") {
                        let by_address = rest.find("aws_lambda_function.").and_then(|at| {
                            let tail = &rest[at + "aws_lambda_function.".len()..];
                            let end = tail
                                .find(|c: char| {
                                    !(c.is_ascii_alphanumeric() || c == '_' || c == '-')
                                })
                                .unwrap_or(tail.len());
                            self.functions
                                .get(&format!("aws_lambda_function.{}", &tail[..end]))
                                .copied()
                        });
                        let linked = by_address
                            .or_else(|| self.inv.functions.iter().position(|f| f.name == rest));
                        if let Some(i) = linked {
                            self.inv.functions[i].log_retention_days = retention.clone();
                        }
                    }
                    self.inv.log_groups.push(LogGroup {
                        resource: r.address.clone(),
                        retention_days: retention,
                        pos: r.pos,
                    });
                }
                "aws_security_group" => {
                    let mut rules = Vec::new();
                    for (key, dir) in [
                        ("ingress", Direction::Ingress),
                        ("egress", Direction::Egress),
                    ] {
                        for rule in blocks(b, key) {
                            rules.extend(tf_rules(
                                rule,
                                dir,
                                &r.address,
                                "cidr_blocks",
                                "ipv6_cidr_blocks",
                                "protocol",
                            ));
                        }
                    }
                    self.inv.security_groups.push(SecurityGroup {
                        resource: r.address.clone(),
                        pos: r.pos,
                        rules,
                    });
                }
                "aws_security_group_rule" => {
                    let dir = if b.get("type").and_then(Value::as_str) == Some("egress") {
                        Direction::Egress
                    } else {
                        Direction::Ingress
                    };
                    let rules = tf_rules(
                        b,
                        dir,
                        &r.address,
                        "cidr_blocks",
                        "ipv6_cidr_blocks",
                        "protocol",
                    );
                    self.inv.security_groups.push(SecurityGroup {
                        resource: r.address.clone(),
                        pos: r.pos,
                        rules,
                    });
                }
                "aws_vpc_security_group_ingress_rule" | "aws_vpc_security_group_egress_rule" => {
                    let dir = if r.rtype.contains("egress") {
                        Direction::Egress
                    } else {
                        Direction::Ingress
                    };
                    let rules =
                        tf_rules(b, dir, &r.address, "cidr_ipv4", "cidr_ipv6", "ip_protocol");
                    self.inv.security_groups.push(SecurityGroup {
                        resource: r.address.clone(),
                        pos: r.pos,
                        rules,
                    });
                }
                t if t.starts_with("google_cloudfunctions")
                    && (t.ends_with("_iam_member") || t.ends_with("_iam_binding"))
                    || t.starts_with("google_cloud_run_")
                        && (t.ends_with("_iam_member") || t.ends_with("_iam_binding")) =>
                {
                    let role = b.get("role").and_then(Value::as_str).unwrap_or("");
                    if !(role.ends_with(".invoker") || role == "roles/run.invoker") {
                        continue;
                    }
                    let members: Vec<&Value> = b
                        .get("member")
                        .into_iter()
                        .chain(
                            b.get("members")
                                .map(|m| m.items().iter().collect::<Vec<_>>())
                                .unwrap_or_default(),
                        )
                        .collect();
                    let function = b.get("cloud_function").and_then(|v| self.function_of(v));
                    for m in members {
                        let Some(name) = m.as_str() else { continue };
                        let public = name == "allUsers" || name == "allAuthenticatedUsers";
                        self.inv.endpoints.push(Endpoint {
                            kind: EndpointKind::GoogleInvoker,
                            resource: r.address.clone(),
                            route: name.to_string(),
                            auth: Attr::Set(
                                if public {
                                    EndpointAuth::None
                                } else {
                                    EndpointAuth::Authorizer(name.to_string())
                                },
                                m.pos,
                            ),
                            cors: None,
                            function,
                            pos: m.pos,
                        });
                    }
                }
                _ => {}
            }
        }
    }

    fn function_of(&self, v: &Value) -> Option<usize> {
        if let Some(t) = v.ref_target() {
            return self.functions.get(t).copied();
        }
        let name = v.as_str()?;
        self.inv.functions.iter().position(|f| f.name == name)
    }

    fn lambda(&mut self, r: &TfResource) {
        let b = &r.body;
        let name = b
            .get("function_name")
            .and_then(Value::as_str)
            .unwrap_or(&r.address)
            .to_string();
        let mut f = Function::new(r.address.clone(), name, Cloud::Aws, r.pos);
        f.runtime = attr_str(b.get("runtime"));
        f.handler = attr_str(b.get("handler"));
        f.image = b.get("package_type").and_then(Value::as_str) == Some("Image")
            || b.get("image_uri").is_some();
        if let Some(env) = block(b, "environment") {
            f.environment_pos = Some(env.pos);
            f.environment = env_vars(env.get("variables"));
            for (_, v) in env.get("variables").map(Value::entries).unwrap_or_default() {
                if let Some(t) = v.ref_target() {
                    if t.starts_with("aws_db_instance")
                        || t.starts_with("aws_rds_cluster")
                        || t.starts_with("aws_elasticache_")
                    {
                        f.vpc_only_targets.push(Spanned {
                            value: t.to_string(),
                            pos: v.pos,
                        });
                    }
                }
            }
        }
        f.kms_key = attr_str(b.get("kms_key_arn"));
        f.timeout = attr_i64(b.get("timeout"));
        f.memory = attr_i64(b.get("memory_size"));
        f.reserved_concurrency = match b.get("reserved_concurrent_executions") {
            Some(v) if v.as_i64() == Some(-1) => Attr::Unset,
            other => attr_i64(other),
        };
        f.tracing = match block(b, "tracing_config").and_then(|t| t.get("mode")) {
            Some(m) => match m.as_str() {
                Some(s) => Attr::Set(s == "Active", m.pos),
                None => Attr::Unknown(m.pos),
            },
            None => Attr::Unset,
        };
        if let Some(d) = block(b, "dead_letter_config").and_then(|d| d.get("target_arn")) {
            f.dead_letter = Attr::Set(d.display(), d.pos);
        }
        if let Some(v) = block(b, "vpc_config") {
            f.vpc = Attr::Set(
                VpcConfig {
                    subnets: v
                        .get("subnet_ids")
                        .map(|s| s.one_or_many().len())
                        .unwrap_or(0),
                    security_groups: v
                        .get("security_group_ids")
                        .map(|s| s.one_or_many().iter().map(|x| x.display()).collect())
                        .unwrap_or_default(),
                },
                v.pos,
            );
        }
        f.code_signing = attr_str(b.get("code_signing_config_arn"));
        if let Some(role) = b.get("role") {
            match role.ref_target() {
                Some(t) => {
                    f.role = self.roles.get(t).copied();
                    f.role_ref = Attr::Set(t.to_string(), role.pos);
                }
                None => f.role_ref = attr_str(Some(role)),
            }
        }
        self.functions
            .insert(r.address.clone(), self.inv.functions.len());
        self.inv.functions.push(f);
    }

    fn azure_function_app(&mut self, r: &TfResource) {
        let b = &r.body;
        let name = b
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or(&r.address)
            .to_string();
        let mut f = Function::new(r.address.clone(), name, Cloud::Azure, r.pos);
        let app_settings = b.get("app_settings");
        f.environment = env_vars(app_settings);
        // Connection strings are settings too, and the likeliest place for a literal password.
        for c in blocks(b, "connection_string") {
            if let (Some(n), Some(v)) = (c.get("name").and_then(Value::as_text), c.get("value")) {
                f.environment.extend(env_vars(Some(&Value::new(
                    ValueKind::Map(vec![(n, v.clone())]),
                    c.pos,
                ))));
            }
        }
        let site_config = b.get("site_config").map(|_| block(b, "site_config"));
        let site = site_config.flatten();
        let site_unknown = site.is_some_and(Value::is_unknown);
        let in_site = |key: &str| -> Attr<String> {
            match site {
                Some(s) if s.is_unknown() => Attr::Unknown(s.pos),
                Some(s) => attr_str(s.get(key)),
                None => Attr::Unset,
            }
        };
        let legacy = matches!(
            r.rtype.as_str(),
            "azurerm_function_app" | "azurerm_function_app_slot"
        );
        let app_insights = {
            let in_config = [
                "application_insights_connection_string",
                "application_insights_key",
            ]
            .iter()
            .find_map(|k| site.and_then(|s| s.get(k)));
            let in_settings = app_settings.and_then(|a| {
                a.entries()
                    .iter()
                    .find(|(k, _)| {
                        k == "APPINSIGHTS_INSTRUMENTATIONKEY"
                            || k == "APPLICATIONINSIGHTS_CONNECTION_STRING"
                    })
                    .map(|(_, v)| v)
            });
            match in_config.or(in_settings) {
                Some(v) if v.is_null() => Attr::Set(false, v.pos),
                Some(v) => Attr::Set(true, v.pos),
                None if site_unknown => Attr::Unknown(site.map(|s| s.pos).unwrap_or(r.pos)),
                None => match app_settings {
                    Some(a) if !a.is_map() => Attr::Unknown(a.pos),
                    _ => Attr::Unset,
                },
            }
        };
        f.site = Some(AppServiceSite {
            https_only: attr_bool(b.get("https_only")),
            min_tls_version: in_site(if legacy {
                "min_tls_version"
            } else {
                "minimum_tls_version"
            }),
            scm_min_tls_version: in_site(if legacy {
                "scm_min_tls_version"
            } else {
                "scm_minimum_tls_version"
            }),
            ftps_state: in_site("ftps_state"),
            ftp_allowed_by_default: legacy,
            platform_auth: platform_auth(b),
            managed_identity: match b.get("identity").map(|_| block(b, "identity")) {
                Some(Some(i)) if i.is_unknown() => Attr::Unknown(i.pos),
                Some(Some(i)) => match i.get("type") {
                    Some(t) => match t.as_str() {
                        Some(t) => Attr::Set(t.contains("Assigned"), t_pos(i, "type")),
                        None => Attr::Unknown(t.pos),
                    },
                    None => Attr::Set(false, i.pos),
                },
                _ => Attr::Unset,
            },
            app_insights,
            pos: r.pos,
        });
        self.functions
            .insert(r.address.clone(), self.inv.functions.len());
        self.inv.functions.push(f);
    }

    fn google(&mut self, r: &TfResource) {
        let b = &r.body;
        let name = b
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or(&r.address)
            .to_string();
        let mut f = Function::new(r.address.clone(), name, Cloud::Google, r.pos);
        let service = block(b, "service_config");
        f.runtime = attr_str(
            b.get("runtime")
                .or_else(|| block(b, "build_config").and_then(|c| c.get("runtime"))),
        );
        f.handler = attr_str(
            b.get("entry_point")
                .or_else(|| block(b, "build_config").and_then(|c| c.get("entry_point"))),
        );
        f.timeout = attr_i64(
            b.get("timeout")
                .or_else(|| service.and_then(|s| s.get("timeout_seconds"))),
        );
        f.memory = attr_i64(b.get("available_memory_mb"));
        f.environment = env_vars(
            b.get("environment_variables")
                .or_else(|| service.and_then(|s| s.get("environment_variables"))),
        );
        f.kms_key = attr_str(b.get("kms_key_name"));
        if let Some(v) = b
            .get("vpc_connector")
            .or_else(|| service.and_then(|s| s.get("vpc_connector")))
        {
            f.vpc = Attr::Set(
                VpcConfig {
                    subnets: 1,
                    security_groups: Vec::new(),
                },
                v.pos,
            );
        }
        self.functions
            .insert(r.address.clone(), self.inv.functions.len());
        self.inv.functions.push(f);
    }
}

fn attr_bool(v: Option<&Value>) -> Attr<bool> {
    match v {
        None => Attr::Unset,
        Some(v) if v.is_null() => Attr::Unset,
        Some(v) => match v.as_bool() {
            Some(b) => Attr::Set(b, v.pos),
            None => Attr::Unknown(v.pos),
        },
    }
}

fn t_pos(v: &Value, key: &str) -> Pos {
    v.get(key).map(|x| x.pos).unwrap_or(v.pos)
}

/// App Service authentication of a function app: on when `auth_settings.enabled` or
/// `auth_settings_v2.auth_enabled` is true; a block that cannot be evaluated is unknown.
fn platform_auth(b: &Value) -> Attr<bool> {
    let mut result = Attr::Unset;
    for (key, flag) in [
        ("auth_settings", "enabled"),
        ("auth_settings_v2", "auth_enabled"),
    ] {
        let Some(settings) = b.get(key).and_then(|_| block(b, key)) else {
            continue;
        };
        if settings.is_unknown() {
            return Attr::Unknown(settings.pos);
        }
        match settings.get(flag) {
            Some(v) => match v.as_bool() {
                Some(true) => return Attr::Set(true, v.pos),
                Some(false) => result = Attr::Set(false, v.pos),
                None => return Attr::Unknown(v.pos),
            },
            // `auth_enabled` defaults to false; `enabled` is required, so a block
            // without it is not a valid configuration to judge.
            None if flag == "auth_enabled" => result = Attr::Set(false, settings.pos),
            None => return Attr::Unknown(settings.pos),
        }
    }
    result
}

fn tf_rules(
    b: &Value,
    direction: Direction,
    resource: &str,
    v4: &str,
    v6: &str,
    proto_key: &str,
) -> Vec<SecurityGroupRule> {
    let protocol = b
        .get(proto_key)
        .and_then(Value::as_text)
        .filter(|p| p != "-1" && !p.eq_ignore_ascii_case("all"));
    let from = b.get("from_port").and_then(Value::as_i64);
    let to = b.get("to_port").and_then(Value::as_i64);
    let mut out = Vec::new();
    for key in [v4, v6] {
        for c in b.get(key).map(|c| c.one_or_many()).unwrap_or_default() {
            if let Some(cidr) = c.as_str() {
                out.push(SecurityGroupRule {
                    resource: resource.to_string(),
                    direction,
                    cidr: cidr.to_string(),
                    protocol: protocol.clone(),
                    from_port: from,
                    to_port: to,
                    pos: c.pos,
                });
            }
        }
    }
    out
}

/// Statements of a Terraform `policy` value: `jsonencode({...})`, a JSON string (heredoc),
/// or a reference to an `aws_iam_policy_document` data source.
fn policy_statements(
    v: &Value,
    source: &str,
    documents: &HashMap<&str, &TfResource>,
) -> Vec<PolicyStatement> {
    match &v.kind {
        ValueKind::Map(_) => iam::statements(v, source),
        ValueKind::Str(s) => match palisade_yaml::load(s) {
            Ok(docs) => docs
                .first()
                .map(|d| {
                    let mut doc = from_node(&d.root);
                    shift(&mut doc, v.pos);
                    iam::statements(&doc, source)
                })
                .unwrap_or_default(),
            Err(_) => Vec::new(),
        },
        ValueKind::Ref { target, .. } => match documents.get(target.as_str()) {
            Some(d) => blocks(&d.body, "statement")
                .into_iter()
                .map(|s| {
                    let mut unknown = false;
                    let list = |k: &str, unknown: &mut bool| -> Vec<Spanned<String>> {
                        s.get(k)
                            .map(|l| {
                                l.one_or_many()
                                    .into_iter()
                                    .filter_map(|x| match x.as_str() {
                                        Some(t) => Some(Spanned {
                                            value: t.to_string(),
                                            pos: x.pos,
                                        }),
                                        None => {
                                            *unknown = true;
                                            None
                                        }
                                    })
                                    .collect()
                            })
                            .unwrap_or_default()
                    };
                    let actions = list("actions", &mut unknown);
                    let not_actions = list("not_actions", &mut unknown);
                    let resources = list("resources", &mut unknown);
                    let not_resources = list("not_resources", &mut unknown);
                    PolicyStatement {
                        allow: s
                            .get("effect")
                            .and_then(Value::as_str)
                            .map(|e| e.eq_ignore_ascii_case("allow"))
                            .unwrap_or(true),
                        actions,
                        not_actions,
                        resources,
                        not_resources,
                        has_unknown: unknown,
                        has_condition: s.get("condition").is_some(),
                        source: target.clone(),
                        pos: s.pos,
                    }
                })
                .collect(),
            None => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// Moves positions of a document parsed from a string to where the string starts.
fn shift(v: &mut Value, base: Pos) {
    v.pos.line = base.line + v.pos.line.saturating_sub(1);
    match &mut v.kind {
        ValueKind::List(items) => items.iter_mut().for_each(|i| shift(i, base)),
        ValueKind::Map(entries) => entries.iter_mut().for_each(|(_, x)| shift(x, base)),
        _ => {}
    }
}
