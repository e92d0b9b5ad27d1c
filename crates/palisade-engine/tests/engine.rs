//! The engine as a library: documents and objects scanned without touching the disk, and
//! one suppressor for every rule family.

use palisade_engine::{Engine, FileEntry, Settings};

fn engine() -> Engine {
    Engine::new(Settings::default()).unwrap()
}

const RBAC_AND_NET: &str = r#"apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: ci-admin
  annotations:
    palisade.dev/ignore: RBAC002
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects:
  - {kind: ServiceAccount, name: ci, namespace: build}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
  annotations:
    palisade.dev/ignore: NET001
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
        - name: api
          image: registry.example.com/api@sha256:0000000000000000000000000000000000000000000000000000000000000000
"#;

#[test]
fn the_ignore_annotation_silences_rbac_and_net_findings() {
    let report = engine().scan_documents(vec![FileEntry::memory(
        "cluster.yaml",
        RBAC_AND_NET.as_bytes(),
    )]);
    for rule in ["RBAC002", "NET001"] {
        assert!(
            !report.findings.iter().any(|f| f.rule_id == rule),
            "{rule} not suppressed: {:#?}",
            report.findings
        );
        let suppressed = report
            .suppressed
            .iter()
            .find(|f| f.rule_id == rule)
            .unwrap_or_else(|| panic!("{rule} not reported as suppressed"));
        let reason = suppressed.suppressed.as_ref().unwrap().reason().to_string();
        assert!(reason.contains("palisade.dev/ignore"), "{reason}");
    }
    // without the annotations both are reported
    let bare = RBAC_AND_NET.replace("palisade.dev/ignore", "example.com/note");
    let report = engine().scan_documents(vec![FileEntry::memory("cluster.yaml", bare.as_bytes())]);
    for rule in ["RBAC002", "NET001"] {
        assert!(report.findings.iter().any(|f| f.rule_id == rule), "{rule}");
    }
}

#[test]
fn objects_from_an_api_are_named_by_kind_and_point_at_fields() {
    let pod = serde_json::json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "web", "namespace": "shop"},
        "spec": {"containers": [
            {"name": "sidecar", "image": "busybox:1.36"},
            {"name": "app", "image": "nginx:1.27", "securityContext": {"privileged": true}}
        ]}
    });
    let scan = engine().scan_objects(&[pod]);
    assert_eq!(scan.names, ["Pod/shop/web"]);
    let privileged = scan
        .report
        .findings
        .iter()
        .find(|f| f.rule_id == "ISO003")
        .expect("privileged container reported");
    assert_eq!(privileged.location.path, "Pod/shop/web");
    assert_eq!(
        privileged.location.field.as_deref(),
        Some("spec.containers[1].securityContext.privileged")
    );
}

#[test]
fn objects_with_the_same_name_stay_apart() {
    let cm =
        serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}});
    let scan = engine().scan_objects(&[cm.clone(), cm]);
    assert_eq!(scan.names, ["ConfigMap/a", "ConfigMap/a#2"]);
}

#[test]
fn a_fifo_given_as_a_path_is_an_error_not_a_hang() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.yaml");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    let report = engine().scan_paths(std::slice::from_ref(&fifo), &palisade_engine::Quiet);
    assert_eq!(report.errors.len(), 1, "{:?}", report.errors);
    assert!(
        report.errors[0].message.contains("FIFO"),
        "{}",
        report.errors[0]
    );

    // a folder whose ignore file is a FIFO is refused, with the other folders scanned
    let tree = dir.path().join("tree");
    std::fs::create_dir_all(tree.join("blocked")).unwrap();
    std::fs::create_dir_all(tree.join("open")).unwrap();
    std::fs::write(tree.join("open/Dockerfile"), "FROM debian:latest\n").unwrap();
    std::process::Command::new("mkfifo")
        .arg(tree.join("blocked/.gitignore"))
        .status()
        .unwrap();
    let report = engine().scan_paths(&[tree], &palisade_engine::Quiet);
    assert!(
        report
            .errors
            .iter()
            .any(|e| e.path == "blocked" && e.message.contains("FIFO")),
        "{:?}",
        report.errors
    );
    assert!(report
        .findings
        .iter()
        .any(|f| f.location.path == "open/Dockerfile"));
}

#[test]
fn a_dockerfile_from_a_base_the_tree_builds_inherits_its_user() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("base")).unwrap();
    std::fs::create_dir_all(root.join("app")).unwrap();
    std::fs::write(
        root.join("base/Dockerfile"),
        "FROM debian:12-slim\nRUN useradd --uid 10001 app\nUSER 10001\n",
    )
    .unwrap();
    std::fs::write(
        root.join("app/Dockerfile"),
        "FROM acme/base:1.0\nCOPY app /app\nCMD [\"/app\"]\n",
    )
    .unwrap();
    let img011 = |report: &palisade_core::ScanReport| {
        report
            .findings
            .iter()
            .filter(|f| f.rule_id == "IMG011" && f.location.path == "app/Dockerfile")
            .count()
    };
    // nothing in the tree says who builds acme/base: its user is unknown
    let report = engine().scan_paths(&[root.to_path_buf()], &palisade_engine::Quiet);
    assert_eq!(img011(&report), 1);
    // the Makefile builds it from base/Dockerfile, which ends as a non-root user
    std::fs::write(
        root.join("Makefile"),
        "base:\n\tdocker build -t acme/base:1.0 base\n",
    )
    .unwrap();
    let report = engine().scan_paths(&[root.to_path_buf()], &palisade_engine::Quiet);
    assert_eq!(img011(&report), 0, "{:#?}", report.findings);
}
