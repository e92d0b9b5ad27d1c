//! `[kubernetes] pod_template_paths`: custom resources that Palisade does not know are
//! judged by the pod rules at the place the user declares, a pod template or a pod spec.

use crate::common;

use common::{palisade, stderr};

const OBJECTS: &str = "apiVersion: example.com/v1
kind: Widget
metadata:
  name: w
  namespace: apps
spec:
  runner:
    template:
      metadata:
        labels: {app: w}
      spec:
        containers:
          - name: main
            image: busybox:1.36
            securityContext:
              privileged: true
---
apiVersion: batch.example.com/v1
kind: Runner
metadata:
  name: r
  namespace: apps
spec:
  podSpec:
    hostPID: true
    containers:
      - name: job
        image: busybox:1.36
";

fn findings(dir: &std::path::Path, extra: &[&str]) -> (Option<i32>, Vec<(String, u64)>) {
    let mut args = vec![
        "scan",
        "objects.yaml",
        "--scanners",
        "misconfig",
        "-f",
        "json",
    ];
    args.extend_from_slice(extra);
    let out = palisade(dir, &args);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    let mut found: Vec<(String, u64)> = json["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|f| matches!(f["rule_id"].as_str(), Some("ISO002" | "ISO003")))
                .map(|f| {
                    (
                        format!(
                            "{} {}",
                            f["rule_id"].as_str().unwrap(),
                            f["location"]["resource"].as_str().unwrap()
                        ),
                        f["location"]["line"].as_u64().unwrap(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    (out.status.code(), found)
}

#[test]
fn declared_pod_templates_and_pod_specs_are_judged() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("objects.yaml"), OBJECTS).unwrap();
    // unknown kinds: nothing to judge
    let (_, none) = findings(dir.path(), &[]);
    assert!(none.is_empty(), "{none:?}");

    std::fs::write(
        dir.path().join("palisade.toml"),
        "[kubernetes]\npod_template_paths = [\"example.com/Widget:spec.runner.template\", \"batch.example.com/Runner:spec.podSpec\"]\n",
    )
    .unwrap();
    let (code, found) = findings(dir.path(), &[]);
    assert_eq!(code, Some(1));
    assert_eq!(
        found,
        vec![
            ("ISO002 Runner/apps/r".to_string(), 25),
            ("ISO003 Widget/apps/w".to_string(), 16),
        ]
    );
}

#[test]
fn a_malformed_declaration_is_a_configuration_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("objects.yaml"), OBJECTS).unwrap();
    for bad in [
        "[\"Widget\"]",
        "[\"example.com/Widget:spec..template\"]",
        "\"spec.template\"",
    ] {
        std::fs::write(
            dir.path().join("palisade.toml"),
            format!("[kubernetes]\npod_template_paths = {bad}\n"),
        )
        .unwrap();
        let out = palisade(dir.path(), &["scan", "objects.yaml"]);
        assert_eq!(out.status.code(), Some(2), "{bad}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("[kubernetes] pod_template_paths"),
            "{bad}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn a_malformed_system_images_list_is_a_configuration_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("objects.yaml"), OBJECTS).unwrap();
    std::fs::write(
        dir.path().join("palisade.toml"),
        "[kubernetes]\nsystem_images = \"quay.io/acme/\"\n",
    )
    .unwrap();
    let out = palisade(dir.path(), &["scan", "objects.yaml"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("[kubernetes] system_images: must be a list of strings"),
        "{}",
        stderr(&out)
    );
}
