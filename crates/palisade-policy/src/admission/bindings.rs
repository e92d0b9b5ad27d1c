//! Kubernetes ValidatingAdmissionPolicies, one [`AdmissionPolicy`] per binding, with the
//! parameter objects a binding's `paramRef` selects.

use serde_json::Value;

use crate::cel::CelPolicy;
use crate::gatekeeper::Selector;
use crate::json::{string_map, strings, text};

use super::matching::{Resources, RuleSet};
use super::{actions_severity, fail_closed, reporting, AdmissionPolicy, Doc, Flavor};

pub(super) fn vap(
    doc: &Doc,
    name: &str,
    bindings: &[&&Doc],
    params: &[&Value],
) -> Result<Vec<AdmissionPolicy>, String> {
    let spec = doc.value.get("spec").unwrap_or(&Value::Null);
    let cel = std::sync::Arc::new(CelPolicy::from_spec(spec, "validations")?);
    if cel.is_empty() {
        return Err("spec.validations is empty".into());
    }
    let base = RuleSet::from(spec.get("matchConstraints"), "spec.matchConstraints")?;
    let param_kind = spec.get("paramKind").filter(|p| !p.is_null());
    let mut out = Vec::new();
    // A policy without a binding is not enforced by a cluster; a scan still evaluates it
    // (when it needs no parameters), as the author's statement of what is allowed.
    let unbound = Value::Null;
    let mut targets: Vec<(Option<String>, &Value)> = bindings
        .iter()
        .map(|b| {
            (
                Some(text(b.value, &["metadata", "name"]).to_string()),
                b.value,
            )
        })
        .collect();
    if targets.is_empty() {
        if param_kind.is_some() {
            return Err(
                "has a paramKind but no ValidatingAdmissionPolicyBinding gives it parameters"
                    .into(),
            );
        }
        targets.push((None, &unbound));
    }
    for (binding, value) in targets {
        let bspec = value.get("spec").unwrap_or(&Value::Null);
        let actions = strings(bspec.get("validationActions"));
        let report = reporting(doc.value, actions_severity(&actions), name)?;
        let matcher = Resources::Rules {
            all: vec![
                base.clone(),
                RuleSet::from(bspec.get("matchResources"), "spec.matchResources")?,
            ],
        };
        let params =
            match param_kind {
                None => None,
                Some(kind) => Some(param_objects(kind, bspec, params).map_err(|e| {
                    format!("binding {}: {e}", binding.as_deref().unwrap_or_default())
                })?),
            };
        out.push(AdmissionPolicy {
            flavor: Flavor::ValidatingAdmissionPolicy,
            name: name.to_string(),
            rule: None,
            binding,
            file: doc.file.to_string(),
            line: doc.line,
            title: report.title,
            description: report.description,
            practice: report.practice,
            severity: report.severity,
            cel: cel.clone(),
            matcher,
            params,
            autogen: Vec::new(),
            namespace: None,
            fail_closed: fail_closed(spec),
        });
    }
    Ok(out)
}

/// The parameter objects of kind `kind` that the `paramRef` of `spec` (a binding's, or a
/// Kyverno rule's `validate.cel`) selects among `candidates`.
pub(super) fn param_objects(
    kind: &Value,
    spec: &Value,
    candidates: &[&Value],
) -> Result<Vec<Value>, String> {
    let api = text(kind, &["apiVersion"]);
    let kind = text(kind, &["kind"]);
    let reference = spec
        .get("paramRef")
        .ok_or("a paramKind is given but no paramRef")?;
    let name = text(reference, &["name"]);
    let namespace = text(reference, &["namespace"]);
    let selector = reference
        .get("selector")
        .map(|s| Selector::from(s, "paramRef.selector"))
        .transpose()?;
    let found: Vec<Value> = candidates
        .iter()
        .filter(|c| text(c, &["kind"]) == kind && text(c, &["apiVersion"]) == api)
        .filter(|c| name.is_empty() || text(c, &["metadata", "name"]) == name)
        .filter(|c| namespace.is_empty() || text(c, &["metadata", "namespace"]) == namespace)
        .filter(|c| {
            selector
                .as_ref()
                .is_none_or(|s| s.matches(&string_map(c.pointer("/metadata/labels"))))
        })
        .map(|c| (*c).clone())
        .collect();
    if found.is_empty() && text(reference, &["parameterNotFoundAction"]) != "Allow" {
        return Err(format!(
            "no {kind} ({api}) {} among the policy files",
            if name.is_empty() {
                "matches its paramRef".to_string()
            } else {
                format!("named {name}")
            }
        ));
    }
    Ok(found)
}
