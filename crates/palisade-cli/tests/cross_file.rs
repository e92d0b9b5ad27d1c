//! The cross-object checks of `palisade scan` do not depend on how objects are spread over
//! files: the scan keeps no file's tree after reading it (a context pass collects
//! ServiceAccounts, RuntimeClasses and exposing Services first; RBAC and network facts are
//! merged file by file), so objects that refer to each other from different files, in any
//! order, must give exactly the findings they give in one file.

use crate::common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::{palisade, palisade_stdin, stdout};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cross-file")
}

/// Every object of the fixture, as one multi-document stream in the given file order.
fn combined(order: &[PathBuf]) -> String {
    order
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect::<Vec<_>>()
        .join("\n---\n")
}

fn files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixture())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

/// (rule, resource) of every finding, suppressed or not; paths and lines differ by layout.
fn findings(json: &str) -> BTreeSet<(String, String)> {
    let v: serde_json::Value = serde_json::from_str(json).expect("JSON report");
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_string(),
                f["location"]["resource"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn objects_spread_over_files_give_the_findings_of_one_file() {
    let dir = fixture();
    let split = palisade(&dir, &["scan", ".", "--format", "json"]);
    let split = findings(&stdout(&split));

    let tmp = tempfile::tempdir().unwrap();
    let mut reversed = files();
    reversed.reverse();
    for (name, order) in [("forward.yaml", files()), ("reversed.yaml", reversed)] {
        let one = tmp.path().join(name);
        std::fs::write(&one, combined(&order)).unwrap();
        let out = palisade(tmp.path(), &["scan", name, "--format", "json"]);
        assert_eq!(
            findings(&stdout(&out)),
            split,
            "{name} differs from the split files"
        );
    }
}

#[test]
fn context_from_other_files_reaches_the_rules() {
    let out = palisade(&fixture(), &["scan", ".", "--format", "json"]);
    let found = findings(&stdout(&out));
    let has = |rule: &str, resource: &str| found.contains(&(rule.into(), resource.into()));
    // The LoadBalancer Service in 03-service.yaml exposes web: it needs a sandbox.
    assert!(has("ISO021", "Deployment/shop/web"), "{found:#?}");
    // worker runs hostNetwork but under the runsc RuntimeClass of 05-runtimeclass.yaml.
    assert!(!has("ISO021", "Deployment/shop/worker"), "{found:#?}");
    // The default ServiceAccount of shop (06) does not mount its token: web is fine.
    assert!(!has("ISO020", "Deployment/shop/web"), "{found:#?}");
    // worker's own ServiceAccount (06) mounts the token and is bound to read secrets (07).
    assert!(has("RBAC014", "Deployment/shop/worker"), "{found:#?}");
    assert!(has("SEC210", "Deployment/shop/worker"), "{found:#?}");
    // The Ingress (04) routes to the LoadBalancer Service of 03: both expose web.
    assert!(has("NET007", "Ingress/shop/web"), "{found:#?}");
    assert!(has("NET007", "Service/shop/web"), "{found:#?}");
}

#[test]
fn standard_input_takes_part_in_the_context_pass() {
    let tmp = tempfile::tempdir().unwrap();
    // The workloads on disk, the ServiceAccount and RuntimeClass only on standard input.
    for name in ["01-web.yaml", "02-worker.yaml", "03-service.yaml"] {
        std::fs::copy(fixture().join(name), tmp.path().join(name)).unwrap();
    }
    let context = combined(&[
        fixture().join("05-runtimeclass.yaml"),
        fixture().join("06-serviceaccounts.yaml"),
    ]);
    let out = palisade_stdin(
        tmp.path(),
        &["scan", ".", "-", "--format", "json"],
        Some(context.as_bytes()),
    );
    let found = findings(&stdout(&out));
    assert!(
        !found.contains(&("ISO021".into(), "Deployment/shop/worker".into())),
        "{found:#?}"
    );
    assert!(
        !found.contains(&("ISO020".into(), "Deployment/shop/web".into())),
        "{found:#?}"
    );
    assert!(
        found.contains(&("ISO021".into(), "Deployment/shop/web".into())),
        "{found:#?}"
    );
}
