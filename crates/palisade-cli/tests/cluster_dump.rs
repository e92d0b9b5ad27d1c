//! `palisade cluster --from-dump`: a `kubectl get -o json|yaml` dump scanned with the same
//! rules as the manifests it came from, located by object and field, and as PolicyReports.

use crate::common;

use std::collections::BTreeSet;

use common::{palisade, stderr, stdout};

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/kubernetes");

/// The YAML manifests of the examples as one `kubectl get -o yaml` style List.
fn yaml_dump() -> String {
    let mut out = String::from("apiVersion: v1\nkind: List\nitems:\n");
    let mut names: Vec<_> = std::fs::read_dir(EXAMPLES)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    names.sort();
    for path in names {
        let text = std::fs::read_to_string(&path).unwrap();
        for doc in text.split("\n---") {
            let body: Vec<&str> = doc
                .lines()
                .filter(|l| !l.trim().is_empty() && l.trim() != "---" && !l.starts_with('#'))
                .collect();
            if body.is_empty() {
                continue;
            }
            for (i, line) in body.iter().enumerate() {
                out.push_str(if i == 0 { "- " } else { "  " });
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

/// (rule, object) pairs of a JSON report.
fn pairs(json: &serde_json::Value, by: &str) -> BTreeSet<(String, String)> {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_string(),
                f["location"][by].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_dump_gets_the_same_findings_as_its_manifests_located_by_field() {
    let tmp = tempfile::tempdir().unwrap();
    let dump = tmp.path().join("cluster.yaml");
    std::fs::write(&dump, yaml_dump()).unwrap();

    let out = palisade(
        tmp.path(),
        &[
            "cluster",
            "--from-dump",
            dump.to_str().unwrap(),
            "-f",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let live: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let privileged = live["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == "ISO003")
        .expect("privileged DaemonSet reported");
    assert_eq!(
        privileged["location"]["path"],
        "DaemonSet/monitoring/node-agent"
    );
    assert_eq!(
        privileged["location"]["field"],
        "spec.template.spec.containers[0].securityContext.privileged"
    );
    assert!(privileged["location"]["line"].is_null());

    // the same rules fire on the same objects as in a scan of the YAML files
    let mut files = Vec::new();
    for entry in std::fs::read_dir(EXAMPLES).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            files.push(path.to_str().unwrap().to_string());
        }
    }
    let mut args = vec!["scan", "-f", "json", "--scanners", "misconfig"];
    args.extend(files.iter().map(String::as_str));
    let out = palisade(tmp.path(), &args);
    let scanned: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(pairs(&live, "resource"), pairs(&scanned, "resource"));
}

#[test]
fn policy_reports_group_results_by_namespace() {
    let tmp = tempfile::tempdir().unwrap();
    let dump = tmp.path().join("cluster.yaml");
    std::fs::write(&dump, yaml_dump()).unwrap();
    let out = palisade(
        tmp.path(),
        &[
            "cluster",
            "--from-dump",
            dump.to_str().unwrap(),
            "-f",
            "policyreport",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let list: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(list["kind"], "List");
    let items = list["items"].as_array().unwrap();
    let cluster = items
        .iter()
        .find(|i| i["kind"] == "ClusterPolicyReport")
        .expect("cluster-scoped results");
    assert!(cluster["results"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["policy"] == "RBAC002"));
    let monitoring = items
        .iter()
        .find(|i| i["kind"] == "PolicyReport" && i["metadata"]["namespace"] == "monitoring")
        .expect("a report for namespace monitoring");
    assert_eq!(monitoring["apiVersion"], "wgpolicyk8s.io/v1alpha2");
    let results = monitoring["results"].as_array().unwrap();
    assert_eq!(
        monitoring["summary"]["fail"].as_u64().unwrap() as usize,
        results.len()
    );
    let r = results.iter().find(|r| r["policy"] == "ISO003").unwrap();
    assert_eq!(r["resources"][0]["kind"], "DaemonSet");
    assert_eq!(r["resources"][0]["namespace"], "monitoring");
    assert_eq!(r["severity"], "critical");
    assert_eq!(r["result"], "fail");
}

#[test]
fn unreadable_or_broken_dumps_are_errors_and_the_rest_is_scanned() {
    let tmp = tempfile::tempdir().unwrap();
    let good = tmp.path().join("good.json");
    std::fs::write(
        &good,
        r#"{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"a"},"spec":{"hostPID":true,"containers":[{"name":"c","image":"x"}]}}]}"#,
    )
    .unwrap();
    let broken = tmp.path().join("broken.json");
    std::fs::write(&broken, "{\"items\": [").unwrap();
    let fifo = tmp.path().join("pipe.json");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let out = palisade(
        tmp.path(),
        &[
            "cluster",
            "--from-dump",
            good.to_str().unwrap(),
            broken.to_str().unwrap(),
            fifo.to_str().unwrap(),
            "-f",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let errors = json["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors[0]["message"]
        .as_str()
        .unwrap()
        .contains("invalid JSON"));
    assert!(errors[1]["message"]
        .as_str()
        .unwrap()
        .contains("not a regular file"));
    assert!(pairs(&json, "path").contains(&("ISO002".to_string(), "Pod/a/p".to_string())));
}
