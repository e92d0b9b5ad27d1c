//! Kyverno policies: ValidatingPolicies (`policies.kyverno.io`) and the `validate.cel`
//! rules of ClusterPolicy/Policy, with the controller rules Kyverno auto-generates for Pod
//! rules.

use std::collections::BTreeMap;

use palisade_core::Severity;
use serde_json::Value;

use crate::cel::CelPolicy;
use crate::json::{items as list, strings, text};

use super::matching::{KyvernoResources, Resources, RuleSet};
use super::{actions_severity, fail_closed, reporting, AdmissionPolicy, Doc, Flavor};

fn kyverno_blocks(
    value: Option<&Value>,
    field: &str,
) -> Result<(Vec<KyvernoResources>, Vec<KyvernoResources>), String> {
    let Some(value) = value.filter(|v| !v.is_null()) else {
        return Ok((Vec::new(), Vec::new()));
    };
    let mut any = Vec::new();
    let mut all = Vec::new();
    for (key, out) in [("any", &mut any), ("all", &mut all)] {
        for (i, filter) in list(value, key).enumerate() {
            let at = format!("{field}.{key}[{i}]");
            if filter.get("subjects").is_some()
                || filter.get("roles").is_some()
                || filter.get("clusterRoles").is_some()
            {
                return Err(format!(
                    "{at} matches on the requesting user (subjects/roles/clusterRoles), which a scan of objects does not have"
                ));
            }
            out.push(KyvernoResources::from(
                filter.get("resources").unwrap_or(&Value::Null),
                &at,
            )?);
        }
    }
    if let Some(resources) = value.get("resources") {
        any.push(KyvernoResources::from(
            resources,
            &format!("{field}.resources"),
        )?);
    }
    Ok((any, all))
}

/// The controllers Kyverno generates Pod rules for, from the
/// `pod-policies.kyverno.io/autogen-controllers` annotation (all by default).
fn autogen_controllers(annotations: &BTreeMap<String, String>) -> Vec<String> {
    const ALL: [&str; 7] = [
        "DaemonSet",
        "Deployment",
        "Job",
        "StatefulSet",
        "ReplicaSet",
        "ReplicationController",
        "CronJob",
    ];
    match annotations.get("pod-policies.kyverno.io/autogen-controllers") {
        None => ALL.iter().map(|s| s.to_string()).collect(),
        Some(v) if v.trim() == "none" => Vec::new(),
        Some(v) => v
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| ALL.contains(&s.as_str()))
            .collect(),
    }
}

pub(super) fn validating_policy(doc: &Doc, name: &str) -> Result<AdmissionPolicy, String> {
    let spec = doc.value.get("spec").unwrap_or(&Value::Null);
    let cel = std::sync::Arc::new(CelPolicy::from_spec(spec, "validations")?);
    if cel.is_empty() {
        return Err("spec.validations is empty".into());
    }
    let actions = strings(spec.get("validationActions"));
    let report = reporting(doc.value, actions_severity(&actions), name)?;
    let matcher = Resources::Rules {
        all: vec![RuleSet::from(
            spec.get("matchConstraints"),
            "spec.matchConstraints",
        )?],
    };
    let autogen_off = spec
        .pointer("/autogen/podControllers/controllers")
        .and_then(Value::as_array)
        .is_some_and(|c| c.is_empty());
    let autogen = if matcher.is_pod_only() && !autogen_off {
        autogen_controllers(&report.annotations)
    } else {
        Vec::new()
    };
    Ok(AdmissionPolicy {
        flavor: Flavor::KyvernoValidatingPolicy,
        name: name.to_string(),
        rule: None,
        binding: None,
        file: doc.file.to_string(),
        line: doc.line,
        title: report.title,
        description: report.description,
        practice: report.practice,
        severity: report.severity,
        cel,
        matcher,
        params: None,
        autogen,
        namespace: None,
        fail_closed: fail_closed(spec),
    })
}

/// The `validate.cel` rules of a Kyverno ClusterPolicy/Policy; other rules are errors (they
/// are not evaluated, and a scan must not pass them silently).
///
/// A rule with `validate.cel.paramKind` takes its parameter object from `params` (the other
/// documents of the policy files) by its `paramRef`, as the cluster would from its objects.
pub(super) fn kyverno_rules(
    doc: &Doc,
    name: &str,
    params: &[&Value],
) -> (Vec<AdmissionPolicy>, Vec<String>) {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let spec = doc.value.get("spec").unwrap_or(&Value::Null);
    let action = text(spec, &["validationFailureAction"]).to_ascii_lowercase();
    let default_severity = if action == "enforce" {
        Severity::High
    } else {
        Severity::Medium
    };
    let report = match reporting(doc.value, default_severity, name) {
        Ok(r) => r,
        Err(e) => return (out, vec![e]),
    };
    let namespace = (text(doc.value, &["kind"]) == "Policy").then(|| {
        let ns = text(doc.value, &["metadata", "namespace"]);
        if ns.is_empty() { "default" } else { ns }.to_string()
    });
    for (i, rule) in list(spec, "rules").enumerate() {
        let rule_name = text(rule, &["name"]).to_string();
        let at = format!("rule {rule_name} (spec.rules[{i}])");
        let Some(cel_spec) = rule.pointer("/validate/cel") else {
            let what = ["mutate", "generate", "verifyImages"]
                .into_iter()
                .find(|k| rule.get(k).is_some())
                .map(str::to_string)
                .or_else(|| {
                    rule.get("validate")
                        .and_then(Value::as_object)
                        .and_then(|v| {
                            v.keys()
                                .find(|k| {
                                    !matches!(
                                        k.as_str(),
                                        "message" | "failureAction" | "allowExistingViolations"
                                    )
                                })
                                .map(|k| format!("validate.{k}"))
                        })
                })
                .unwrap_or_else(|| "no validate.cel".into());
            errors.push(format!(
                "{at} uses {what}; Palisade evaluates Kyverno's validate.cel rules only"
            ));
            continue;
        };
        let result = (|| -> Result<AdmissionPolicy, String> {
            let params = match cel_spec.get("paramKind").filter(|k| !k.is_null()) {
                None => None,
                Some(kind) => Some(
                    super::bindings::param_objects(kind, cel_spec, params)
                        .map_err(|e| format!("validate.cel: {e}"))?,
                ),
            };
            let mut cel = CelPolicy::from_spec(cel_spec, "expressions")?;
            if cel.is_empty() {
                return Err("validate.cel.expressions is empty".into());
            }
            let preconditions = CelPolicy::from_spec(
                &serde_json::json!({"matchConditions": rule.get("celPreconditions").cloned().unwrap_or(Value::Null)}),
                "validations",
            )?;
            cel.match_conditions.extend(preconditions.match_conditions);
            let (any, all) = kyverno_blocks(rule.get("match"), "match")?;
            let (exclude_any, exclude_all) = kyverno_blocks(rule.get("exclude"), "exclude")?;
            let matcher = Resources::Kyverno {
                any,
                all,
                exclude_any,
                exclude_all,
            };
            let autogen = if matcher.is_pod_only() {
                autogen_controllers(&report.annotations)
            } else {
                Vec::new()
            };
            Ok(AdmissionPolicy {
                flavor: Flavor::KyvernoRule,
                name: name.to_string(),
                rule: Some(rule_name.clone()),
                binding: None,
                file: doc.file.to_string(),
                line: doc.line,
                title: report.title.clone(),
                description: report.description.clone(),
                practice: report.practice,
                severity: report.severity,
                cel: std::sync::Arc::new(cel),
                matcher,
                params,
                autogen,
                namespace: namespace.clone(),
                fail_closed: fail_closed(spec),
            })
        })();
        match result {
            Ok(p) => out.push(p),
            Err(e) => errors.push(format!("{at}: {e}")),
        }
    }
    if out.is_empty() && errors.is_empty() {
        errors.push("has no rules".into());
    }
    (out, errors)
}
