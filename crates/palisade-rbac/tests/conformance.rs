//! Conformance over the labelled RBAC fixtures of the third-party corpus (KICS and Checkov;
//! trivy-checks has no RBAC examples with manifests). The mapping table and the explained
//! misses are in `crates/palisade-rbac/CONFORMANCE.md`.
//!
//! Every fixture file is analysed alone, as upstream tests do. A finding counts for the
//! object whose lines hold it; KICS expectations are lines, mapped to objects the same way;
//! Checkov expectations are resource ids (kind and name compared).

use crate::common;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use palisade_iac::kubernetes::K8sObject;

/// (corpus folder below misconfig-kics/k8s or misconfig-checkov/kubernetes/checks, our rule).
const KICS: &[(&str, &str)] = &[
    ("rbac_wildcard_in_rule", "RBAC001"),
    (
        "cluster_admin_role_binding_with_super_user_permissions",
        "RBAC002",
    ),
    ("rbac_roles_with_read_secrets_permissions", "RBAC004"),
    ("rbac_roles_with_impersonate_permission", "RBAC005"),
    ("rbac_roles_allow_privilege_escalation", "RBAC005"),
    ("permissive_access_to_create_pods", "RBAC007"),
    ("rbac_roles_with_exec_permission", "RBAC008"),
    ("rbac_roles_with_attach_permission", "RBAC008"),
    ("rbac_roles_with_portforwarding_permissions", "RBAC008"),
    ("role_binding_to_default_service_account", "RBAC013"),
];

const CHECKOV: &[(&str, &str)] = &[
    ("example_WildcardRoles", "RBAC001"),
    ("example_RbacEscalateRoles", "RBAC005"),
    ("example_RbacBindRoleBindings", "RBAC005"),
    ("example_RbacApproveCertificateSigningRequests", "RBAC010"),
    ("example_RbacControlWebhooks", "RBAC012"),
    ("example_DefaultServiceAccountBinding", "RBAC013"),
];

/// Objects the upstream tool expects to fail but that do not grant the permission under
/// Kubernetes' RBAC semantics (see CONFORMANCE.md).
const EXPLAINED_MISSES: &[(&str, &str)] = &[
    // Partial globs are literal strings to the authorizer: only a whole `*` is a wildcard.
    ("permissive_access_to_create_pods", "secret-reader5"),
    ("permissive_access_to_create_pods", "secret-reader6"),
    // `bind` on `rolebindings` grants nothing: the verb is checked on roles/clusterroles.
    ("example_RbacBindRoleBindings", "test-should-fail-1"),
];

/// Objects the upstream tool expects to pass that do grant the permission of the mapped
/// rule under Kubernetes' semantics (see CONFORMANCE.md).
const EXPLAINED_FINDINGS: &[(&str, &str)] = &[
    // `verbs: ["*"]` on core `serviceaccounts` includes `impersonate`, which RBAC005 covers
    // together with escalate and bind.
    ("example_RbacEscalateRoles", "test-should-pass-2"),
    ("example_RbacBindRoleBindings", "test-should-pass-2"),
];

#[derive(Default, Debug)]
struct Tally {
    tp: usize,
    fn_: usize,
    fp: usize,
    negatives: usize,
    explained: usize,
    misses: Vec<String>,
    false_positives: Vec<String>,
}

fn object_at(objects: &[K8sObject], line: u32) -> Option<usize> {
    objects
        .iter()
        .enumerate()
        .filter(|(_, o)| o.start_line <= line)
        .max_by_key(|(_, o)| o.start_line)
        .map(|(i, _)| i)
}

fn flagged(name: &str, text: &str, rule: &str) -> (Vec<K8sObject>, BTreeSet<usize>) {
    let objects = common::objects(name, text);
    let refs: Vec<&K8sObject> = objects.iter().collect();
    let found = palisade_rbac::check(&refs)
        .findings
        .iter()
        .filter(|f| f.rule_id == rule)
        .filter_map(|f| f.location.line.and_then(|l| object_at(&objects, l)))
        .collect();
    (objects, found)
}

fn kics(root: &Path, dir: &str, rule: &str, t: &mut Tally) {
    let test = root.join("misconfig-kics/k8s").join(dir).join("test");
    let expected: Vec<serde_json::Value> = serde_json::from_str(
        &fs::read_to_string(test.join("positive_expected_result.json")).unwrap(),
    )
    .unwrap();
    let mut files: Vec<_> = fs::read_dir(&test)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let positives: Vec<_> = files
        .iter()
        .filter(|f| {
            f.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("positive")
                && f.extension().is_some_and(|e| e == "yaml" || e == "yml")
        })
        .collect();
    for file in &files {
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        if !(name.ends_with(".yaml") || name.ends_with(".yml")) {
            continue;
        }
        let text = fs::read_to_string(file).unwrap();
        let (objects, found) = flagged(&name, &text, rule);
        let want: BTreeSet<usize> = if name.starts_with("positive") {
            expected
                .iter()
                .filter(|e| match e["fileName"].as_str() {
                    Some(f) => f == name,
                    None => positives.len() == 1,
                })
                .filter_map(|e| {
                    e["line"]
                        .as_u64()
                        .and_then(|l| object_at(&objects, l as u32))
                })
                .collect()
        } else {
            BTreeSet::new()
        };
        tally(dir, &name, &objects, &want, &found, t);
    }
}

fn tally(
    dir: &str,
    file: &str,
    objects: &[K8sObject],
    want: &BTreeSet<usize>,
    found: &BTreeSet<usize>,
    t: &mut Tally,
) {
    for &o in want {
        if found.contains(&o) {
            t.tp += 1;
        } else if EXPLAINED_MISSES.contains(&(dir, objects[o].name.as_str())) {
            t.explained += 1;
        } else {
            t.fn_ += 1;
            t.misses
                .push(format!("{dir}/{file}: {}", objects[o].resource_id()));
        }
    }
    for (o, object) in objects.iter().enumerate() {
        if want.contains(&o) {
            continue;
        }
        if found.contains(&o) && EXPLAINED_FINDINGS.contains(&(dir, object.name.as_str())) {
            t.explained += 1;
            continue;
        }
        t.negatives += 1;
        if found.contains(&o) {
            t.fp += 1;
            t.false_positives
                .push(format!("{dir}/{file}: {}", objects[o].resource_id()));
        }
    }
}

fn checkov(root: &Path, dir: &str, rule: &str, expected: &serde_json::Value, t: &mut Tally) {
    let folder = root.join("misconfig-checkov/kubernetes/checks").join(dir);
    let entry = expected.as_array().into_iter().flatten().find(|e| {
        e["example_dirs"]
            .as_array()
            .is_some_and(|d| d.iter().any(|x| x.as_str() == Some(&format!("/{dir}"))))
    });
    let names = |key: &str| -> Option<BTreeSet<String>> {
        entry?[key].as_array().map(|a| {
            a.iter()
                .filter_map(|v| {
                    v.as_str()
                        .map(|s| s.rsplit('.').next().unwrap_or(s).to_string())
                })
                .collect()
        })
    };
    let (failing, passing) = (names("failing_resources"), names("passing_resources"));
    let mut files: Vec<_> = fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for file in files {
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        let text = fs::read_to_string(&file).unwrap();
        let (objects, found) = flagged(&name, &text, rule);
        let want: BTreeSet<usize> = match (&failing, &passing) {
            (Some(f), Some(_)) => (0..objects.len())
                .filter(|&o| f.contains(&objects[o].name))
                .collect(),
            // Without resource lists, a FAILED file must raise the rule on the objects the
            // upstream check looks at: here the bindings of a default service account.
            _ if name.to_ascii_uppercase().contains("FAILED") => (0..objects.len())
                .filter(|&o| objects[o].kind.ends_with("Binding"))
                .collect(),
            _ => BTreeSet::new(),
        };
        tally(dir, &name, &objects, &want, &found, t);
    }
}

#[test]
fn rbac_rules_agree_with_kics_and_checkov_fixtures() {
    let Some(root) = palisade_testkit::corpus("") else {
        return;
    };
    let expected: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(root.join("misconfig-checkov/expected_results.json")).unwrap(),
    )
    .unwrap();
    let expected = expected.get("checks").cloned().unwrap_or(expected);
    let mut total = Tally::default();
    eprintln!(
        "{:<58} {:<8} {:>3} {:>3} {:>3} {:>4}",
        "fixture", "rule", "TP", "FN", "FP", "neg"
    );
    for (source, list) in [("kics", KICS), ("checkov", CHECKOV)] {
        for &(dir, rule) in list {
            let mut t = Tally::default();
            if source == "kics" {
                kics(&root, dir, rule, &mut t);
            } else {
                checkov(&root, dir, rule, &expected, &mut t);
            }
            eprintln!(
                "{:<58} {:<8} {:>3} {:>3} {:>3} {:>4}",
                format!("{source}:{dir}"),
                rule,
                t.tp,
                t.fn_,
                t.fp,
                t.negatives
            );
            total.tp += t.tp;
            total.fn_ += t.fn_;
            total.fp += t.fp;
            total.negatives += t.negatives;
            total.explained += t.explained;
            total.misses.extend(t.misses);
            total.false_positives.extend(t.false_positives);
        }
    }
    let recall = total.tp as f64 / (total.tp + total.fn_) as f64;
    let fp_rate = total.fp as f64 / total.negatives.max(1) as f64;
    eprintln!(
        "total: TP {} FN {} ({} explained disagreements left out) FP {} of {} negatives; recall {:.1}%, FP rate {:.1}%",
        total.tp, total.fn_, total.explained, total.fp, total.negatives, recall * 100.0, fp_rate * 100.0
    );
    eprintln!(
        "misses: {:#?}\nfalse positives: {:#?}",
        total.misses, total.false_positives
    );
    assert!(total.tp >= 20, "the mapped fixtures were not found");
    assert!(
        recall >= 0.95,
        "recall {recall:.3} below 95%: {:#?}",
        total.misses
    );
    assert!(
        fp_rate <= 0.05,
        "false-positive rate {fp_rate:.3} above 5%: {:#?}",
        total.false_positives
    );
}
