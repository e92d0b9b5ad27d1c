//! The Gatekeeper library's sample objects give the same violations through the scan path
//! (`check_manifests`, what `palisade scan --policy` runs) as through the suite path
//! (`palisade policy test`): same policies, same objects, same verdicts.

use std::path::{Path, PathBuf};

use palisade_iac::kubernetes::ManifestFile;
use palisade_policy::{check_manifests, yaml_to_json, PolicySet, Subject};

fn suites(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for entry in entries {
        if entry.is_dir() {
            suites(&entry, out);
        } else if entry.file_name().is_some_and(|n| n == "suite.yaml") {
            out.push(entry);
        }
    }
}

/// (policy folder, case, why the scan differs): the scan's inventory holds every scanned
/// object, the one under review included, as Gatekeeper's audit syncs it; a suite's holds
/// only the objects the case lists.
const KNOWN: &[(&str, &str, &str)] = &[(
    "general/poddisruptionbudget",
    "example-disallowed-pdb",
    "the PodDisruptionBudget finds itself in the inventory and its second rule fires too",
)];

fn str_at<'a>(v: &'a serde_json::Value, key: &str) -> &'a str {
    v.get(key).and_then(|s| s.as_str()).unwrap_or("")
}

#[test]
fn scan_and_policy_test_give_the_same_verdicts() {
    let Some(library) = palisade_testkit::corpus("policies-gatekeeper-library/library") else {
        return;
    };
    let mut files = Vec::new();
    suites(&library, &mut files);
    let (mut compared, mut differ) = (0, Vec::new());
    for suite_file in files {
        let base = suite_file.parent().unwrap();
        let text = std::fs::read_to_string(&suite_file).unwrap();
        let suite = yaml_to_json(&palisade_yaml::load(&text).unwrap()[0].root);
        for test in suite["tests"].as_array().into_iter().flatten() {
            let set = PolicySet::load(&[
                base.join(str_at(test, "template")),
                base.join(str_at(test, "constraint")),
            ]);
            if !set.errors.is_empty() {
                continue; // listed in the conformance test with its reason
            }
            for case in test["cases"].as_array().into_iter().flatten() {
                // Cases with an inventory or an admission request have no manifest form.
                if case.get("inventory").is_some() {
                    continue;
                }
                let path = base.join(str_at(case, "object"));
                let text = std::fs::read_to_string(&path).unwrap();
                let docs = palisade_yaml::load(&text).unwrap();
                let object = yaml_to_json(&docs[0].root);
                if str_at(&object, "kind") == "AdmissionReview" {
                    continue;
                }
                let by_suite = set
                    .evaluate(&[Subject::created(object.clone(), "case")], &[])
                    .violations
                    .len();
                let manifest = ManifestFile::new(&path.display().to_string(), &text, docs);
                let outcome = check_manifests(&set, &[manifest]);
                let by_scan = outcome.findings.len() + outcome.suppressed.len();
                compared += 1;
                let known = KNOWN.iter().any(|(folder, name, _)| {
                    suite_file.ends_with(format!("{folder}/suite.yaml"))
                        && str_at(case, "name") == *name
                });
                if (by_scan != by_suite) != known {
                    differ.push(format!(
                        "{} {}: scan {by_scan}, suite {by_suite}",
                        suite_file.display(),
                        str_at(case, "name")
                    ));
                }
            }
        }
    }
    eprintln!(
        "{compared} sample objects compared, {} differ beyond the known list",
        differ.len()
    );
    assert!(compared >= 150, "only {compared} cases compared");
    assert!(differ.is_empty(), "{differ:#?}");
}

fn kyverno_tests(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for entry in entries {
        if entry.is_dir() {
            kyverno_tests(&entry, out);
        } else if entry.file_name().is_some_and(|n| n == "kyverno-test.yaml") {
            out.push(entry);
        }
    }
}

/// Kyverno's CEL policies over their test resources: an object the test expects to `fail`
/// a policy has a finding of that policy in the scan, one expected to `pass` or `skip` has
/// none.
#[test]
fn scan_and_kyverno_tests_give_the_same_verdicts() {
    let Some(base) = palisade_testkit::corpus("policies-kyverno") else {
        return;
    };
    let mut files = Vec::new();
    for folder in [
        "best-practices-cel",
        "best-practices-vpol",
        "pod-security-cel",
        "pod-security-vpol",
        "other-cel",
        "other-vpol",
    ] {
        kyverno_tests(&base.join(folder), &mut files);
    }
    let (mut compared, mut differ) = (0, Vec::new());
    for test_file in files {
        let dir = test_file.parent().unwrap();
        let text = std::fs::read_to_string(&test_file).unwrap();
        let test = yaml_to_json(&palisade_yaml::load(&text).unwrap()[0].root);
        if test.get("userinfo").is_some() {
            continue; // a scan has no requesting user
        }
        let policies: Vec<PathBuf> = test["policies"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| dir.join(p.as_str().unwrap()))
            .collect();
        let set = PolicySet::load(&policies);
        if !set.errors.is_empty() || set.admission.is_empty() {
            continue; // policies that need the cluster: listed in the conformance test
        }
        let mut manifests = Vec::new();
        for rel in test["resources"].as_array().into_iter().flatten() {
            let path = dir.join(rel.as_str().unwrap());
            let text = std::fs::read_to_string(&path).unwrap();
            let docs = palisade_yaml::load(&text).unwrap();
            manifests.push(ManifestFile::new(&path.display().to_string(), &text, docs));
        }
        let outcome = check_manifests(&set, &manifests);
        for expected in test["results"].as_array().into_iter().flatten() {
            let policy = str_at(expected, "policy");
            let want = str_at(expected, "result").trim();
            let kind = str_at(expected, "kind");
            // Findings of auto-generated rules carry the rule's own name.
            let rule = str_at(expected, "rule");
            let rule = rule
                .strip_prefix("autogen-cronjob-")
                .or_else(|| rule.strip_prefix("autogen-"))
                .unwrap_or(rule);
            let id = match rule {
                "" => format!("POL:{policy}"),
                rule => format!("POL:{policy}/{rule}"),
            };
            for name in expected["resources"].as_array().into_iter().flatten() {
                let name = name.as_str().unwrap();
                let name = name.rsplit('/').next().unwrap();
                let found = outcome.findings.iter().any(|f| {
                    (f.rule_id == id || f.rule_id.starts_with(&format!("{id}/")))
                        && f.location.resource.as_deref().is_some_and(|r| {
                            r.starts_with(&format!("{kind}/")) && r.ends_with(&format!("/{name}"))
                        })
                });
                compared += 1;
                let agrees = match want {
                    "fail" => found,
                    _ => !found,
                };
                if !agrees {
                    differ.push(format!(
                        "{} {policy} {name}: expected {want}",
                        test_file.display()
                    ));
                }
            }
        }
    }
    eprintln!(
        "{compared} Kyverno results compared through the scan, {} differ",
        differ.len()
    );
    assert!(compared >= 2000, "only {compared} results compared");
    assert!(differ.is_empty(), "{differ:#?}");
}
