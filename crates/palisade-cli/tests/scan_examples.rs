//! `palisade scan examples` end to end: the reports a user sees, in every format.

use crate::common;

use common::*;

fn scan_examples(format: &str) -> (i32, String) {
    let out = palisade(&repo_root(), &["scan", "examples", "--format", format]);
    (out.status.code().unwrap(), stdout(&out))
}

#[test]
fn table_report_of_the_examples() {
    let (code, text) = scan_examples("table");
    assert_eq!(code, 1, "findings at or above low give exit status 1");
    insta::assert_snapshot!("examples_table", text);
}

#[test]
fn json_report_of_the_examples() {
    let (code, text) = scan_examples("json");
    assert_eq!(code, 1);
    let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["schema_version"], "1.0");
    let first = &doc["findings"][0];
    for key in [
        "rule_id", "practice", "severity", "title", "message", "location",
    ] {
        assert!(!first[key].is_null(), "finding lacks {key}");
    }
    // Paths are relative to the scan root, never prefixed with it.
    for f in doc["findings"].as_array().unwrap() {
        let path = f["location"]["path"].as_str().unwrap();
        assert!(
            !path.starts_with("examples/") && !path.starts_with('/'),
            "{path}"
        );
    }
    assert!(doc["errors"].as_array().unwrap().is_empty());
    doc["tool"]["version"] = "VERSION".into();
    insta::assert_json_snapshot!("examples_json", doc);
}

#[test]
fn sarif_report_of_the_examples_is_valid_sarif_2_1_0() {
    let (_, text) = scan_examples("sarif");
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    match palisade_testkit::schemas() {
        Some(dir) => {
            let schema: serde_json::Value = serde_json::from_str(
                &std::fs::read_to_string(dir.join("sarif-2.1.0.schema.json")).unwrap(),
            )
            .unwrap();
            let validator = jsonschema::validator_for(&schema).unwrap();
            let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "SARIF does not validate: {errors:#?}");
        }
        None => {
            eprintln!("skip: ../shared/schemas not found; SARIF not validated against the schema")
        }
    }
    let results = doc["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().any(|r| r["ruleId"] == "ISO003"));
    assert!(
        results.iter().any(|r| !r["suppressions"].is_null()),
        "suppressed findings carry suppressions"
    );
    let mut doc = doc;
    doc["runs"][0]["tool"]["driver"]["version"] = "VERSION".into();
    doc["runs"][0]["tool"]["driver"]["semanticVersion"] = "VERSION".into();
    insta::assert_json_snapshot!("examples_sarif", doc);
}

#[test]
fn junit_report_has_one_failure_per_finding() {
    let (_, text) = scan_examples("junit");
    let json = palisade(&repo_root(), &["scan", "examples", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    let findings = doc["findings"].as_array().unwrap().len();
    assert!(text.starts_with("<?xml"));
    assert_eq!(text.matches("<failure").count(), findings);
    assert!(text.contains("testsuite name=\"kubernetes/node-agent.yaml\""));
}

#[test]
fn filters_and_fail_threshold() {
    let root = repo_root();
    let out = palisade(
        &root,
        &[
            "scan",
            "examples",
            "--format",
            "json",
            "--min-severity",
            "high",
        ],
    );
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let severities: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["severity"].as_str().unwrap())
        .collect();
    assert!(!severities.is_empty());
    assert!(severities.iter().all(|s| *s == "high" || *s == "critical"));

    let out = palisade(
        &root,
        &["scan", "examples", "--format", "json", "--practice", "IMG"],
    );
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert!(doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["practice"] == "IMG"));

    let out = palisade(
        &root,
        &[
            "scan",
            "examples",
            "--fail-on",
            "critical",
            "--practice",
            "IMG",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "no IMG finding is critical");
    let out = palisade(&root, &["scan", "examples", "--fail-on", "never"]);
    assert_eq!(out.status.code(), Some(0));
    let out = palisade(&root, &["scan", "examples/kubernetes/hardened-web.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("no findings"));
}

#[test]
fn suppressions_are_counted_and_listed_on_request() {
    let root = repo_root();
    let out = palisade(&root, &["scan", "examples", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let suppressed = doc["suppressed"].as_array().unwrap();
    let kinds: Vec<&str> = suppressed
        .iter()
        .map(|f| f["suppressed"]["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"config"),
        "palisade.toml suppression applies"
    );
    assert!(
        kinds.contains(&"annotation"),
        "palisade.dev/ignore annotation applies"
    );
    let table = stdout(&palisade(&root, &["scan", "examples", "--show-suppressed"]));
    assert!(table.contains("Suppressed"));
    assert!(table.contains("suppressed: the node agent reads the host filesystem"));
}

#[test]
fn output_file_and_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.json");
    let out = palisade(
        &repo_root(),
        &[
            "scan",
            "examples",
            "-f",
            "json",
            "-o",
            report.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).is_empty());
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert!(!doc["findings"].as_array().unwrap().is_empty());

    let manifest = b"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostNetwork: true\n  containers: [{name: c, image: nginx}]\n";
    let out = palisade_stdin(dir.path(), &["scan", "-", "-f", "json"], Some(manifest));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let f = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == "ISO002")
        .expect("hostNetwork found on stdin");
    assert_eq!(f["location"]["path"], "<stdin>");
    assert_eq!(f["location"]["line"], 5);
    assert_eq!(f["location"]["resource"], "Pod/default/p");
}

#[test]
fn rules_and_rule_commands() {
    let root = repo_root();
    let out = palisade(&root, &["rules", "--practice", "ISO"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.contains("ISO003") && !text.contains("IMG001"));
    let out = palisade(&root, &["rule", "iso003"]);
    let text = stdout(&out);
    assert!(text.contains("ISO003 — Privileged container"));
    assert!(text.contains("## Fix"));
    let out = palisade(&root, &["rule", "NOPE1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no rule NOPE1"));
}

#[test]
fn docs_rules_md_is_up_to_date() {
    let root = repo_root();
    let out = palisade(&root, &["rules", "--format", "markdown"]);
    let expected = stdout(&out);
    let actual = std::fs::read_to_string(root.join("docs/rules.md")).unwrap_or_default();
    assert!(
        actual == expected,
        "docs/rules.md is stale: run `cargo run -q -p palisade-cli -- rules --format markdown > docs/rules.md`"
    );
}

#[test]
fn usage_errors_exit_2() {
    let root = repo_root();
    let out = palisade(&root, &["scan", "--format", "xml"]);
    assert_eq!(out.status.code(), Some(2));
    let out = palisade(&root, &["scan", "--fail-on", "urgent", "examples"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("unknown severity"));
}

#[test]
fn a_closed_pipe_is_not_a_crash() {
    use std::process::{Command, Stdio};
    for args in [&["rules"][..], &["rule", "ISO003"], &["scan", "examples"]] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_palisade"))
            .args(args)
            .current_dir(repo_root())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}
