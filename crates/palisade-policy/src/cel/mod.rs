//! CEL as Kubernetes admission policies use it: the standard library with optional values
//! (`?.`, `orValue`), the string extension (`lowerAscii`, `split`, `join`, ...), the
//! Kubernetes list (`sum`, `min`, `max`, `isSorted`) and regex (`find`, `findAll`)
//! libraries, and Kyverno's `parseServiceAccount`. Expressions are parsed once by the `cel`
//! crate; before each evaluation their cost is bounded from the size of the input (as
//! Kubernetes bounds it from the request size), so an expression that would run away is
//! reported instead of run.
//!
//! A [`CelPolicy`] is the shape shared by ValidatingAdmissionPolicies, Kyverno's CEL rules
//! and ValidatingPolicies, and Gatekeeper's `K8sNativeValidation` engine: match
//! conditions, variables evaluated in order, and validations with a message.

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, OnceLock};

mod field;

use field::field_read_by;

use cel::common::ast::{EntryExpr, Expr};
use cel::extractors::This;
use cel::{Context, Env, ExecutionError, IdedExpr, Program, Value as CelValue};
use serde_json::Value;

use crate::json::{items, text};

/// Largest estimated cost of one expression on one input, in evaluation steps: Kubernetes
/// stops an expression at 1,000,000 cost units; the estimate here is coarser (every
/// comprehension may iterate as many items as the input's longest list), so the bound is
/// higher.
pub const COST_LIMIT: u128 = 100_000_000;

/// Largest estimate of the text and lists one expression may build on one input, in bytes.
/// Kubernetes charges string and list building by size (concatenation, `join`, `replace`,
/// ...); an expression that builds a copy of a large string for each element of a large
/// list would exhaust memory long before it exhausted steps.
pub const BUILD_LIMIT: u128 = 256 << 20;

/// Functions whose result grows with their operands' size (strings or lists built anew).
const BUILDING_FUNCTIONS: &[&str] = &[
    "_+_",
    "join",
    "replace",
    "format",
    "upperAscii",
    "lowerAscii",
    "reverse",
    "quote",
    "split",
    "findAll",
];

/// Functions that turn a string into a list with up to one item per byte: a comprehension
/// over their result iterates as many times as the longest string has bytes.
const SPLITTING_FUNCTIONS: &[&str] = &["split", "findAll"];

/// Functions that read the cluster, the network or a registry: they cannot be evaluated
/// offline, and a policy calling them is reported instead of guessed.
const ONLINE_FUNCTIONS: &[(&str, &str)] = &[
    ("Get", "resource.Get / globalContext.Get / http.Get"),
    ("List", "resource.List"),
    ("Post", "resource.Post / http.Post"),
    ("GetMetadata", "image.GetMetadata"),
    ("ListResources", "resource.ListResources"),
];

fn env() -> Arc<Env> {
    static ENV: OnceLock<Arc<Env>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Env::stdlib();
        // Both extensions are registered on a fresh standard environment: their names
        // cannot collide, so a failure here is a defect of the `cel` crate, not of input.
        let _ = env.add_extension(cel::extensions::strings);
        let _ = env.add_extension(cel::extensions::encoders);
        // `x.orValue(d)` on a value that is not optional gives the value: policies written
        // for Kyverno rely on it (`container.securityContext.capabilities.add.orValue([])`
        // after a `.?` test of the same path), and their tests expect it. The optional
        // library's overload accepts any receiver and rejects non-optionals, so calls are
        // renamed to this one when compiled (see `lenient_or_value`).
        let _ = env.add_member_overload(
            LENIENT_OR_VALUE,
            "dyn_or_value",
            cel::common::types::DYN_TYPE,
            vec![cel::common::types::DYN_TYPE],
            or_value,
        );
        Arc::new(env)
    })
    .clone()
}

/// The functions and environment evaluations run in (built once per evaluation thread).
pub type Root = Context<'static, 'static>;

/// A root context holding the Kubernetes functions; evaluations run in child scopes of it.
pub fn root_context() -> Root {
    let mut ctx = Context::with_env(env());
    // Names checked against the environment at first use in tests: they do not collide.
    let _ = ctx.add_function("sum", list_sum);
    let _ = ctx.add_function("min", list_min);
    let _ = ctx.add_function("max", list_max);
    let _ = ctx.add_function("isSorted", list_is_sorted);
    let _ = ctx.add_function("find", regex_find);
    let _ = ctx.add_function("findAll", regex_find_all);
    let _ = ctx.add_function("parseServiceAccount", parse_service_account);
    ctx
}

/// The name `orValue` calls are compiled to.
const LENIENT_OR_VALUE: &str = "orValue__palisade";

/// `orValue` of an optional (its value, or the default when empty), or of any other value
/// (the value itself).
fn or_value<'b, 'v>(
    mut args: Vec<cel::common::value::CowVal<'b, 'v>>,
) -> Result<cel::common::value::CowVal<'b, 'v>, ExecutionError> {
    if args.len() != 2 {
        return Err(ExecutionError::MissingArgumentOrTarget);
    }
    let default = args.remove(1);
    let this = args.remove(0);
    match this.downcast_ref::<cel::common::types::CelOptional>() {
        Some(optional) => Ok(match optional.inner() {
            Some(value) => cel::common::value::CowVal::Owned(value.clone_as_boxed()),
            None => default,
        }),
        None => Ok(this),
    }
}

/// `source` with `.orValue(` calls (outside string literals) renamed to the lenient
/// overload.
fn lenient_or_value(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut rest = source;
    let mut quote: Option<char> = None;
    while let Some(c) = rest.chars().next() {
        match quote {
            Some(q) => {
                if c == '\\' {
                    let mut it = rest.chars();
                    out.extend(it.next());
                    out.extend(it.next());
                    rest = it.as_str();
                    continue;
                }
                if c == q {
                    quote = None;
                }
            }
            None if c == '\'' || c == '"' => quote = Some(c),
            None if rest.starts_with(".orValue(") => {
                out.push('.');
                out.push_str(LENIENT_OR_VALUE);
                out.push('(');
                rest = &rest[".orValue(".len()..];
                continue;
            }
            None => {}
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

fn fail(function: &str, message: impl ToString) -> ExecutionError {
    ExecutionError::function_error(function, message.to_string())
}

fn list_sum(This(list): This<Arc<Vec<CelValue>>>) -> Result<CelValue, ExecutionError> {
    let mut ints: i64 = 0;
    let mut floats: f64 = 0.0;
    let mut is_float = false;
    for item in list.iter() {
        match item {
            CelValue::Int(i) => {
                ints = ints
                    .checked_add(*i)
                    .ok_or_else(|| fail("sum", "integer overflow"))?
            }
            CelValue::UInt(u) => {
                ints = i64::try_from(*u)
                    .ok()
                    .and_then(|u| ints.checked_add(u))
                    .ok_or_else(|| fail("sum", "integer overflow"))?
            }
            CelValue::Float(f) => {
                is_float = true;
                floats += f
            }
            other => return Err(fail("sum", format!("not a number: {}", type_name(other)))),
        }
    }
    Ok(if is_float {
        CelValue::Float(floats + ints as f64)
    } else {
        CelValue::Int(ints)
    })
}

fn extreme(
    name: &str,
    list: &[CelValue],
    keep: std::cmp::Ordering,
) -> Result<CelValue, ExecutionError> {
    let mut best: Option<&CelValue> = None;
    for item in list {
        best = match best {
            None => Some(item),
            Some(b) => match item.partial_cmp(b) {
                Some(o) if o == keep => Some(item),
                Some(_) => Some(b),
                None => return Err(fail(name, "the list's items cannot be compared")),
            },
        };
    }
    best.cloned().ok_or_else(|| fail(name, "the list is empty"))
}

fn list_min(This(list): This<Arc<Vec<CelValue>>>) -> Result<CelValue, ExecutionError> {
    extreme("min", &list, std::cmp::Ordering::Less)
}

fn list_max(This(list): This<Arc<Vec<CelValue>>>) -> Result<CelValue, ExecutionError> {
    extreme("max", &list, std::cmp::Ordering::Greater)
}

fn list_is_sorted(This(list): This<Arc<Vec<CelValue>>>) -> Result<bool, ExecutionError> {
    for pair in list.windows(2) {
        match pair[0].partial_cmp(&pair[1]) {
            Some(std::cmp::Ordering::Greater) => return Ok(false),
            Some(_) => {}
            None => return Err(fail("isSorted", "the list's items cannot be compared")),
        }
    }
    Ok(true)
}

fn compiled_regex(function: &str, pattern: &str) -> Result<regex::Regex, ExecutionError> {
    regex::RegexBuilder::new(pattern)
        .size_limit(1 << 20)
        .build()
        .map_err(|e| fail(function, format!("invalid regular expression: {e}")))
}

fn string_of(function: &str, value: &CelValue) -> Result<Arc<String>, ExecutionError> {
    match value {
        CelValue::String(s) => Ok(s.clone()),
        other => Err(fail(
            function,
            format!("expects a string, not a {}", type_name(other)),
        )),
    }
}

fn regex_find(This(this): This<CelValue>, pattern: CelValue) -> Result<CelValue, ExecutionError> {
    let (this, pattern) = (string_of("find", &this)?, string_of("find", &pattern)?);
    let re = compiled_regex("find", &pattern)?;
    Ok(CelValue::from(
        re.find(&this)
            .map(|m| m.as_str().to_string())
            .unwrap_or_default(),
    ))
}

fn regex_find_all(
    This(this): This<CelValue>,
    pattern: CelValue,
) -> Result<CelValue, ExecutionError> {
    let (this, pattern) = (
        string_of("findAll", &this)?,
        string_of("findAll", &pattern)?,
    );
    let re = compiled_regex("findAll", &pattern)?;
    Ok(CelValue::List(Arc::new(
        re.find_iter(&this)
            .map(|m| CelValue::String(Arc::new(m.as_str().to_string())))
            .collect(),
    )))
}

/// `system:serviceaccount:<namespace>:<name>` → `{Namespace, Name}` (empty when the user
/// is not a service account), as Kyverno's user library gives it.
fn parse_service_account(user: CelValue) -> Result<CelValue, ExecutionError> {
    let user = string_of("parseServiceAccount", &user)?;
    let (namespace, name) = user
        .strip_prefix("system:serviceaccount:")
        .and_then(|rest| rest.split_once(':'))
        .unwrap_or(("", ""));
    let mut map = HashMap::new();
    map.insert(
        "Namespace".to_string(),
        CelValue::from(namespace.to_string()),
    );
    map.insert("Name".to_string(), CelValue::from(name.to_string()));
    Ok(CelValue::from(map))
}

fn type_name(value: &CelValue) -> &'static str {
    match value {
        CelValue::List(_) => "list",
        CelValue::Map(_) => "map",
        CelValue::Int(_) => "int",
        CelValue::UInt(_) => "uint",
        CelValue::Float(_) => "double",
        CelValue::String(_) => "string",
        CelValue::Bytes(_) => "bytes",
        CelValue::Bool(_) => "bool",
        CelValue::Null => "null",
        _ => "value",
    }
}

/// A JSON value as CEL sees a Kubernetes object: integers as `int`, objects as maps.
pub(crate) fn to_cel(value: &Value) -> CelValue {
    match value {
        Value::Null => CelValue::Null,
        Value::Bool(b) => CelValue::Bool(*b),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => CelValue::Int(i),
            (None, Some(u)) => CelValue::UInt(u),
            _ => CelValue::Float(n.as_f64().unwrap_or(0.0)),
        },
        Value::String(s) => CelValue::String(Arc::new(s.clone())),
        Value::Array(items) => CelValue::List(Arc::new(items.iter().map(to_cel).collect())),
        Value::Object(map) => CelValue::from(
            map.iter()
                .map(|(k, v)| (k.clone(), to_cel(v)))
                .collect::<HashMap<String, CelValue>>(),
        ),
    }
}

/// One compiled expression and its source.
pub(crate) struct Expression {
    pub source: String,
    program: Program,
    /// Estimated cost without iteration: nodes outside comprehensions.
    flat_cost: u128,
    /// Per nesting depth of comprehensions, the nodes iterated at that depth.
    nested_cost: Vec<u128>,
    /// Per nesting depth (0: outside comprehensions), the calls that build a string or a
    /// list as large as their operands.
    building: Vec<u128>,
    /// Whether a comprehension iterates a list split out of a string.
    iterates_text: bool,
    /// Whether the expression reads `variables` other than as `variables.<name>` (as a
    /// whole, in `has(variables.x)`, `variables[k]` or `variables.?x`).
    reads_variables_whole: bool,
}

impl std::fmt::Debug for Expression {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.source)
    }
}

impl Expression {
    /// Parses `source`; fails on a syntax error or on a function that needs the cluster.
    pub fn compile(source: &str) -> Result<Expression, String> {
        let env = env();
        let program = catch_unwind(AssertUnwindSafe(|| env.compile(&lenient_or_value(source))))
            .map_err(|_| "the CEL parser failed on it".to_string())?
            .map_err(|e| format!("does not parse: {}", one_line(&e.to_string())))?;
        let references = program.references();
        for function in references.functions() {
            if let Some((_, spelled)) = ONLINE_FUNCTIONS.iter().find(|(f, _)| *f == function) {
                return Err(format!(
                    "calls {spelled}, which reads the cluster or the network; Palisade evaluates policies offline"
                ));
            }
        }
        let mut tally = Tally::default();
        let flat_cost = cost(program.expression(), 0, &mut tally);
        let reads_variables_whole = reads_whole(program.expression(), "variables");
        Ok(Expression {
            source: source.trim().to_string(),
            program,
            flat_cost,
            nested_cost: tally.nested,
            building: tally.building,
            iterates_text: tally.iterates_text,
            reads_variables_whole,
        })
    }

    /// The estimated worst-case cost on inputs within `bounds`: the evaluation steps, and
    /// the bytes of the strings and lists built.
    fn estimated_cost(&self, bounds: Bounds) -> (u128, u128) {
        // A comprehension iterates a list of the input, or one split out of its text.
        let per_iteration = if self.iterates_text {
            bounds.elements.max(bounds.text)
        } else {
            bounds.elements
        }
        .max(1);
        let mut steps = self.flat_cost;
        let mut factor: u128 = 1;
        for nodes in &self.nested_cost {
            factor = factor.saturating_mul(per_iteration);
            steps = steps.saturating_add(nodes.saturating_mul(factor));
        }
        // Each building call makes at most a copy of the largest string or list it may
        // see (list items counted as 8 bytes), once per iteration of its scope.
        let largest = bounds
            .text
            .saturating_add(bounds.elements.saturating_mul(8))
            .max(1);
        let mut bytes: u128 = 0;
        let mut factor: u128 = 1;
        for (depth, calls) in self.building.iter().enumerate() {
            if depth > 0 {
                factor = factor.saturating_mul(per_iteration);
            }
            bytes = bytes.saturating_add(calls.saturating_mul(factor).saturating_mul(largest));
        }
        (steps, bytes)
    }

    /// Evaluates in `ctx`; `bounds` bounds the lists it may iterate and the text it reads.
    pub fn evaluate(&self, ctx: &Context, bounds: Bounds) -> Result<CelValue, String> {
        let (steps, bytes) = self.estimated_cost(bounds);
        if steps > COST_LIMIT {
            return Err(format!(
                "`{}`: estimated cost {steps} on this object exceeds the limit of {COST_LIMIT}; not evaluated",
                short(&self.source)
            ));
        }
        if bytes > BUILD_LIMIT {
            return Err(format!(
                "`{}`: may build {} MiB of strings and lists on this object, over the limit of {} MiB; not evaluated",
                short(&self.source),
                bytes >> 20,
                BUILD_LIMIT >> 20
            ));
        }
        match catch_unwind(AssertUnwindSafe(|| self.program.execute(ctx))) {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e)) => Err(format!(
                "`{}`: {}",
                short(&self.source),
                short(&one_line(&e.to_string()))
            )),
            Err(_) => Err(format!(
                "`{}`: the CEL interpreter failed",
                short(&self.source)
            )),
        }
    }
}

/// What bounds an evaluation's work: the longest list or map, and the longest string (in
/// bytes), of its inputs and of the variables evaluated before it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Bounds {
    pub elements: u128,
    pub text: u128,
}

impl Bounds {
    fn of(value: &Value) -> Bounds {
        Bounds {
            elements: longest_list(value),
            text: longest_text(value),
        }
    }

    fn max(self, other: Bounds) -> Bounds {
        Bounds {
            elements: self.elements.max(other.elements),
            text: self.text.max(other.text),
        }
    }

    /// These bounds widened by a value an expression gave (a variable).
    fn with(self, value: &CelValue) -> Bounds {
        match value {
            CelValue::List(items) => Bounds {
                elements: self.elements.max(items.len() as u128),
                ..self
            },
            CelValue::Map(map) => Bounds {
                elements: self.elements.max(map.map.len() as u128),
                ..self
            },
            CelValue::String(s) => Bounds {
                text: self.text.max(s.len() as u128),
                ..self
            },
            _ => self,
        }
    }
}

/// What [`cost`] counts besides the nodes evaluated once.
#[derive(Default)]
struct Tally {
    /// Per nesting depth of comprehensions, the nodes iterated at that depth.
    nested: Vec<u128>,
    /// Per depth (0: outside comprehensions), the calls that build strings or lists.
    building: Vec<u128>,
    /// Whether a comprehension's range splits a string.
    iterates_text: bool,
}

/// Nodes of `expr` evaluated once per evaluation of its scope; the nodes of comprehension
/// bodies, evaluated once per iteration, are added to `tally.nested` at their depth, and the
/// calls that build strings or lists to `tally.building`.
fn cost(expr: &IdedExpr, depth: usize, tally: &mut Tally) -> u128 {
    let mut own: u128 = 1;
    match &expr.expr {
        Expr::Call(call) => {
            if BUILDING_FUNCTIONS.contains(&call.func_name.as_str()) && !is_arithmetic(call) {
                if tally.building.len() <= depth {
                    tally.building.resize(depth + 1, 0);
                }
                tally.building[depth] += 1;
            }
            if let Some(target) = &call.target {
                own += cost(target, depth, tally);
            }
            for arg in &call.args {
                own += cost(arg, depth, tally);
            }
        }
        Expr::Comprehension(c) => {
            own += cost(&c.iter_range, depth, tally);
            own += cost(&c.accu_init, depth, tally);
            own += cost(&c.result, depth, tally);
            if calls_any(&c.iter_range, SPLITTING_FUNCTIONS) {
                tally.iterates_text = true;
            }
            let body = cost(&c.loop_cond, depth + 1, tally) + cost(&c.loop_step, depth + 1, tally);
            if tally.nested.len() <= depth {
                tally.nested.resize(depth + 1, 0);
            }
            tally.nested[depth] += body;
        }
        Expr::List(list) => {
            for e in &list.elements {
                own += cost(e, depth, tally);
            }
        }
        Expr::Map(map) => {
            for entry in &map.entries {
                if let EntryExpr::MapEntry(e) = &entry.expr {
                    own += cost(&e.key, depth, tally) + cost(&e.value, depth, tally);
                }
            }
        }
        Expr::Struct(s) => {
            for entry in &s.entries {
                if let EntryExpr::StructField(f) = &entry.expr {
                    own += cost(&f.value, depth, tally);
                }
            }
        }
        Expr::Select(select) => own += cost(&select.operand, depth, tally),
        Expr::Ident(_) | Expr::Literal(_) | Expr::Unspecified => {}
    }
    own
}

/// Whether `call` is an addition with a number literal operand (`n + 1`), which builds
/// nothing; other additions may join strings or lists (the AST carries no types).
fn is_arithmetic(call: &cel::common::ast::CallExpr) -> bool {
    use cel::common::ast::LiteralValue;
    call.func_name == "_+_"
        && call.args.iter().any(|a| {
            matches!(
                &a.expr,
                Expr::Literal(
                    LiteralValue::Int(_) | LiteralValue::UInt(_) | LiteralValue::Double(_)
                )
            )
        })
}

/// Whether `expr` reads the variable `name` other than as the operand of a field selection
/// (`name.field`): as a value of its own, in a call, an index or a `has()` test.
fn reads_whole(expr: &IdedExpr, name: &str) -> bool {
    match &expr.expr {
        Expr::Ident(ident) => ident == name,
        Expr::Select(select)
            if !select.test && matches!(&select.operand.expr, Expr::Ident(i) if i == name) =>
        {
            false
        }
        _ => subexpressions(expr)
            .into_iter()
            .any(|e| reads_whole(e, name)),
    }
}

/// Whether `expr` calls one of `functions` anywhere.
fn calls_any(expr: &IdedExpr, functions: &[&str]) -> bool {
    matches!(&expr.expr, Expr::Call(call) if functions.contains(&call.func_name.as_str()))
        || subexpressions(expr)
            .into_iter()
            .any(|e| calls_any(e, functions))
}

/// The expressions `expr` is made of.
fn subexpressions(expr: &IdedExpr) -> Vec<&IdedExpr> {
    match &expr.expr {
        Expr::Call(call) => call
            .target
            .as_deref()
            .into_iter()
            .chain(&call.args)
            .collect(),
        Expr::Comprehension(c) => vec![
            &c.iter_range,
            &c.accu_init,
            &c.loop_cond,
            &c.loop_step,
            &c.result,
        ],
        Expr::List(list) => list.elements.iter().collect(),
        Expr::Map(map) => map
            .entries
            .iter()
            .flat_map(|entry| match &entry.expr {
                EntryExpr::MapEntry(e) => vec![&e.key, &e.value],
                _ => Vec::new(),
            })
            .collect(),
        Expr::Struct(s) => s
            .entries
            .iter()
            .filter_map(|entry| match &entry.expr {
                EntryExpr::StructField(f) => Some(&f.value),
                _ => None,
            })
            .collect(),
        Expr::Select(select) => vec![&select.operand],
        Expr::Ident(_) | Expr::Literal(_) | Expr::Unspecified => Vec::new(),
    }
}

/// The length of the longest list or map in `value`: no comprehension over the input
/// iterates more.
pub(crate) fn longest_list(value: &Value) -> u128 {
    match value {
        Value::Array(items) => items
            .iter()
            .map(longest_list)
            .max()
            .unwrap_or(0)
            .max(items.len() as u128),
        Value::Object(map) => map
            .values()
            .map(longest_list)
            .max()
            .unwrap_or(0)
            .max(map.len() as u128),
        _ => 0,
    }
}

/// The length in bytes of the longest string (or map key) in `value`.
pub(crate) fn longest_text(value: &Value) -> u128 {
    match value {
        Value::Array(items) => items.iter().map(longest_text).max().unwrap_or(0),
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| (k.len() as u128).max(longest_text(v)))
            .max()
            .unwrap_or(0),
        Value::String(s) => s.len() as u128,
        _ => 0,
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// At most 200 characters of `s`, for messages.
pub(crate) fn short(s: &str) -> String {
    let s = one_line(s);
    match s.char_indices().nth(200) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s,
    }
}

/// One validation: an expression that must be true, and what to say when it is not.
#[derive(Debug)]
pub(crate) struct Validation {
    pub expression: Expression,
    pub message: Option<String>,
    pub message_expression: Option<Expression>,
    /// The object field the expression is about (see [`field_read_by`]); empty if none.
    pub field: Vec<String>,
}

/// Variables, match conditions and validations, compiled.
#[derive(Debug, Default)]
pub struct CelPolicy {
    pub(crate) match_conditions: Vec<(String, Expression)>,
    pub(crate) variables: Vec<(String, Expression)>,
    pub(crate) validations: Vec<Validation>,
    /// `auditAnnotations`: keys and the expressions giving their values.
    pub(crate) audit_annotations: Vec<(String, Expression)>,
    /// Whether an expression reads `variables` as a whole: then it is bound as a map (built
    /// anew as each variable is evaluated); otherwise each variable is bound by its
    /// qualified name `variables.<name>`, which costs no copy.
    variables_map: bool,
}

/// A validation that did not hold.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// Index of the validation in the policy.
    pub index: usize,
    pub message: String,
    /// The object field the validation is about (`["spec", "containers"]`); empty if the
    /// expression names none.
    pub field: Vec<String>,
}

/// The outcome of a policy on one object.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// A match condition was false: the policy does not apply.
    Skipped,
    /// Every validation was evaluated; these failed.
    Checked(Vec<Failure>),
}

/// A JSON input in CEL form, converted once and shared by every policy evaluated on it, with
/// its longest list (the bound of its iteration cost).
#[derive(Debug, Clone)]
pub struct Input {
    cel: CelValue,
    bounds: Bounds,
}

impl Input {
    pub fn of(value: &Value) -> Input {
        Input {
            cel: to_cel(value),
            bounds: Bounds::of(value),
        }
    }

    /// The value in CEL form.
    pub(crate) fn cel(&self) -> &CelValue {
        &self.cel
    }
}

/// A child scope of `root` binding what stays the same from one policy to the next on an
/// object: `object`, `oldObject`, `request`, `namespaceObject`, and Gatekeeper's
/// `variables.anyObject` when given. Converting an input to the interpreter's values is most
/// of an evaluation's cost, so each object's are converted once for all its policies.
pub(crate) fn subject_scope<'r>(
    root: &'r Root,
    object: &Input,
    old_object: Option<&Input>,
    request: &Input,
    namespace_object: Option<&Input>,
    any_object: Option<&Input>,
) -> Context<'r, 'static> {
    let cel_of = |input: Option<&Input>| input.map_or(CelValue::Null, |i| i.cel.clone());
    let mut ctx = root.new_inner_scope();
    ctx.add_variable_from_value("object", object.cel.clone());
    ctx.add_variable_from_value("oldObject", cel_of(old_object));
    ctx.add_variable_from_value("request", request.cel.clone());
    ctx.add_variable_from_value("namespaceObject", cel_of(namespace_object));
    if let Some(any) = any_object {
        ctx.add_variable_from_value("variables.anyObject", any.cel.clone());
    }
    ctx
}

/// What the scope an evaluation starts from already binds (see [`subject_scope`]).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Bound {
    /// `object`, `oldObject`, `request` and `namespaceObject`.
    pub subject: bool,
    /// `object` (false when the policy sees another object than the subject's, a
    /// Kyverno controller's pod template).
    pub object: bool,
    /// `variables.anyObject`.
    pub any_object: bool,
}

impl Bound {
    /// Everything [`subject_scope`] binds, with or without `variables.anyObject`.
    pub(crate) fn subject(any_object: bool) -> Bound {
        Bound {
            subject: true,
            object: true,
            any_object,
        }
    }
}

/// The variables an evaluation binds.
pub(crate) struct Inputs<'a> {
    pub object: &'a Input,
    pub old_object: Option<&'a Input>,
    pub request: &'a Input,
    pub params: Option<&'a Input>,
    pub namespace_object: Option<&'a Input>,
    /// Entries of `variables` set before the policy's own (Gatekeeper's `anyObject`,
    /// `params`).
    pub preset: Vec<(&'static str, &'a Input)>,
    /// What the scope given to the evaluation already binds of the above.
    pub bound: Bound,
}

impl CelPolicy {
    /// Reads `variables` (`name`, `expression`), `validations` (`expression`, `message`,
    /// `messageExpression`) and `matchConditions` (`name`, `expression`) from `spec`, under
    /// the keys given (Kyverno's ClusterPolicy spells validations `expressions`).
    pub(crate) fn from_spec(spec: &Value, validations_key: &str) -> Result<CelPolicy, String> {
        let mut policy = CelPolicy::default();
        for (i, condition) in items(spec, "matchConditions").enumerate() {
            let name = text(condition, &["name"]).to_string();
            let expression = Expression::compile(text(condition, &["expression"]))
                .map_err(|e| format!("matchConditions[{i}] ({name}) {e}"))?;
            policy.match_conditions.push((name, expression));
        }
        for (i, variable) in items(spec, "variables").enumerate() {
            let name = text(variable, &["name"]).to_string();
            if name.is_empty() {
                return Err(format!("variables[{i}] has no name"));
            }
            let expression = Expression::compile(text(variable, &["expression"]))
                .map_err(|e| format!("variables[{i}] ({name}) {e}"))?;
            policy.variables.push((name, expression));
        }
        for (i, validation) in items(spec, validations_key).enumerate() {
            let source = text(validation, &["expression"]);
            if source.trim().is_empty() {
                return Err(format!("{validations_key}[{i}] has no expression"));
            }
            let expression =
                Expression::compile(source).map_err(|e| format!("{validations_key}[{i}] {e}"))?;
            let message_expression = match text(validation, &["messageExpression"]) {
                "" => None,
                m => Some(
                    Expression::compile(m)
                        .map_err(|e| format!("{validations_key}[{i}].messageExpression {e}"))?,
                ),
            };
            let field = field_read_by(source, &policy.variables, 0);
            policy.validations.push(Validation {
                expression,
                message: Some(text(validation, &["message"]).trim().to_string())
                    .filter(|m| !m.is_empty()),
                message_expression,
                field,
            });
        }
        for (i, annotation) in items(spec, "auditAnnotations").enumerate() {
            let key = text(annotation, &["key"]).to_string();
            if key.is_empty() {
                return Err(format!("auditAnnotations[{i}] has no key"));
            }
            let expression = Expression::compile(text(annotation, &["valueExpression"]))
                .map_err(|e| format!("auditAnnotations[{i}] ({key}).valueExpression {e}"))?;
            policy.audit_annotations.push((key, expression));
        }
        let variables_map = policy.expressions().any(|e| e.reads_variables_whole);
        policy.variables_map = variables_map;
        Ok(policy)
    }

    /// Every expression of the policy.
    fn expressions(&self) -> impl Iterator<Item = &Expression> {
        self.match_conditions
            .iter()
            .map(|(_, e)| e)
            .chain(self.variables.iter().map(|(_, e)| e))
            .chain(
                self.validations.iter().flat_map(|v| {
                    std::iter::once(&v.expression).chain(v.message_expression.as_ref())
                }),
            )
            .chain(self.audit_annotations.iter().map(|(_, e)| e))
    }

    pub fn is_empty(&self) -> bool {
        self.validations.is_empty()
    }

    /// Evaluates the policy on one object in a child scope of `scope` (the root context, or
    /// a [`subject_scope`] as `inputs.bound` says).
    pub(crate) fn evaluate(&self, scope: &Context, inputs: &Inputs) -> Result<Verdict, String> {
        self.evaluate_annotated(scope, inputs)
            .map(|(verdict, _)| verdict)
    }

    /// Evaluates the policy, and its audit annotations (key, value) when it applies: an
    /// annotation whose value expression gives null is left out, as Kubernetes does.
    pub(crate) fn evaluate_annotated(
        &self,
        scope: &Context,
        inputs: &Inputs,
    ) -> Result<(Verdict, Vec<(String, String)>), String> {
        let mut bounds = inputs.object.bounds.max(inputs.request.bounds);
        for v in [inputs.old_object, inputs.params, inputs.namespace_object]
            .into_iter()
            .flatten()
        {
            bounds = bounds.max(v.bounds);
        }
        for (_, v) in &inputs.preset {
            bounds = bounds.max(v.bounds);
        }
        let cel_of = |input: Option<&Input>| input.map_or(CelValue::Null, |i| i.cel.clone());
        let mut ctx = scope.new_inner_scope();
        if !inputs.bound.object {
            ctx.add_variable_from_value("object", inputs.object.cel.clone());
        }
        if !inputs.bound.subject {
            ctx.add_variable_from_value("oldObject", cel_of(inputs.old_object));
            ctx.add_variable_from_value("request", inputs.request.cel.clone());
            ctx.add_variable_from_value("namespaceObject", cel_of(inputs.namespace_object));
        }
        ctx.add_variable_from_value("params", cel_of(inputs.params));
        let mut variables: HashMap<String, CelValue> = HashMap::new();
        if self.variables_map {
            variables.extend(
                inputs
                    .preset
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.cel.clone())),
            );
            ctx.add_variable_from_value("variables", CelValue::from(variables.clone()));
        } else {
            for (name, value) in &inputs.preset {
                if !(*name == "anyObject" && inputs.bound.any_object) {
                    ctx.add_variable_from_value(format!("variables.{name}"), value.cel.clone());
                }
            }
        }
        for (name, condition) in &self.match_conditions {
            match condition.evaluate(&ctx, bounds)? {
                CelValue::Bool(true) => {}
                CelValue::Bool(false) => return Ok((Verdict::Skipped, Vec::new())),
                other => {
                    return Err(format!(
                        "match condition {name} gave a {}, not a bool",
                        type_name(&other)
                    ))
                }
            }
        }
        // Variables are evaluated in order; one that fails is an error only where it is
        // used, as Kubernetes evaluates them lazily.
        let mut failed_variables: Vec<(String, String)> = Vec::new();
        for (name, expression) in &self.variables {
            match expression.evaluate(&ctx, bounds) {
                Ok(value) => {
                    bounds = bounds.with(&value);
                    if self.variables_map {
                        variables.insert(name.clone(), value);
                        ctx.add_variable_from_value("variables", CelValue::from(variables.clone()));
                    } else {
                        ctx.add_variable_from_value(format!("variables.{name}"), value);
                    }
                }
                Err(e) => failed_variables.push((name.clone(), e)),
            }
        }
        let mut failures = Vec::new();
        for (index, validation) in self.validations.iter().enumerate() {
            let result =
                validation
                    .expression
                    .evaluate(&ctx, bounds)
                    .map_err(|e| {
                        match failed_variables
                            .iter()
                            .find(|(name, _)| validation.expression.source.contains(name.as_str()))
                        {
                            Some((name, cause)) => format!("variable {name}: {cause}"),
                            None => e,
                        }
                    })?;
            match result {
                CelValue::Bool(true) => {}
                CelValue::Bool(false) => failures.push(Failure {
                    index,
                    message: validation.message(&ctx, bounds),
                    field: validation.field.clone(),
                }),
                other => {
                    return Err(format!(
                        "`{}` gave a {}, not a bool",
                        short(&validation.expression.source),
                        type_name(&other)
                    ))
                }
            }
        }
        let mut annotations = Vec::new();
        for (key, expression) in &self.audit_annotations {
            match expression.evaluate(&ctx, bounds)? {
                CelValue::Null => {}
                CelValue::String(value) => annotations.push((key.clone(), value.to_string())),
                other => {
                    return Err(format!(
                        "audit annotation {key} gave a {}, not a string",
                        type_name(&other)
                    ))
                }
            }
        }
        Ok((Verdict::Checked(failures), annotations))
    }
}

impl Validation {
    /// `messageExpression` when it gives a non-empty string, else `message`, else the
    /// expression that failed, as Kubernetes words it.
    fn message(&self, ctx: &Context, bounds: Bounds) -> String {
        if let Some(expression) = &self.message_expression {
            if let Ok(CelValue::String(s)) = expression.evaluate(ctx, bounds) {
                if !s.trim().is_empty() {
                    return s.trim().to_string();
                }
            }
        }
        self.message
            .clone()
            .unwrap_or_else(|| format!("failed expression: {}", short(&self.expression.source)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(policy: serde_json::Value, object: serde_json::Value) -> Result<Verdict, String> {
        let policy = CelPolicy::from_spec(&policy, "validations")?;
        let root = root_context();
        policy.evaluate(
            &root,
            &Inputs {
                object: &Input::of(&object),
                old_object: None,
                request: &Input::of(&json!({"operation": "CREATE"})),
                params: None,
                namespace_object: None,
                preset: Vec::new(),
                bound: Bound::default(),
            },
        )
    }

    #[test]
    fn optional_fields_variables_and_messages() {
        let policy = json!({
            "variables": [{"name": "all", "expression":
                "object.spec.containers + object.spec.?initContainers.orValue([])"}],
            "validations": [{
                "expression": "variables.all.all(c, c.?securityContext.?runAsNonRoot.orValue(false))",
                "messageExpression": "'root: ' + variables.all.filter(c, !c.?securityContext.?runAsNonRoot.orValue(false)).map(c, c.name).join(', ')"
            }]
        });
        let pod = json!({"spec": {"containers": [
            {"name": "a", "securityContext": {"runAsNonRoot": true}},
            {"name": "b"}]}});
        assert_eq!(
            check(policy.clone(), pod).unwrap(),
            Verdict::Checked(vec![Failure {
                index: 0,
                message: "root: b".into(),
                field: vec!["spec".into(), "containers".into()],
            }])
        );
        let good = json!({"spec": {"containers": [{"name": "a", "securityContext": {"runAsNonRoot": true}}]}});
        assert_eq!(check(policy, good).unwrap(), Verdict::Checked(vec![]));
    }

    /// Variables read only as `variables.<name>` are bound by that qualified name; a policy
    /// that reads `variables` as a whole gets the map. Both give the same verdicts.
    #[test]
    fn variables_by_name_and_as_a_map_agree() {
        let by_name = json!({
            "variables": [
                {"name": "containers", "expression": "object.spec.containers"},
                {"name": "names", "expression": "variables.containers.map(c, c.name)"}
            ],
            "validations": [{"expression": "!variables.names.exists(n, n == 'bad')",
                             "messageExpression": "'bad among ' + variables.names.join(',')"}]
        });
        let mut as_map = by_name.clone();
        as_map["validations"][0]["expression"] =
            json!("has(variables.names) && !variables.names.exists(n, n == 'bad')");
        for (text, whole) in [
            ("variables.a.b", false),
            ("[1].all(x, variables.a > x)", false),
            ("has(variables.a)", true),
            ("variables.?a.orValue(1)", true),
            ("variables['a']", true),
            ("size(variables) > 0", true),
        ] {
            assert_eq!(
                Expression::compile(text).unwrap().reads_variables_whole,
                whole,
                "{text}"
            );
        }
        assert!(
            !CelPolicy::from_spec(&by_name, "validations")
                .unwrap()
                .variables_map
        );
        assert!(
            CelPolicy::from_spec(&as_map, "validations")
                .unwrap()
                .variables_map
        );
        let bad = json!({"spec": {"containers": [{"name": "good"}, {"name": "bad"}]}});
        let good = json!({"spec": {"containers": [{"name": "good"}]}});
        for policy in [by_name, as_map] {
            assert_eq!(
                check(policy.clone(), bad.clone()).unwrap(),
                Verdict::Checked(vec![Failure {
                    index: 0,
                    message: "bad among good,bad".into(),
                    field: vec!["spec".into(), "containers".into()],
                }])
            );
            assert_eq!(
                check(policy, good.clone()).unwrap(),
                Verdict::Checked(vec![])
            );
        }
    }

    #[test]
    fn audit_annotations_are_evaluated_and_null_ones_left_out() {
        let policy = CelPolicy::from_spec(
            &json!({
                "validations": [{"expression": "true"}],
                "auditAnnotations": [
                    {"key": "replicas", "valueExpression": "string(object.spec.replicas)"},
                    {"key": "never", "valueExpression": "null"}
                ]
            }),
            "validations",
        )
        .unwrap();
        let object = json!({"spec": {"replicas": 3}});
        let (verdict, annotations) = policy
            .evaluate_annotated(
                &root_context(),
                &Inputs {
                    object: &Input::of(&object),
                    old_object: None,
                    request: &Input::of(&json!({})),
                    params: None,
                    namespace_object: None,
                    preset: Vec::new(),
                    bound: Bound::default(),
                },
            )
            .unwrap();
        assert_eq!(verdict, Verdict::Checked(vec![]));
        assert_eq!(annotations, vec![("replicas".to_string(), "3".to_string())]);
        let bad = json!({"validations": [{"expression": "true"}], "auditAnnotations": [{"key": "k", "valueExpression": "object.("}]});
        assert!(CelPolicy::from_spec(&bad, "validations")
            .unwrap_err()
            .contains("auditAnnotations[0] (k).valueExpression does not parse"));
    }

    #[test]
    fn kubernetes_library_functions() {
        let object = json!({"spec": {"n": [3, 1, 2], "s": "a1b22c333"}});
        for (expr, want) in [
            ("object.spec.n.sum() == 6", true),
            ("object.spec.n.min() == 1 && object.spec.n.max() == 3", true),
            ("object.spec.n.isSorted()", false),
            ("object.spec.s.find('[0-9]+') == '1'", true),
            (
                "object.spec.s.findAll('[0-9]+') == ['1', '22', '333']",
                true,
            ),
            (
                "'ABC'.lowerAscii() == 'abc' && 'a,b'.split(',').size() == 2",
                true,
            ),
            (
                "parseServiceAccount('system:serviceaccount:ns:sa').Name == 'sa'",
                true,
            ),
            ("object.spec.n.orValue([]).size() == 3", true),
            ("object.spec.?m.orValue([]).size() == 0", true),
        ] {
            let policy = json!({"validations": [{"expression": expr}]});
            let verdict = check(policy, object.clone()).unwrap();
            assert_eq!(verdict == Verdict::Checked(vec![]), want, "{expr}");
        }
    }

    #[test]
    fn match_conditions_skip_and_errors_name_the_expression() {
        let policy = json!({
            "matchConditions": [{"name": "only-web", "expression": "object.metadata.name == 'web'"}],
            "validations": [{"expression": "false", "message": "no"}]
        });
        let other = json!({"metadata": {"name": "db"}});
        assert_eq!(check(policy, other).unwrap(), Verdict::Skipped);
        let bad = json!({"validations": [{"expression": "object.nope.size() > 0"}]});
        let err = check(bad, json!({"spec": {}})).unwrap_err();
        assert!(err.contains("object.nope.size()"), "{err}");
        let online = json!({"validations": [{"expression": "resource.Get('v1', 'configmaps', 'ns', 'n').data.x == '1'"}]});
        let err = check(online, json!({})).unwrap_err();
        assert!(err.contains("resource.Get"), "{err}");
        let syntax = json!({"validations": [{"expression": "object.spec.("}]});
        assert!(check(syntax, json!({}))
            .unwrap_err()
            .contains("does not parse"));
    }

    #[test]
    fn or_value_is_renamed_outside_strings_only() {
        assert_eq!(
            lenient_or_value("a.?b.orValue([]) + ['.orValue(', \".orValue(\\\"\"]"),
            "a.?b.orValue__palisade([]) + ['.orValue(', \".orValue(\\\"\"]"
        );
    }

    #[test]
    fn many_short_lists_do_not_add_up_to_a_refusal() {
        // A pod with many lists of ordinary length and a three-deep expression, as the
        // Gatekeeper library's host-filesystem template writes it.
        let lists: serde_json::Map<String, serde_json::Value> = (0..40)
            .map(|i| (format!("l{i}"), json!((0..25).collect::<Vec<u32>>())))
            .collect();
        let object = json!({"spec": lists});
        let policy = json!({"validations": [{"expression":
            "object.spec.l0.all(a, object.spec.l1.all(b, object.spec.l2.all(c, a + b + c >= 0)))"}]});
        assert_eq!(check(policy, object).unwrap(), Verdict::Checked(vec![]));
    }

    #[test]
    fn building_a_copy_of_a_large_string_per_item_is_refused_before_it_runs() {
        // 20,000 items and a 100 KB string: a copy of the string per item would build 2 GB.
        let object = json!({"spec": {"items": vec![0; 20_000], "text": "x".repeat(100_000)}});
        let policy = json!({"validations": [{"expression":
            "object.spec.items.map(i, object.spec.text + object.spec.text).size() > 0"}]});
        let err = check(policy, object.clone()).unwrap_err();
        assert!(err.contains("may build") && err.contains("MiB"), "{err}");
        // Building it once, or counting with numbers per item, runs.
        for expression in [
            "size(object.spec.text + object.spec.text) > 0",
            "object.spec.items.all(i, i + 1 > 0)",
        ] {
            let policy = json!({"validations": [{"expression": expression}]});
            assert_eq!(
                check(policy, object.clone()).unwrap(),
                Verdict::Checked(vec![]),
                "{expression}"
            );
        }
        // A list split out of the text is iterated as many times as the text has bytes.
        let object = json!({"spec": {"text": "ab".repeat(20_000)}});
        let policy = json!({"validations": [{"expression":
            "object.spec.text.split('').all(a, object.spec.text.split('').all(b, a != '-'))"}]});
        let err = check(policy, object).unwrap_err();
        assert!(err.contains("exceeds the limit"), "{err}");
    }

    #[test]
    fn runaway_expressions_are_refused_before_they_run() {
        let big: Vec<u32> = (0..2000).collect();
        let object = json!({"spec": {"items": big}});
        let policy = json!({"validations": [{"expression":
            "object.spec.items.all(a, object.spec.items.all(b, object.spec.items.all(c, a + b + c >= 0)))"}]});
        let err = check(policy, object).unwrap_err();
        assert!(err.contains("exceeds the limit"), "{err}");
    }
}
