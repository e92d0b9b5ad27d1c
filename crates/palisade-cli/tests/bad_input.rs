//! Hostile and broken input: every case yields an `errors` entry naming the file (and the
//! line where known), exit status 2, and the other files are still scanned.

use crate::common;

use std::fs;
use std::path::Path;

use common::*;

const GOOD: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: good}\nspec:\n  containers:\n    - name: c\n      image: nginx:1.27\n      securityContext: {privileged: true}\n";

fn scan_json(dir: &Path, extra: &[&str]) -> (i32, serde_json::Value) {
    let mut args = vec!["scan", ".", "--format", "json"];
    args.extend_from_slice(extra);
    let out = palisade(dir, &args);
    let doc = serde_json::from_str(&stdout(&out))
        .unwrap_or_else(|e| panic!("bad JSON ({e}); stderr: {}", stderr(&out)));
    (out.status.code().unwrap(), doc)
}

fn error_for<'a>(doc: &'a serde_json::Value, path: &str) -> &'a serde_json::Value {
    doc["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["path"] == path)
        .unwrap_or_else(|| panic!("no error entry for {path}: {:#}", doc["errors"]))
}

#[test]
fn broken_files_are_reported_and_the_rest_is_scanned() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join("good.yaml"), GOOD).unwrap();
    fs::write(
        d.join("invalid.yaml"),
        "apiVersion: v1\nkind: Pod\nspec: [unclosed\n  x: 1\n",
    )
    .unwrap();
    fs::write(
        d.join("invalid.json"),
        "{\"apiVersion\": \"v1\", \"kind\": \"Pod\",\n \"spec\": }\n",
    )
    .unwrap();
    let mut binary = b"apiVersion kind\0\x01\x02".to_vec();
    binary.extend(std::iter::repeat_n(0u8, 4096));
    fs::write(d.join("binary.yaml"), binary).unwrap();
    fs::write(
        d.join("latin1.yaml"),
        b"apiVersion: v1\nkind: ConfigMap\ndata:\n  name: caf\xe9\n",
    )
    .unwrap();
    let mut bomb =
        String::from("apiVersion: v1\nkind: ConfigMap\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let p = i - 1;
        bomb.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    fs::write(d.join("bomb.yaml"), bomb).unwrap();
    let deep = format!(
        "apiVersion: v1\nkind: ConfigMap\ndata: {}{}\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    fs::write(d.join("deep.yaml"), deep).unwrap();
    // A sparse 1 GiB file: no disk used, but far above the document size limit.
    let huge = fs::File::create(d.join("huge.yaml")).unwrap();
    huge.set_len(1 << 30).unwrap();

    let (code, doc) = scan_json(d, &[]);
    assert_eq!(code, 2, "unreadable input gives exit status 2");
    assert!(doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["location"]["path"] == "good.yaml" && f["rule_id"] == "ISO003"));
    let invalid = error_for(&doc, "invalid.yaml");
    assert!(invalid["line"].as_u64().unwrap() >= 3, "{invalid}");
    assert!(error_for(&doc, "invalid.json")["line"].as_u64().is_some());
    assert!(error_for(&doc, "binary.yaml")["message"]
        .as_str()
        .unwrap()
        .contains("binary"));
    let latin1 = error_for(&doc, "latin1.yaml");
    assert_eq!(latin1["line"], 4);
    assert!(latin1["message"].as_str().unwrap().contains("UTF-8"));
    assert!(error_for(&doc, "bomb.yaml")["message"]
        .as_str()
        .unwrap()
        .contains("alias"));
    let deep = error_for(&doc, "deep.yaml")["message"].as_str().unwrap();
    assert!(
        deep.contains("nesting") || deep.contains("recursion"),
        "{deep}"
    );
    assert!(error_for(&doc, "huge.yaml")["message"]
        .as_str()
        .unwrap()
        .contains("1.0 GiB"));
}

#[cfg(unix)]
#[test]
fn symlink_loops_do_not_hang() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::create_dir(d.join("a")).unwrap();
    fs::write(d.join("a/good.yaml"), GOOD).unwrap();
    std::os::unix::fs::symlink("..", d.join("a/loop")).unwrap();
    let (code, doc) = scan_json(d, &[]);
    assert_eq!(code, 1, "symlinks are not followed by default: no error");
    assert_eq!(
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule_id"] == "ISO003")
            .count(),
        1
    );
    let (code, doc) = scan_json(d, &["--follow-symlinks"]);
    assert_eq!(code, 2);
    assert!(
        doc["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("loop"),
        "{:#}",
        doc["errors"]
    );
    assert!(!doc["findings"].as_array().unwrap().is_empty());
}

#[test]
fn missing_target_is_an_error_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let out = palisade(dir.path(), &["scan", "does-not-exist", "-f", "json"]);
    assert_eq!(out.status.code(), Some(2));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(doc["errors"][0]["path"], "does-not-exist");
}

#[test]
fn helm_templates_are_a_warning_not_an_error() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("deployment.yaml"),
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n  labels:\n{{ include \"labels\" . | indent 4 }}\n",
    )
    .unwrap();
    let (code, doc) = scan_json(dir.path(), &[]);
    assert_eq!(code, 0);
    assert!(doc["warnings"][0]
        .as_str()
        .unwrap()
        .contains("helm template"));
}

#[test]
fn ignore_files_and_skip_globs() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for sub in ["app", "vendor", "testdata", ".git", "build"] {
        fs::create_dir_all(d.join(sub)).unwrap();
        fs::write(d.join(sub).join("pod.yaml"), GOOD).unwrap();
    }
    fs::write(d.join("app/skip-me.yaml"), GOOD).unwrap();
    fs::write(d.join(".gitignore"), "build/\n").unwrap();
    let (_, doc) = scan_json(d, &["--skip-dirs", "vendor", "--skip-files", "skip-*.yaml"]);
    let mut paths: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["location"]["path"].as_str().unwrap())
        .collect();
    paths.dedup();
    assert_eq!(paths, ["app/pod.yaml", "testdata/pod.yaml"]);
}

#[test]
fn inline_ignores_and_config() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(
        d.join("pod.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  # palisade:ignore ISO002 debugging pod, deleted after the incident\n  hostNetwork: true\n  hostPID: true\n  containers: [{name: c, image: nginx:1.27}]\n",
    )
    .unwrap();
    fs::write(
        d.join("palisade.toml"),
        "[rules]\ndisable = [\"ISO018\"]\n\n[[suppress]]\nrule = \"ISO019\"\nreason = \"limits set by LimitRange\"\nexpires = \"2001-01-01\"\n",
    )
    .unwrap();
    let (_, doc) = scan_json(d, &[]);
    let ids: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&"ISO002"),
        "hostPID on line 7 is not covered by the marker on line 5"
    );
    assert!(!ids.contains(&"ISO018"), "disabled in palisade.toml");
    assert!(
        ids.contains(&"ISO019"),
        "expired suppression no longer applies"
    );
    let suppressed = &doc["suppressed"][0];
    assert_eq!(suppressed["rule_id"], "ISO002");
    assert_eq!(
        suppressed["suppressed"]["reason"],
        "debugging pod, deleted after the incident"
    );
    assert!(doc["warnings"][0]
        .as_str()
        .unwrap()
        .contains("expired on 2001-01-01"));

    fs::write(d.join("palisade.toml"), "[rules]\ndisable = 7\n").unwrap();
    let out = palisade(d, &["scan", "."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("palisade.toml: line 2"),
        "{}",
        stderr(&out)
    );
}
