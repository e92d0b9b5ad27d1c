//! `palisade scan` on kustomizations and `palisade render`, as a user runs them.

use crate::common;

use std::fs;
use std::path::Path;

use common::{palisade, stderr, stdout};

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

/// A base with a plain Deployment and an overlay whose patch makes it privileged (the
/// README's kustomize example).
fn project(root: &Path) {
    common::copy_dir(
        &common::repo_root().join("crates/palisade-cli/tests/fixtures/readme/kustomize"),
        root,
    );
}

#[test]
fn scan_reports_an_overlay_finding_at_the_patch_line_and_the_base_only_through_the_overlay() {
    let dir = tempfile::tempdir().unwrap();
    project(dir.path());
    let out = palisade(
        dir.path(),
        &["scan", ".", "--format", "json", "--scanners", "misconfig"],
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let privileged: Vec<_> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "ISO003")
        .cloned()
        .collect();
    assert_eq!(privileged.len(), 1, "{json:#}");
    let location = &privileged[0]["location"];
    assert_eq!(location["path"], "overlays/prod/privileged.yaml");
    assert_eq!(location["line"], 11);
    assert_eq!(location["resource"], "Deployment/shop/prod-web");
    assert_eq!(location["rendered"]["path"], "overlays/prod");
    // the image is judged where the base wrote it, once (through the overlay), not raw
    let all: Vec<&serde_json::Value> = json["findings"].as_array().unwrap().iter().collect();
    assert!(
        all.iter()
            .all(|f| f["location"]["resource"] != "Deployment/web"),
        "base scanned raw: {json:#}"
    );
    let in_base: Vec<_> = all
        .iter()
        .filter(|f| f["location"]["path"] == "base/deployment.yaml")
        .collect();
    assert!(!in_base.is_empty(), "{json:#}");
    assert!(in_base
        .iter()
        .all(|f| f["location"]["resource"] == "Deployment/shop/prod-web"));
    assert!(json["errors"].as_array().unwrap().is_empty(), "{json:#}");
}

#[test]
fn sarif_carries_the_rendered_place() {
    let dir = tempfile::tempdir().unwrap();
    project(dir.path());
    let out = palisade(
        dir.path(),
        &["scan", ".", "--format", "sarif", "--scanners", "misconfig"],
    );
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let r = results
        .iter()
        .find(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                == "overlays/prod/privileged.yaml"
        })
        .expect("a result at the patch file");
    assert_eq!(
        r["locations"][0]["physicalLocation"]["region"]["startLine"],
        11
    );
    assert!(r["properties"]["renderedFrom"]
        .as_str()
        .unwrap()
        .starts_with("overlays/prod:"));
}

#[test]
fn a_kustomization_that_cannot_render_is_an_error_and_the_rest_is_scanned() {
    let dir = tempfile::tempdir().unwrap();
    project(dir.path());
    write(
        dir.path(),
        "broken/kustomization.yaml",
        "resources:\n- missing.yaml\n",
    );
    write(
        dir.path(),
        "plain/pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: busybox:1\n    securityContext: {privileged: true}\n",
    );
    let out = palisade(
        dir.path(),
        &["scan", ".", "--format", "json", "--scanners", "misconfig"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let errors = json["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{json:#}");
    assert_eq!(errors[0]["path"], "broken/kustomization.yaml");
    assert_eq!(errors[0]["line"], 2);
    assert!(errors[0]["message"]
        .as_str()
        .unwrap()
        .contains("accumulating resources from 'missing.yaml'"));
    let paths: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["location"]["path"].as_str())
        .collect();
    assert!(paths.contains(&"plain/pod.yaml"));
    assert!(paths.contains(&"overlays/prod/privileged.yaml"));
}

#[test]
fn render_prints_what_kubectl_kustomize_prints() {
    let dir = tempfile::tempdir().unwrap();
    project(dir.path());
    let out = palisade(dir.path(), &["render", "overlays/prod"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: prod-web\n  namespace: shop\n"), "{text}");
    assert!(
        text.contains("        securityContext:\n          privileged: true\n"),
        "{text}"
    );
}

#[test]
fn render_refuses_a_plain_folder_and_helm_flags_on_a_kustomization() {
    let dir = tempfile::tempdir().unwrap();
    project(dir.path());
    let out = palisade(dir.path(), &["render", "."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no kustomization.yaml"));
    assert!(out.stdout.is_empty());
    let out = palisade(dir.path(), &["render", "overlays/prod", "--set", "a=b"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("apply to Helm charts only"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn render_warns_about_remote_resources_and_fails_on_a_cycle() {
    let dir = tempfile::tempdir().unwrap();
    project(dir.path());
    write(
        dir.path(),
        "remote/kustomization.yaml",
        "resources:\n- ../base\n- https://example.com/app.yaml\n",
    );
    let out = palisade(dir.path(), &["render", "remote"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stderr(&out).contains("warning:")
            && stderr(&out).contains("'https://example.com/app.yaml' was not fetched"),
        "{}",
        stderr(&out)
    );
    write(dir.path(), "a/kustomization.yaml", "resources: [../b]\n");
    write(dir.path(), "b/kustomization.yaml", "resources: [../a]\n");
    let out = palisade(dir.path(), &["render", "a"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cycle detected"), "{}", stderr(&out));
}

#[test]
fn an_ignore_comment_in_the_patch_file_suppresses_the_rendered_finding() {
    let dir = tempfile::tempdir().unwrap();
    project(dir.path());
    write(
        dir.path(),
        "overlays/prod/privileged.yaml",
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: app
          securityContext:
            # palisade:ignore ISO003 node agent, reviewed
            privileged: true
",
    );
    let out = palisade(
        dir.path(),
        &["scan", ".", "--format", "json", "--scanners", "misconfig"],
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["rule_id"] != "ISO003"),
        "{json:#}"
    );
    let suppressed = json["suppressed"].as_array().unwrap();
    let s = suppressed
        .iter()
        .find(|f| f["rule_id"] == "ISO003")
        .expect("suppressed ISO003");
    assert_eq!(s["location"]["path"], "overlays/prod/privileged.yaml");
    assert_eq!(s["location"]["line"], 12);
}
