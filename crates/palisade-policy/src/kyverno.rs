//! Kyverno CLI test files (`kyverno-test.yaml`, `cli.kyverno.io/v1alpha1` Test) run like
//! `kyverno test`: the policies and resources the file names are loaded, every CEL policy
//! (ValidatingPolicy, `validate.cel` rule, with its auto-generated controller rules) is
//! evaluated on every resource, and each expected result (`pass`, `fail`, `skip`, `error`)
//! is compared with Palisade's.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use crate::cel::Verdict;
use crate::json::text;
use crate::load::{documents, read_text, LoadedDocument};
use crate::suite::CaseResult;
use crate::{PolicyError, PolicySet, Subject};

/// Palisade's result for (policy, rule, kind, namespace, name): `pass`, `fail`, `skip`, or
/// the evaluation error.
type Results<'a> = BTreeMap<(String, String, String, String, String), Result<&'a str, String>>;

/// Whether `docs` hold a Kyverno CLI Test.
pub(crate) fn is_test(doc: &Value) -> bool {
    text(doc, &["kind"]) == "Test" && text(doc, &["apiVersion"]).starts_with("cli.kyverno.io/")
}

/// The cases of one `kyverno-test.yaml`; `None` when the file is not a Kyverno Test.
pub fn run_test(file: &Path) -> Result<Option<Vec<CaseResult>>, PolicyError> {
    let display = file.display().to_string();
    let docs = documents(&display, &read_text(file)?)?;
    let Some(test) = docs.iter().find(|d| is_test(&d.value)) else {
        return Ok(None);
    };
    let base = file.parent().unwrap_or(Path::new("."));
    let load = |key: &str| -> Result<Vec<LoadedDocument>, String> {
        let mut out = Vec::new();
        for rel in test
            .value
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            let path = base.join(rel);
            let shown = path.display().to_string();
            let text = read_text(&path).map_err(|e| e.to_string())?;
            out.extend(documents(&shown, &text).map_err(|e| e.to_string())?);
        }
        Ok(out)
    };
    let loaded = load("policies").and_then(|p| Ok((p, load("resources")?)));
    let mut results = Vec::new();
    let (policy_docs, resource_docs) = match loaded {
        Ok(l) => l,
        Err(e) => {
            results.push(CaseResult {
                suite: display,
                name: text(&test.value, &["metadata", "name"]).to_string(),
                engine: "kyverno",
                passed: false,
                reason: Some(e),
            });
            return Ok(Some(results));
        }
    };
    let policies = PolicySet::from_documents(policy_docs);
    let resources: Vec<&Value> = resource_docs.iter().map(|d| &d.value).collect();
    let namespaces = crate::gatekeeper::namespace_labels(resources.iter().copied());
    let root = crate::cel::root_context();
    // Every verdict on every resource: (policy, rule, kind, namespace, name) → result.
    let mut actual: Results = BTreeMap::new();
    // The requesting user, when the test gives one (`userinfo: userinfo.yaml`).
    let user = match text(&test.value, &["userinfo"]) {
        "" => None,
        rel => {
            let path = base.join(rel);
            let shown = path.display().to_string();
            let docs = read_text(&path).and_then(|t| documents(&shown, &t))?;
            docs.into_iter()
                .find_map(|d| d.value.get("userInfo").cloned())
        }
    };
    for (doc, value) in resource_docs.iter().zip(&resources) {
        let mut subject = Subject::created((*value).clone(), &doc.file);
        subject.user_info = user.clone();
        for judged in policies.judge_admission(&root, &subject, &namespaces) {
            let (rule, verdict) = (judged.rule, judged.verdict);
            let policy = &policies.admission[judged.policy];
            let key = (
                policy.name.clone(),
                rule,
                text(value, &["kind"]).to_string(),
                namespace_of(value).to_string(),
                text(value, &["metadata", "name"]).to_string(),
            );
            let result = match verdict {
                Ok(Verdict::Skipped) => Ok("skip"),
                Ok(Verdict::Checked(f)) if f.is_empty() => Ok("pass"),
                Ok(Verdict::Checked(_)) => Ok("fail"),
                Err(e) => Err(e),
            };
            actual.insert(key, result);
        }
    }
    for expected in test
        .value
        .get("results")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let policy = text(expected, &["policy"]);
        let rule = text(expected, &["rule"]);
        let kind = text(expected, &["kind"]);
        let want = text(expected, &["result"]).trim();
        let mut names: Vec<&str> = expected
            .get("resources")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        if let Some(one) = expected.get("resource").and_then(Value::as_str) {
            names.push(one);
        }
        for name in names {
            let (namespace, name) = name.split_once('/').unwrap_or(("", name));
            let case = format!(
                "{policy}{}/{kind}/{}{name}",
                if rule.is_empty() {
                    String::new()
                } else {
                    format!("/{rule}")
                },
                if namespace.is_empty() {
                    String::new()
                } else {
                    format!("{namespace}/")
                }
            );
            let verdict = judge(
                &policies, &resources, &actual, policy, rule, kind, namespace, name, want,
            );
            results.push(CaseResult {
                suite: display.clone(),
                name: case,
                engine: "kyverno",
                passed: verdict.is_ok(),
                reason: verdict.err(),
            });
        }
    }
    Ok(Some(results))
}

/// The namespace of a resource, `default` when a namespaced one names none.
fn namespace_of(resource: &Value) -> &str {
    match text(resource, &["metadata", "namespace"]) {
        "" if !crate::admission::is_cluster_scoped(resource) => "default",
        ns => ns,
    }
}

#[allow(clippy::too_many_arguments)]
fn judge(
    policies: &PolicySet,
    resources: &[&Value],
    actual: &Results,
    policy: &str,
    rule: &str,
    kind: &str,
    namespace: &str,
    name: &str,
    want: &str,
) -> Result<(), String> {
    if !policies.admission.iter().any(|p| p.name == policy) {
        let why = policies
            .errors
            .iter()
            .find(|e| e.message.contains(policy))
            .or(policies.errors.first())
            .map(|e| e.to_string())
            .unwrap_or_else(|| "no such CEL policy in the test's policies".into());
        return Err(format!("policy {policy} not evaluated: {why}"));
    }
    if !resources.iter().any(|r| {
        text(r, &["kind"]) == kind
            && text(r, &["metadata", "name"]) == name
            && (namespace.is_empty() || namespace_of(r) == namespace)
    }) {
        return Err(format!("no resource {kind} {name} in the test's resources"));
    }
    let got: Vec<&Result<&str, String>> = actual
        .iter()
        .filter(|((p, r, k, ns, n), _)| {
            p == policy
                // Tests name an auto-generated rule either way: `autogen-<rule>` or `<rule>`.
                && (rule.is_empty()
                    || r == rule
                    || r.strip_prefix("autogen-cronjob-") == Some(rule)
                    || r.strip_prefix("autogen-") == Some(rule))
                && k == kind
                && n == name
                && (namespace.is_empty() || ns == namespace)
        })
        .map(|(_, v)| v)
        .collect();
    // Not matched at all: Kyverno reports nothing, which a `skip` expectation accepts.
    let got = if got.is_empty() {
        Ok("skip")
    } else if let Some(Err(e)) = got.iter().find(|g| g.is_err()) {
        Err(e.clone())
    } else if got.iter().any(|g| matches!(g, Ok("fail"))) {
        Ok("fail")
    } else if got.iter().any(|g| matches!(g, Ok("pass"))) {
        Ok("pass")
    } else {
        Ok("skip")
    };
    match (got, want) {
        (Ok(g), w) if g == w => Ok(()),
        // Kyverno evaluates CEL with the failure policy `Fail`: an expression that errors
        // denies the request, which its tests record as `fail`.
        (Err(_), "error" | "fail") => Ok(()),
        (Ok(g), w) => Err(format!("expected {w}, got {g}")),
        (Err(e), w) => Err(format!("expected {w}, got an error: {e}")),
    }
}
