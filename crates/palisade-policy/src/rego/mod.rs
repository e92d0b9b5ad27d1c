//! A template's Rego, compiled once with `regorus` and evaluated per object within a
//! wall-clock budget, with the failures a policy author can cause (syntax, unknown
//! builtins, runaway loops, a panic inside the interpreter) turned into messages.
//!
//! Evaluation runs on regorus's virtual machine (RVM): the template is compiled once to
//! bytecode, which evaluates the Gatekeeper library two to three times faster than the
//! tree-walking interpreter. The interpreter stays as the reference: a template the RVM
//! compiler does not accept runs on it, and so does any object on which the VM stops with
//! an error other than the time budget, so the verdicts are the interpreter's in every case.

use std::collections::BTreeSet;
use std::num::NonZeroU32;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::time::Duration;

use regorus::rvm::program::Program;
use regorus::rvm::vm::{RegoVM, VmError};

mod memo;
mod opa_syntax;

pub use opa_syntax::as_opa_reads_it;

/// Longest one evaluation of one constraint on one object may run; Gatekeeper's webhook
/// gives a whole admission request a few seconds.
pub const EVALUATION_BUDGET: Duration = Duration::from_secs(2);

/// A compiled template: its modules loaded in an interpreter, and their bytecode when the
/// RVM compiler accepts them; cloned per evaluation thread.
pub struct RegoPolicy {
    engine: regorus::Engine,
    /// The bytecode of `rule`, shared by every clone.
    program: Option<Arc<Program>>,
    /// This clone's virtual machine, made on first use (a VM holds per-run state).
    vm: Option<Box<RegoVM>>,
    /// `data` as the VM sees it (the interpreter holds its own copy).
    data: regorus::Value,
    /// `data.<package>.violation`.
    rule: String,
    /// Whether the policy reads `data.inventory`: only then is the inventory loaded.
    pub uses_inventory: bool,
    /// The same template with its data-only calls on inventory objects memoized (see
    /// [`memo`]), used once an inventory is loaded and its tables filled.
    memoized: Option<Arc<Memoized>>,
}

/// A template rewritten by [`memo::rewrite`], compiled.
struct Memoized {
    engine: regorus::Engine,
    program: Option<Arc<Program>>,
    tables: Vec<memo::Table>,
}

impl Clone for RegoPolicy {
    fn clone(&self) -> RegoPolicy {
        RegoPolicy {
            engine: self.engine.clone(),
            program: self.program.clone(),
            vm: None,
            data: self.data.clone(),
            rule: self.rule.clone(),
            uses_inventory: self.uses_inventory,
            memoized: self.memoized.clone(),
        }
    }
}

/// One `violation[{"msg": ..., "details": ...}]` result.
#[derive(Debug, Clone, PartialEq)]
pub struct RawViolation {
    pub message: String,
    pub details: Option<serde_json::Value>,
}

impl RegoPolicy {
    /// Compiles the template's Rego and its `libs` (Rego v0, as Gatekeeper reads them).
    pub fn compile(rego: &str, libs: &[String]) -> Result<RegoPolicy, String> {
        RegoPolicy::compile_with(rego, libs, true)
    }

    /// [`RegoPolicy::compile`], with or without memoizing data-only calls.
    fn compile_with(rego: &str, libs: &[String], memoize: bool) -> Result<RegoPolicy, String> {
        let result = catch_unwind(AssertUnwindSafe(|| -> Result<RegoPolicy, String> {
            let mut engine = new_engine();
            for (i, lib) in libs.iter().enumerate() {
                engine
                    .add_policy(format!("libs[{i}].rego"), as_opa_reads_it(lib))
                    .map_err(|e| format!("libs[{i}] does not compile: {e}"))?;
            }
            let libs_only = engine.clone();
            let template = as_opa_reads_it(rego);
            let package = engine
                .add_policy("template.rego".into(), template.clone())
                .map_err(|e| format!("the Rego does not compile: {e}"))?;
            let mut sources = vec![rego];
            sources.extend(libs.iter().map(String::as_str));
            // regorus detects recursive rules but not recursive functions, which overflow
            // the stack and abort the process: OPA rejects both when compiling.
            if let Some(cycle) = recursion(&sources) {
                return Err(format!(
                    "is recursive ({}); Rego does not allow recursion",
                    cycle.join(" -> ")
                ));
            }
            if let Some(missing) = unsupported_builtins(&sources).into_iter().next() {
                return Err(format!(
                    "calls `{missing}`, a Rego builtin that Palisade's Rego engine (regorus {}) does not implement",
                    regorus_version()
                ));
            }
            let rule = format!("{package}.violation");
            let program = bytecode(&engine, &rule);
            let uses_inventory = sources.iter().any(|s| s.contains("inventory"));
            let memoized = if uses_inventory && memoize {
                memo::rewrite(&template).and_then(|(text, tables)| {
                    let mut engine = libs_only;
                    engine.add_policy("template.rego".into(), text).ok()?;
                    let program = bytecode(&engine, &rule);
                    Some(Arc::new(Memoized {
                        engine,
                        program,
                        tables,
                    }))
                })
            } else {
                None
            };
            Ok(RegoPolicy {
                engine,
                program,
                vm: None,
                data: regorus::Value::new_object(),
                rule,
                uses_inventory,
                memoized,
            })
        }));
        result
            .unwrap_or_else(|panic| Err(format!("the Rego engine failed: {}", panic_text(&panic))))
    }

    /// An engine holding this policy and `data` (the inventory, shared, not copied), ready
    /// for inputs; a policy that does not read the inventory gets none.
    pub fn with_data(&self, data: &regorus::Value) -> Result<RegoPolicy, String> {
        let mut policy = self.clone();
        if self.uses_inventory {
            match self.memoized.as_deref().and_then(|m| m.with_data(data)) {
                Some((engine, program, data)) => {
                    policy.engine = engine;
                    policy.program = program;
                    policy.data = data;
                }
                None => {
                    policy
                        .engine
                        .add_data(data.clone())
                        .map_err(|e| e.to_string())?;
                    policy.data = data.clone();
                }
            }
        }
        // The first evaluation analyses the modules; done here, every worker's clone
        // starts analysed. Its outcome is irrelevant: real inputs follow.
        let _ = policy.evaluate_input(regorus::Value::new_object());
        Ok(policy)
    }

    /// The violations `input` raises.
    #[cfg(test)]
    pub fn evaluate(&mut self, input: &serde_json::Value) -> Result<Vec<RawViolation>, String> {
        self.evaluate_input(regorus::Value::from(input.clone()))
    }

    /// The violations of Gatekeeper's `input` made of a review and parameters, both
    /// converted once and shared.
    pub fn evaluate_review(
        &mut self,
        review: &regorus::Value,
        parameters: &regorus::Value,
    ) -> Result<Vec<RawViolation>, String> {
        let mut input = std::collections::BTreeMap::new();
        input.insert(regorus::Value::from("review"), review.clone());
        input.insert(regorus::Value::from("parameters"), parameters.clone());
        self.evaluate_input(regorus::Value::from(input))
    }

    fn evaluate_input(&mut self, input: regorus::Value) -> Result<Vec<RawViolation>, String> {
        if let Some(program) = &self.program {
            let program = program.clone();
            let data = self.data.clone();
            let vm = self
                .vm
                .get_or_insert_with(|| virtual_machine(program, data));
            let outcome = catch_unwind(AssertUnwindSafe(|| {
                vm.set_input(input.clone());
                vm.execute_entry_point_by_name(&self.rule)
            }));
            match outcome {
                Ok(Ok(result)) => return Ok(violations_of(&result)),
                Ok(Err(VmError::TimeLimitExceeded { limit, .. })) => {
                    return Err(budget_spent(limit));
                }
                // Anything else the interpreter decides.
                Ok(Err(_)) | Err(_) => self.vm = None,
            }
        }
        let result = catch_unwind(AssertUnwindSafe(|| -> Result<Vec<RawViolation>, String> {
            self.engine.set_input(input);
            let result = self
                .engine
                .eval_rule(self.rule.clone())
                .map_err(describe_error)?;
            Ok(violations_of(&result))
        }));
        result
            .unwrap_or_else(|panic| Err(format!("the Rego engine failed: {}", panic_text(&panic))))
    }
}

/// An interpreter reading Rego as Gatekeeper does, within the evaluation budget.
fn new_engine() -> regorus::Engine {
    let mut engine = regorus::Engine::new();
    engine.set_rego_v0(true);
    // OPA's default, which Gatekeeper keeps: a builtin given bad arguments is undefined
    // rather than an error that aborts the whole policy.
    engine.set_strict_builtin_errors(false);
    engine.set_execution_timer_config(regorus::utils::limits::ExecutionTimerConfig {
        limit: EVALUATION_BUDGET,
        check_interval: NonZeroU32::new(64).unwrap_or(NonZeroU32::MIN),
    });
    engine
}

impl Memoized {
    /// The rewritten template's engine holding `data` and its filled tables, its bytecode,
    /// and `data` with the tables as the VM sees it; `None` when a table cannot be filled
    /// (within the budget of one evaluation), and the template then runs as written.
    fn with_data(
        &self,
        data: &regorus::Value,
    ) -> Option<(regorus::Engine, Option<Arc<Program>>, regorus::Value)> {
        // Without objects there is nothing to look up, and a table costs more to fill than
        // one admission request's evaluation (the webhook evaluates with no inventory).
        let holds_objects = |scope: &str| {
            data.as_object()
                .ok()
                .and_then(|d| d.get(&regorus::Value::from("inventory")))
                .and_then(|i| i.as_object().ok())
                .and_then(|i| i.get(&regorus::Value::from(scope)))
                .and_then(|s| s.as_object().ok())
                .is_some_and(|s| !s.is_empty())
        };
        if !holds_objects("namespace") && !holds_objects("cluster") {
            return None;
        }
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            let mut engine = self.engine.clone();
            engine.add_data(data.clone()).ok()?;
            let mut tables = regorus::Value::new_object();
            for table in &self.tables {
                let flat = engine.eval_rule(table.rule.clone()).ok()?;
                let value = memo::nest(&flat, table.arity)?;
                tables
                    .as_object_mut()
                    .ok()?
                    .insert(regorus::Value::from(table.key.as_str()), value);
            }
            let mut root = regorus::Value::new_object();
            root.as_object_mut()
                .ok()?
                .insert(regorus::Value::from(memo::MEMO_ROOT), tables.clone());
            engine.add_data(root.clone()).ok()?;
            let mut with_tables = data.clone();
            with_tables
                .as_object_mut()
                .ok()?
                .insert(regorus::Value::from(memo::MEMO_ROOT), tables);
            Some((engine, self.program.clone(), with_tables))
        }));
        outcome.ok().flatten()
    }
}

/// The bytecode of `rule`, or `None` when the RVM compiler does not accept the modules.
fn bytecode(engine: &regorus::Engine, rule: &str) -> Option<Arc<Program>> {
    let mut engine = engine.clone();
    let entry: regorus::Rc<str> = rule.into();
    let compiled = engine.compile_with_entrypoint(&entry).ok()?;
    regorus::languages::rego::compiler::Compiler::compile_from_policy(&compiled, &[rule]).ok()
}

/// A virtual machine running `program` on `data`, within the same budget as the
/// interpreter: the wall clock, not an instruction count (a legitimate policy over a large
/// inventory runs millions of instructions).
fn virtual_machine(program: Arc<Program>, data: regorus::Value) -> Box<RegoVM> {
    let mut vm = Box::new(RegoVM::new());
    vm.load_program(program);
    vm.set_max_instructions(usize::MAX);
    vm.set_execution_timer_config(Some(regorus::utils::limits::ExecutionTimerConfig {
        limit: EVALUATION_BUDGET,
        check_interval: NonZeroU32::new(64).unwrap_or(NonZeroU32::MIN),
    }));
    // `data` is an object built by this crate: setting it cannot fail.
    let _ = vm.set_data(data);
    vm
}

fn budget_spent(limit: Duration) -> String {
    format!(
        "stopped: the policy ran longer than its budget of {} ms for one object",
        limit.as_millis()
    )
}

fn violations_of(result: &regorus::Value) -> Vec<RawViolation> {
    let Ok(set) = result.as_set() else {
        return Vec::new();
    };
    set.iter()
        .map(|item| {
            let json = item
                .to_json_str()
                .ok()
                .and_then(|s| serde_json::from_str::<serde_json::Value>(&s).ok())
                .unwrap_or(serde_json::Value::Null);
            let message = match json.get("msg") {
                Some(serde_json::Value::String(s)) => s.clone(),
                Some(other) => other.to_string(),
                None => json.to_string(),
            };
            RawViolation {
                message,
                details: json.get("details").filter(|d| !d.is_null()).cloned(),
            }
        })
        .collect()
}

/// Names the two failures an author must act on: the budget, and a missing builtin.
fn describe_error(e: anyhow::Error) -> String {
    if let Some(regorus::LimitError::TimeLimitExceeded { limit, .. }) =
        e.downcast_ref::<regorus::LimitError>()
    {
        return budget_spent(*limit);
    }
    let text = format!("{e:#}");
    if let Some(i) = text.find("could not find function ") {
        let name = text[i + "could not find function ".len()..]
            .split_whitespace()
            .next()
            .unwrap_or("");
        return format!(
            "calls `{name}`, a Rego builtin that Palisade's Rego engine (regorus {}) does not implement",
            regorus_version()
        );
    }
    format!("evaluation failed: {text}")
}

fn regorus_version() -> &'static str {
    "0.14"
}

fn panic_text(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "an internal error".to_string())
}

/// Words that precede `(` without being calls.
const NOT_CALLS: &[&str] = &[
    "not", "some", "every", "in", "if", "else", "with", "as", "default", "import", "package",
    "contains", "print", "data", "input",
];

/// Functions called in `sources` that are neither defined or imported there nor builtins
/// of the engine, in order of name. Strings and comments are skipped.
pub fn unsupported_builtins(sources: &[&str]) -> BTreeSet<String> {
    let mut defined = BTreeSet::new();
    let mut called = BTreeSet::new();
    for source in sources {
        let code = strip_strings_and_comments(source);
        for line in code.lines() {
            let trimmed = line.trim_start();
            if let Some(rest) = trimmed.strip_prefix("import ") {
                let path = rest.split_whitespace().collect::<Vec<_>>();
                // `import data.lib.x.f` and `import data.lib.x as y`
                if let Some(name) = path.last() {
                    defined.insert(name.rsplit('.').next().unwrap_or(name).to_string());
                }
                continue;
            }
            // A definition starts a line of the module: `name(args) {`, `name(x) = y if`.
            if line.len() == trimmed.len() {
                if let Some((name, _)) = call_at(trimmed) {
                    defined.insert(name.rsplit('.').next().unwrap_or(name).to_string());
                }
            }
        }
        let bytes = code.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let c = bytes[i];
            let starts_ident = (c.is_ascii_alphabetic() || c == b'_')
                && (i == 0
                    || !(bytes[i - 1].is_ascii_alphanumeric()
                        || bytes[i - 1] == b'_'
                        || bytes[i - 1] == b'.'));
            if starts_ident {
                if let Some((name, len)) = call_at(&code[i..]) {
                    called.insert(name.to_string());
                    i += len;
                    continue;
                }
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'.')
                {
                    i += 1;
                }
                continue;
            }
            i += 1;
        }
    }
    let builtins = &*regorus::unstable::BUILTINS;
    called
        .into_iter()
        .filter(|name| {
            let last = name.rsplit('.').next().unwrap_or(name);
            !NOT_CALLS.contains(&name.as_str())
                && !builtins.contains_key(name.as_str())
                && !defined.contains(last)
                && !name.starts_with("data.")
                && !is_comparison(name)
        })
        .collect()
}

/// A cycle among the rules and functions defined in `sources`, if any (names by their
/// last segment, across modules). A definition starts at the module's indentation and
/// runs to the next one; what it refers to are the identifiers in it (not fields of
/// other values: `x.name` refers to `x`), through imports (`import data.lib.x`, then
/// `x.f` refers to `f`), and to the last segment of `data.` paths.
pub fn recursion(sources: &[&str]) -> Option<Vec<String>> {
    use std::collections::{BTreeMap, BTreeSet};
    let mut aliases = BTreeSet::new();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let codes: Vec<String> = sources
        .iter()
        .map(|s| strip_strings_and_comments(s))
        .collect();
    for code in &codes {
        for line in code.lines() {
            if let Some(rest) = line.trim_start().strip_prefix("import ") {
                let words: Vec<&str> = rest.split_whitespace().collect();
                let alias = match words.as_slice() {
                    [_, "as", alias, ..] => alias.to_string(),
                    [path, ..] => path.rsplit('.').next().unwrap_or(path).to_string(),
                    [] => continue,
                };
                aliases.insert(alias);
            }
        }
    }
    for code in &codes {
        let indent = |l: &str| l.len() - l.trim_start().len();
        // The module's own indentation: definitions start there.
        let base = code
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(indent)
            .min()
            .unwrap_or(0);
        let mut current: Option<String> = None;
        for line in code.lines() {
            let starts_definition = indent(line) == base
                && line[base..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '_');
            let line = line.trim_start();
            let mut tokens = identifiers(line).into_iter();
            if starts_definition {
                let first = tokens.next().unwrap_or_default();
                if matches!(first.as_str(), "package" | "import") {
                    current = None;
                    continue;
                }
                let name = if first == "default" {
                    tokens.next().unwrap_or_default()
                } else {
                    first
                };
                let name = name.split('.').next().unwrap_or_default().to_string();
                edges.entry(name.clone()).or_default();
                current = Some(name);
            }
            let Some(from) = &current else { continue };
            for token in tokens {
                let mut parts = token.split('.');
                let head = parts.next().unwrap_or_default();
                let target = if head == "data" || aliases.contains(head) {
                    token.rsplit('.').next().unwrap_or_default()
                } else {
                    head
                };
                if !target.is_empty() && target != "input" {
                    edges
                        .entry(from.clone())
                        .or_default()
                        .insert(target.to_string());
                }
            }
        }
    }
    // Depth-first search for a back edge, over defined names only.
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| p == node) {
            let mut cycle = path[i..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in edges.get(node).into_iter().flatten() {
            if edges.contains_key(next.as_str()) {
                if let Some(cycle) = visit(next, edges, path, done) {
                    return Some(cycle);
                }
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for node in edges.keys() {
        if let Some(cycle) = visit(node, &edges, &mut Vec::new(), &mut done) {
            return Some(cycle);
        }
    }
    None
}

/// The dotted identifiers of a line of code (strings and comments already removed), not
/// counting those that follow a `.` (fields) or are numbers.
fn identifiers(line: &str) -> Vec<String> {
    let bytes = line.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_alphabetic() || c == b'_' {
            let start = i;
            while i < bytes.len()
                && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'.')
            {
                i += 1;
            }
            if start == 0 || bytes[start - 1] != b'.' {
                out.push(line[start..i].trim_end_matches('.').to_string());
            }
            continue;
        }
        if c.is_ascii_digit() {
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'.') {
                i += 1;
            }
            continue;
        }
        i += 1;
    }
    out
}

fn is_comparison(name: &str) -> bool {
    // Infix operators also exist as functions in OPA (`plus(1, 2)`); regorus evaluates the
    // operators directly, so only names it lists as builtins are accepted.
    matches!(name, "equal" | "neq" | "lt" | "gt" | "lte" | "gte")
}

/// `name(` at the start of `text` (a dotted identifier directly followed by a parenthesis):
/// the name and the length up to the parenthesis.
fn call_at(text: &str) -> Option<(&str, usize)> {
    let end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
        .unwrap_or(text.len());
    if end == 0 || !text[end..].starts_with('(') {
        return None;
    }
    let name = &text[..end];
    if name.starts_with(|c: char| c.is_ascii_digit()) || name.ends_with('.') {
        return None;
    }
    Some((name, end))
}

/// The code with string literals emptied and comments removed, line structure kept.
fn strip_strings_and_comments(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut chars = source.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                out.push('"');
                let mut escaped = false;
                for s in chars.by_ref() {
                    if s == '\n' {
                        // An unterminated string: the line ends it.
                        out.push('\n');
                        break;
                    }
                    if escaped {
                        escaped = false;
                    } else if s == '\\' {
                        escaped = true;
                    } else if s == '"' {
                        out.push('"');
                        break;
                    }
                }
            }
            '`' => {
                out.push('`');
                for s in chars.by_ref() {
                    if s == '\n' {
                        out.push('\n');
                    }
                    if s == '`' {
                        break;
                    }
                }
                out.push('`');
            }
            '#' => {
                for s in chars.by_ref() {
                    if s == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A referential template gives the same violations with its data-only calls memoized
    /// as without, on every object of an inventory where selectors repeat.
    #[test]
    fn memoized_calls_give_the_same_violations() {
        let services: Vec<serde_json::Value> = (0..60)
            .map(|i| {
                let mut selector = serde_json::Map::new();
                selector.insert("app".into(), format!("a{}", i % 7).into());
                if i % 3 == 0 {
                    selector.insert("tier".into(), "web".into());
                }
                serde_json::json!({
                    "apiVersion": "v1", "kind": "Service",
                    "metadata": {"name": format!("s{i}"), "namespace": format!("ns{}", i % 4)},
                    "spec": if i % 11 == 0 { serde_json::json!({}) } else { serde_json::json!({"selector": selector}) }
                })
            })
            .collect();
        let data = regorus::Value::from(crate::gatekeeper::inventory(services.iter()));
        let source = memo::tests::UNIQUE_SELECTOR;
        let plain = RegoPolicy::compile_with(source, &[], false).unwrap();
        assert!(plain.memoized.is_none());
        let memoized = RegoPolicy::compile(source, &[]).unwrap();
        assert!(memoized.memoized.is_some());
        let mut plain = plain.with_data(&data).unwrap();
        let mut memoized = memoized.with_data(&data).unwrap();
        assert!(
            memoized
                .data
                .as_object()
                .unwrap()
                .get(&regorus::Value::from(memo::MEMO_ROOT))
                .is_some(),
            "the tables are filled"
        );
        let mut violations = 0;
        for service in &services {
            let input = serde_json::json!({"review": {
                "kind": {"group": "", "version": "v1", "kind": "Service"},
                "name": service["metadata"]["name"],
                "namespace": service["metadata"]["namespace"],
                "object": service,
            }});
            let mut want = plain.evaluate(&input).unwrap();
            let mut got = memoized.evaluate(&input).unwrap();
            want.sort_by(|a, b| a.message.cmp(&b.message));
            got.sort_by(|a, b| a.message.cmp(&b.message));
            assert_eq!(got, want, "{input}");
            violations += want.len();
        }
        assert!(
            violations > 100,
            "the inventory has duplicate selectors: {violations}"
        );
    }

    #[test]
    fn calls_outside_strings_and_definitions_are_checked() {
        let rego = r#"package p
import data.lib.helpers.is_exempt
violation[{"msg": msg}] {
    not is_exempt(input.review.object)
    x := crypto.md5(input.review.object.metadata.name)   # not("in a comment")
    msg := sprintf("fake_call(%v)", [x])
    local(x)
}
local(x) { startswith(x, "a") }
"#;
        let missing = unsupported_builtins(&[rego]);
        assert_eq!(missing.into_iter().collect::<Vec<_>>(), vec!["crypto.md5"]);
    }

    #[test]
    fn a_runaway_policy_is_stopped() {
        let rego = r#"package p
violation[{"msg": "slow"}] {
    r := numbers.range(1, 2000)
    count([1 | r[_]; r[_]; r[_]]) > 0
}
"#;
        let vm = RegoPolicy::compile(rego, &[]).unwrap();
        assert!(vm.program.is_some(), "the policy compiles to bytecode");
        let mut interpreter = vm.clone();
        interpreter.program = None;
        for mut policy in [vm, interpreter] {
            let started = std::time::Instant::now();
            let err = policy.evaluate(&serde_json::json!({})).unwrap_err();
            assert!(err.contains("budget"), "{err}");
            assert!(started.elapsed() < EVALUATION_BUDGET * 3);
        }
    }

    /// A referential policy of the library's kind (unique selectors over the inventory):
    /// the bytecode gives the interpreter's verdicts, inventory included.
    #[test]
    fn the_virtual_machine_agrees_with_the_interpreter() {
        let rego = r#"package unique
flatten(obj) = f {
    f := concat(",", sort([s | s = concat(":", [k, v]); v = obj.spec.selector[k]]))
}
violation[{"msg": msg, "details": {"other": name}}] {
    mine := flatten(input.review.object)
    other := data.inventory.namespace[ns][_]["Service"][name]
    name != input.review.object.metadata.name
    flatten(other) == mine
    msg := sprintf("same selector as <%v> in <%v>", [name, ns])
}
"#;
        let service = |name: &str, app: &str| {
            serde_json::json!({"kind": "Service", "metadata": {"name": name, "namespace": "a"},
                "spec": {"selector": {"app": app, "tier": "web"}}})
        };
        let inventory = serde_json::json!({"inventory": {"namespace": {"a": {"v1": {"Service": {
            "one": service("one", "x"), "two": service("two", "x"), "three": service("three", "y")
        }}}}}});
        let mut vm = RegoPolicy::compile(rego, &[])
            .unwrap()
            .with_data(&regorus::Value::from(inventory))
            .unwrap();
        assert!(vm.program.is_some(), "the policy compiles to bytecode");
        let mut interpreter = vm.clone();
        interpreter.program = None;
        for (name, app, expected) in [("one", "x", 1), ("three", "y", 0), ("new", "x", 2)] {
            let input = serde_json::json!({"review": {"object": service(name, app)}});
            let on_vm = vm.evaluate(&input).unwrap();
            assert_eq!(on_vm, interpreter.evaluate(&input).unwrap(), "{name}");
            assert_eq!(on_vm.len(), expected, "{name}: {on_vm:?}");
        }
    }

    #[test]
    fn functions_imported_from_libs_resolve() {
        let lib = "package lib.x\nis_update(r) { r.operation == \"UPDATE\" }".to_string();
        let rego = "package p\nimport data.lib.x.is_update\nviolation[{\"msg\": \"created\"}] { not is_update(input.review) }";
        let mut policy = RegoPolicy::compile(rego, &[lib]).unwrap();
        let found = policy
            .evaluate(&serde_json::json!({"review": {"operation": "CREATE"}}))
            .unwrap();
        assert_eq!(found[0].message, "created");
        assert!(policy
            .evaluate(&serde_json::json!({"review": {"operation": "UPDATE"}}))
            .unwrap()
            .is_empty());
    }

    #[test]
    fn recursive_functions_are_refused_before_they_overflow_the_stack() {
        let rego = "package p\nviolation[{\"msg\": m}] { m := f(1) }\nf(x) = y {\n  y := g(x)\n}\ng(x) = y { y := f(x) }\n";
        let err = RegoPolicy::compile(rego, &[]).err().unwrap();
        assert!(err.contains("is recursive (f -> g -> f)"), "{err}");
        let lib = "package lib.l\nh(x) = y { y := data.p.k(x) }".to_string();
        let rego = "package p\nimport data.lib.l\nviolation[{\"msg\": m}] { m := k(1) }\nk(x) = y { y := l.h(x) }\n";
        assert!(RegoPolicy::compile(rego, &[lib])
            .err()
            .unwrap()
            .contains("recursive"));
        let indented =
            "  package p\n  violation[{\"msg\": m}] { m := f(1) }\n  f(x) = y { y := f(x) }\n";
        let err = RegoPolicy::compile(indented, &[]).err().unwrap();
        assert!(err.contains("(f -> f)"), "{err}");
        // A field named like a rule is not a reference to it.
        let rego = "package p\ncontainers[c] { c := input.review.object.spec.containers[_] }\nviolation[{\"msg\": c.name}] { c := containers[_]; c.containers }\n";
        assert!(RegoPolicy::compile(rego, &[]).is_ok());
    }

    #[test]
    fn syntax_errors_name_the_module() {
        let err = RegoPolicy::compile("package p\nviolation[{\"msg\": m}] {", &[])
            .err()
            .unwrap();
        assert!(err.starts_with("the Rego does not compile"), "{err}");
        let err = RegoPolicy::compile(
            "package p\nviolation[{\"msg\": \"x\"}] { lib.f(1) }",
            &["package lib\nf(x) { x >".into()],
        )
        .err()
        .unwrap();
        assert!(err.starts_with("libs[0] does not compile"), "{err}");
    }
}
