//! Findings as `wgpolicyk8s.io/v1alpha2` PolicyReport objects (one per namespace) and one
//! ClusterPolicyReport (cluster-scoped objects), the format Policy Reporter, Kyverno's UI
//! and `kubectl get policyreports` read. Each result names the rule as its policy, the
//! object it is about, and the practice as its category.

use std::collections::BTreeMap;

use palisade_core::{Finding, Severity};
use serde_json::{json, Value};

/// The object a finding is about, as a PolicyReport result names it.
#[derive(Debug, Clone, Default)]
pub struct ResourceRef {
    pub api_version: String,
    pub kind: String,
    pub namespace: Option<String>,
    pub name: String,
    pub uid: Option<String>,
}

impl ResourceRef {
    /// The reference to an object as an API returned it.
    pub fn of(object: &palisade_core::Json) -> ResourceRef {
        use palisade_core::Json;
        let text = |p: &str| object.pointer(p).and_then(Json::as_str).map(str::to_string);
        ResourceRef {
            api_version: text("/apiVersion").unwrap_or_default(),
            kind: text("/kind").unwrap_or_default(),
            namespace: text("/metadata/namespace"),
            name: text("/metadata/name").unwrap_or_default(),
            uid: text("/metadata/uid"),
        }
    }
}

/// PolicyReport severities are `critical`, `high`, `medium`, `low` and `info`.
fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "critical",
        Severity::High => "high",
        Severity::Medium => "medium",
        Severity::Low => "low",
        Severity::Info => "info",
    }
}

/// A `List` of PolicyReports and a ClusterPolicyReport for `findings`; `resource` tells
/// which object a finding is about (findings it cannot place are left out and counted in
/// the second value). `timestamp` is seconds since the epoch.
pub fn policy_reports(
    findings: &[Finding],
    resource: &dyn Fn(&Finding) -> Option<ResourceRef>,
    timestamp: i64,
) -> (Value, usize) {
    let mut by_namespace: BTreeMap<Option<String>, Vec<Value>> = BTreeMap::new();
    let mut unplaced = 0;
    for f in findings {
        let Some(r) = resource(f) else {
            unplaced += 1;
            continue;
        };
        let mut object = json!({
            "apiVersion": r.api_version,
            "kind": r.kind,
            "name": r.name,
        });
        if let Some(ns) = &r.namespace {
            object["namespace"] = json!(ns);
        }
        if let Some(uid) = &r.uid {
            object["uid"] = json!(uid);
        }
        let mut properties = serde_json::Map::new();
        if let Some(field) = &f.location.field {
            properties.insert("field".into(), json!(field));
        }
        by_namespace
            .entry(r.namespace.clone())
            .or_default()
            .push(json!({
                "source": "palisade",
                "policy": f.rule_id,
                "rule": f.rule_id,
                "category": f.practice.name(),
                "severity": severity(f.severity),
                "result": "fail",
                "scored": true,
                "message": f.message,
                "resources": [object],
                "properties": properties,
                "timestamp": {"seconds": timestamp, "nanos": 0},
            }));
    }
    let items: Vec<Value> = by_namespace
        .into_iter()
        .map(|(namespace, results)| {
            let summary =
                json!({"pass": 0, "fail": results.len(), "warn": 0, "error": 0, "skip": 0});
            match namespace {
                Some(ns) => json!({
                    "apiVersion": "wgpolicyk8s.io/v1alpha2",
                    "kind": "PolicyReport",
                    "metadata": {
                        "name": "palisade",
                        "namespace": ns,
                        "labels": {"app.kubernetes.io/managed-by": "palisade"},
                    },
                    "scope": {"apiVersion": "v1", "kind": "Namespace", "name": ns},
                    "summary": summary,
                    "results": results,
                }),
                None => json!({
                    "apiVersion": "wgpolicyk8s.io/v1alpha2",
                    "kind": "ClusterPolicyReport",
                    "metadata": {
                        "name": "palisade",
                        "labels": {"app.kubernetes.io/managed-by": "palisade"},
                    },
                    "summary": summary,
                    "results": results,
                }),
            }
        })
        .collect();
    (
        json!({"apiVersion": "v1", "kind": "List", "items": items}),
        unplaced,
    )
}
