//! Gatekeeper test suites (`kind: Suite`, `test.gatekeeper.sh/v1alpha1`) run like
//! `gator verify` (and Kyverno's `kyverno-test.yaml` files like `kyverno test`, see
//! [`crate::kyverno`]): each test binds a template and a constraint, each case reviews one
//! object (or an `AdmissionReview`) with an optional inventory, and its assertions count the
//! violations, optionally only those whose message matches a regular expression.

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;

use crate::json::text;
use crate::load::{documents, read_text, LoadedDocument};
use crate::{EngineChoice, PolicyError, PolicySet, Subject};

/// Which engines a run uses: each template's Rego and CEL engines by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Engines {
    #[default]
    Both,
    Rego,
    Cel,
}

impl Engines {
    fn allows(self, engine: EngineChoice) -> bool {
        matches!(
            (self, engine),
            (Engines::Both, _)
                | (Engines::Rego, EngineChoice::Rego)
                | (Engines::Cel, EngineChoice::Cel)
        )
    }
}

fn engine_name(engine: EngineChoice) -> &'static str {
    match engine {
        EngineChoice::Cel => "cel",
        _ => "rego",
    }
}

/// The verdict on one case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseResult {
    /// The suite file.
    pub suite: String,
    /// `<test name>/<case name>`.
    pub name: String,
    pub engine: &'static str,
    pub passed: bool,
    /// Why it failed (`null` when it passed).
    pub reason: Option<String>,
}

/// Every case of every suite under a folder, and the suites that could not be read.
#[derive(Debug, Default, Serialize)]
pub struct SuiteRun {
    pub passed: usize,
    pub failed: usize,
    pub cases: Vec<CaseResult>,
    #[serde(skip)]
    pub errors: Vec<PolicyError>,
}

/// Runs the suites found under `path` (a suite file, or a folder walked for `suite.yaml`
/// and `*.yaml` files of kind Suite), each test once per engine of its template.
pub fn run(path: &Path, engines: Engines) -> SuiteRun {
    let mut files = Vec::new();
    let mut run = SuiteRun::default();
    find_suites(path, 0, &mut files, &mut run.errors);
    for file in files {
        let kyverno = file.file_name().is_some_and(|n| n == "kyverno-test.yaml");
        if kyverno && engines == Engines::Rego {
            continue;
        }
        let result = if kyverno {
            crate::kyverno::run_test(&file)
        } else {
            run_suite(&file, engines)
        };
        match result {
            Ok(Some(cases)) => run.cases.extend(cases),
            Ok(None) => {}
            Err(e) => run.errors.push(e),
        }
    }
    run.passed = run.cases.iter().filter(|c| c.passed).count();
    run.failed = run.cases.len() - run.passed;
    run
}

fn find_suites(path: &Path, depth: usize, out: &mut Vec<PathBuf>, errors: &mut Vec<PolicyError>) {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        errors.push(PolicyError::new(
            path.display().to_string(),
            None,
            "cannot read: no such file or folder",
        ));
        return;
    };
    if meta.is_file() {
        out.push(path.to_path_buf());
        return;
    }
    if !meta.is_dir() || depth > 32 {
        return;
    }
    let Ok(entries) = std::fs::read_dir(path) else {
        errors.push(PolicyError::new(
            path.display().to_string(),
            None,
            "cannot read the folder",
        ));
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for entry in entries {
        let name = entry.file_name().and_then(|n| n.to_str()).unwrap_or("");
        // Kyverno keeps its CLI tests in `.kyverno-test/`; other hidden folders are skipped.
        if name.starts_with('.') && name != ".kyverno-test" {
            continue;
        }
        match std::fs::symlink_metadata(&entry) {
            Ok(m) if m.is_dir() => find_suites(&entry, depth + 1, out, errors),
            Ok(m) if m.is_file() && (name == "suite.yaml" || name == "kyverno-test.yaml") => {
                out.push(entry)
            }
            _ => {}
        }
    }
}

/// The cases of one suite file; `None` when the file is not a Suite.
pub fn run_suite(file: &Path, engines: Engines) -> Result<Option<Vec<CaseResult>>, PolicyError> {
    let display = file.display().to_string();
    let docs = documents(&display, &read_text(file)?)?;
    let Some(suite) = docs.iter().find(|d| {
        text(&d.value, &["kind"]) == "Suite"
            && text(&d.value, &["apiVersion"]).starts_with("test.gatekeeper.sh/")
    }) else {
        return Ok(None);
    };
    let base = file.parent().unwrap_or(Path::new("."));
    let mut results = Vec::new();
    for test in suite
        .value
        .get("tests")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let test_name = text(test, &["name"]);
        let mut policies = load_test_policies(base, test);
        // The engines of the test's template, or Rego for a test whose policies did not load.
        let available: Vec<EngineChoice> = match &policies {
            Ok(set) => set
                .templates
                .first()
                .map(|t| {
                    let mut e = Vec::new();
                    if t.rego.is_some() {
                        e.push(EngineChoice::Rego);
                    }
                    if t.cel.is_some() {
                        e.push(EngineChoice::Cel);
                    }
                    e
                })
                .unwrap_or_default(),
            Err(_) => vec![EngineChoice::Rego],
        };
        for engine in available.into_iter().filter(|e| engines.allows(*e)) {
            if let Ok(set) = policies.as_mut() {
                set.engine = engine;
            }
            for case in test
                .get("cases")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let verdict = policies
                    .as_ref()
                    .map_err(Clone::clone)
                    .and_then(|set| run_case(base, set, case));
                results.push(CaseResult {
                    suite: display.clone(),
                    name: format!("{test_name}/{}", text(case, &["name"])),
                    engine: engine_name(engine),
                    passed: verdict.is_ok(),
                    reason: verdict.err(),
                });
            }
        }
    }
    Ok(Some(results))
}

/// The template and constraint of a test, compiled; the first problem as a reason.
fn load_test_policies(base: &Path, test: &Value) -> Result<PolicySet, String> {
    let mut docs = Vec::new();
    for key in ["template", "constraint"] {
        let rel = text(test, &[key]);
        if rel.is_empty() {
            return Err(format!("the test names no {key}"));
        }
        docs.extend(read_docs(base, rel).map_err(|e| e.to_string())?);
    }
    let set = PolicySet::from_documents(docs);
    if let Some(e) = set.errors.first() {
        return Err(e.to_string());
    }
    if set.constraints.is_empty() {
        return Err("the constraint file holds no constraint".into());
    }
    Ok(set)
}

fn read_docs(base: &Path, rel: &str) -> Result<Vec<LoadedDocument>, PolicyError> {
    let path = base.join(rel);
    let display = path.display().to_string();
    documents(&display, &read_text(&path)?)
}

/// Runs one case: `Ok` when every assertion holds, else the first that does not.
fn run_case(base: &Path, policies: &PolicySet, case: &Value) -> Result<(), String> {
    let rel = text(case, &["object"]);
    if rel.is_empty() {
        return Err("the case names no object".into());
    }
    let docs = read_docs(base, rel).map_err(|e| e.to_string())?;
    let doc = docs
        .into_iter()
        .next()
        .ok_or_else(|| format!("{rel} holds no object"))?;
    let subject = Subject::from_admission_review(&doc.value, rel)
        .unwrap_or_else(|| Subject::created(doc.value, rel));
    let mut inventory = Vec::new();
    for item in case
        .get("inventory")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let rel = item.as_str().unwrap_or_default();
        for doc in read_docs(base, rel).map_err(|e| e.to_string())? {
            inventory.push(doc.value);
        }
    }
    let inventory: Vec<&Value> = inventory.iter().collect();
    let evaluation = policies.evaluate(std::slice::from_ref(&subject), &inventory);
    if let Some(e) = evaluation.errors.first() {
        return Err(e.message.clone());
    }
    let messages: Vec<&str> = evaluation
        .violations
        .iter()
        .map(|v| v.message.as_str())
        .collect();
    for assertion in case
        .get("assertions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        check_assertion(assertion, &messages)?;
    }
    Ok(())
}

/// One assertion: `violations` is `yes` (at least one; the default), `no` or a count, of the
/// violations whose message matches `message` (a regular expression) when given.
fn check_assertion(assertion: &Value, messages: &[&str]) -> Result<(), String> {
    let matching: Vec<&str> = match assertion.get("message").and_then(Value::as_str) {
        None => messages.to_vec(),
        Some(pattern) => {
            let re = regex::Regex::new(pattern)
                .map_err(|e| format!("the assertion's message is not a regular expression: {e}"))?;
            messages
                .iter()
                .copied()
                .filter(|m| re.is_match(m))
                .collect()
        }
    };
    let about = match assertion.get("message").and_then(Value::as_str) {
        Some(p) => format!(" matching {p:?}"),
        None => String::new(),
    };
    let got = || {
        if messages.is_empty() {
            "none".to_string()
        } else {
            messages
                .iter()
                .map(|m| format!("{m:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    let expected = assertion
        .get("violations")
        .cloned()
        .unwrap_or(Value::from("yes"));
    let ok = match &expected {
        Value::String(s) if s.trim() == "yes" => !matching.is_empty(),
        Value::Bool(true) => !matching.is_empty(),
        Value::String(s) if s.trim() == "no" => matching.is_empty(),
        Value::Bool(false) => matching.is_empty(),
        Value::Number(n) if n.as_u64().is_some() => n.as_u64() == Some(matching.len() as u64),
        Value::String(s) if s.trim().parse::<u64>().is_ok() => {
            s.trim().parse::<u64>().ok() == Some(matching.len() as u64)
        }
        other => return Err(format!("violations: {other} is not yes, no or a count")),
    };
    if ok {
        return Ok(());
    }
    let want = match &expected {
        Value::String(s) => s.trim().to_string(),
        other => other.to_string(),
    };
    Err(format!(
        "expected violations: {want}{about}, got {} (violations: {})",
        matching.len(),
        got()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assertions_count_matching_messages() {
        let msgs = [
            "container app is privileged",
            "container side is privileged",
        ];
        assert!(check_assertion(&serde_json::json!({"violations": "yes"}), &msgs).is_ok());
        assert!(check_assertion(&serde_json::json!({"violations": 2}), &msgs).is_ok());
        assert!(check_assertion(
            &serde_json::json!({"violations": 1, "message": "app"}),
            &msgs
        )
        .is_ok());
        let err = check_assertion(&serde_json::json!({"violations": "no"}), &msgs).unwrap_err();
        assert!(err.starts_with("expected violations: no, got 2"), "{err}");
        assert!(check_assertion(&serde_json::json!({"violations": "maybe"}), &msgs).is_err());
        assert!(
            check_assertion(&serde_json::json!({}), &[]).is_err(),
            "yes by default"
        );
    }
}
