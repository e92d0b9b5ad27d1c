//! CEL admission policies: Kubernetes ValidatingAdmissionPolicies with their bindings,
//! Kyverno ValidatingPolicies (`policies.kyverno.io`) and Kyverno ClusterPolicy/Policy
//! rules written with `validate.cel`. Each becomes an [`AdmissionPolicy`]: which objects it
//! matches (resource rules, or Kyverno's `match`/`exclude`), the compiled [`CelPolicy`], and
//! how its findings are reported.
//!
//! Pod policies of Kyverno apply to the pod templates of controllers too, as Kyverno's
//! auto-generated rules do (`autogen-<rule>` for Deployments, DaemonSets, StatefulSets,
//! Jobs, ReplicaSets and ReplicationControllers, `autogen-cronjob-<rule>` for CronJobs):
//! the policy sees the controller with its `spec` and `metadata` replaced by the pod
//! template's, as Kyverno rewrites the expressions.
//!
//! - `matching`: which objects a policy applies to (resource rules, Kyverno
//!   `match`/`exclude`, kinds and wildcards);
//! - `bindings`: ValidatingAdmissionPolicies under their bindings, with parameter objects;
//! - `kyverno_policies`: Kyverno ValidatingPolicies and ClusterPolicy/Policy `validate.cel`
//!   rules, with their auto-generated controller rules.

mod bindings;
mod kyverno_policies;
mod matching;

pub(crate) use matching::is_cluster_scoped;

use std::collections::BTreeMap;

use palisade_core::{Practice, Severity};
use serde_json::Value;

use crate::cel::CelPolicy;
use crate::gatekeeper::{PRACTICE_ANNOTATION, SEVERITY_ANNOTATION};
use crate::json::{string_map, text};
use crate::PolicyError;

use bindings::vap;
use kyverno_policies::{kyverno_rules, validating_policy};
use matching::Resources;

/// Which engine a policy was written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// `admissionregistration.k8s.io` ValidatingAdmissionPolicy (+ binding).
    ValidatingAdmissionPolicy,
    /// `policies.kyverno.io` ValidatingPolicy.
    KyvernoValidatingPolicy,
    /// A `validate.cel` rule of a `kyverno.io` ClusterPolicy or Policy.
    KyvernoRule,
}

/// One CEL policy as it is enforced: a VAP under one binding, a Kyverno ValidatingPolicy,
/// or one rule of a Kyverno ClusterPolicy.
#[derive(Debug)]
pub struct AdmissionPolicy {
    pub flavor: Flavor,
    /// The policy's `metadata.name`.
    pub name: String,
    /// The Kyverno rule's name.
    pub rule: Option<String>,
    /// The VAP binding's name.
    pub binding: Option<String>,
    pub file: String,
    pub line: Option<u32>,
    pub title: String,
    pub description: Option<String>,
    pub practice: Practice,
    pub severity: Severity,
    /// Shared by the policies a VAP becomes, one per binding.
    pub(crate) cel: std::sync::Arc<CelPolicy>,
    pub(crate) matcher: Resources,
    /// The VAP binding's parameter objects (each evaluated in turn), or `None` when the
    /// policy takes no parameters.
    pub(crate) params: Option<Vec<Value>>,
    /// The controllers whose pod templates a Pod policy also judges (Kyverno autogen).
    pub(crate) autogen: Vec<String>,
    /// Kyverno Policy (namespaced): only objects of this namespace.
    pub(crate) namespace: Option<String>,
    /// `failurePolicy: Fail` (the default): an expression that cannot be evaluated on an
    /// object denies it, so it is a violation; with `Ignore` it is an error of the run.
    pub fail_closed: bool,
}

impl AdmissionPolicy {
    /// The rule id of its findings: `POL:<policy>[/<rule or binding>]`.
    pub fn rule_id(&self) -> String {
        match (&self.rule, &self.binding) {
            (Some(rule), _) => format!("POL:{}/{rule}", self.name),
            (None, Some(binding)) => format!("POL:{}/{binding}", self.name),
            (None, None) => format!("POL:{}", self.name),
        }
    }

    /// Whether the policy judges `object`, and how: the rule name Kyverno reports for it
    /// (`autogen-…` for a controller's pod template), and whether it sees the object
    /// through its pod template ([`pod_template_view`]); `None` when it does not match.
    pub(crate) fn view(
        &self,
        object: &Value,
        operation: &str,
        namespaces: &BTreeMap<String, BTreeMap<String, String>>,
    ) -> Option<(std::borrow::Cow<'_, str>, bool)> {
        if let Some(ns) = &self.namespace {
            if text(object, &["metadata", "namespace"]) != ns {
                return None;
            }
        }
        if self.matcher.matches(object, operation, namespaces) {
            let rule = self.rule.as_deref().unwrap_or_default();
            return Some((std::borrow::Cow::Borrowed(rule), false));
        }
        let kind = text(object, &["kind"]);
        if !self.autogen.iter().any(|k| k == kind) {
            return None;
        }
        let (template, prefix) = if kind == "CronJob" {
            (
                object.pointer("/spec/jobTemplate/spec/template"),
                "autogen-cronjob-",
            )
        } else {
            (object.pointer("/spec/template"), "autogen-")
        };
        let template = template?;
        let mut pod = serde_json::json!({
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": object.get("metadata").cloned().unwrap_or(Value::Null),
        });
        // Labels of the template are what pod selectors see.
        if let Some(labels) = template.pointer("/metadata/labels") {
            pod["metadata"]["labels"] = labels.clone();
        }
        if !self.matcher.matches(&pod, operation, namespaces) {
            return None;
        }
        let rule = match &self.rule {
            Some(rule) => std::borrow::Cow::Owned(format!("{prefix}{rule}")),
            None => std::borrow::Cow::Borrowed(""),
        };
        Some((rule, true))
    }
}

/// A pod controller as Kyverno's auto-generated rules see it: `object.spec` and
/// `object.metadata` are its pod template's (`None` for an object without one).
pub(crate) fn pod_template_view(object: &Value) -> Option<Value> {
    let template = if text(object, &["kind"]) == "CronJob" {
        object.pointer("/spec/jobTemplate/spec/template")
    } else {
        object.pointer("/spec/template")
    }?;
    let mut view = object.clone();
    view["spec"] = template.get("spec").cloned().unwrap_or(Value::Null);
    view["metadata"] = template
        .get("metadata")
        .cloned()
        .unwrap_or_else(|| serde_json::json!({}));
    Some(view)
}

/// What a policy document's metadata says about its findings.
struct Reporting {
    title: String,
    description: Option<String>,
    practice: Practice,
    severity: Severity,
    annotations: BTreeMap<String, String>,
}

fn reporting(doc: &Value, default_severity: Severity, name: &str) -> Result<Reporting, String> {
    let annotations = string_map(doc.pointer("/metadata/annotations"));
    let practice = match annotations.get(PRACTICE_ANNOTATION) {
        None => Practice::Iso,
        Some(p) => p
            .parse()
            .map_err(|_| format!("{PRACTICE_ANNOTATION} `{p}` is not a practice code"))?,
    };
    let severity = match annotations
        .get(SEVERITY_ANNOTATION)
        .or_else(|| annotations.get("policies.kyverno.io/severity"))
    {
        None => default_severity,
        Some(s) => s
            .parse()
            .map_err(|_| format!("severity `{s}` is not a severity"))?,
    };
    Ok(Reporting {
        title: annotations
            .get(TITLE_ANNOTATION)
            .or_else(|| annotations.get("policies.kyverno.io/title"))
            .cloned()
            .unwrap_or_else(|| name.to_string()),
        description: annotations
            .get("policies.kyverno.io/description")
            .or_else(|| annotations.get("description"))
            .map(|d| d.split_whitespace().collect::<Vec<_>>().join(" ")),
        practice,
        severity,
        annotations,
    })
}

/// Severity from Kubernetes `validationActions` (`Deny` high, `Warn` medium, `Audit` low).
fn actions_severity(actions: &[String]) -> Severity {
    if actions.iter().any(|a| a == "Deny") {
        Severity::High
    } else if actions.iter().any(|a| a == "Warn") {
        Severity::Medium
    } else if actions.is_empty() {
        Severity::High
    } else {
        Severity::Low
    }
}

pub(crate) fn is_admission_document(doc: &Value) -> bool {
    let api = text(doc, &["apiVersion"]);
    let kind = text(doc, &["kind"]);
    (api.starts_with("admissionregistration.k8s.io/")
        && matches!(
            kind,
            "ValidatingAdmissionPolicy" | "ValidatingAdmissionPolicyBinding"
        ))
        || (api.starts_with("policies.kyverno.io/") && kind == "ValidatingPolicy")
        || (api.starts_with("kyverno.io/") && matches!(kind, "ClusterPolicy" | "Policy"))
}

/// Annotation on a policy giving the title of its findings.
pub const TITLE_ANNOTATION: &str = "palisade.dev/title";

/// A document of a policy file with where it is.
pub(crate) struct Doc<'a> {
    pub file: &'a str,
    pub line: Option<u32>,
    pub value: &'a Value,
}

/// The admission policies among `docs`; `params` are the other documents (parameter
/// objects a binding may refer to).
pub(crate) fn load(docs: &[Doc], params: &[&Value]) -> (Vec<AdmissionPolicy>, Vec<PolicyError>) {
    let mut policies = Vec::new();
    let mut errors = Vec::new();
    let mut vaps: Vec<(&Doc, String)> = Vec::new();
    let mut bindings: Vec<&Doc> = Vec::new();
    for doc in docs {
        let kind = text(doc.value, &["kind"]);
        let name = text(doc.value, &["metadata", "name"]).to_string();
        let err = |m: String| PolicyError::new(doc.file, doc.line, format!("{kind} {name}: {m}"));
        match kind {
            "ValidatingAdmissionPolicy" => vaps.push((doc, name)),
            "ValidatingAdmissionPolicyBinding" => bindings.push(doc),
            "ValidatingPolicy" => match validating_policy(doc, &name) {
                Ok(p) => policies.push(p),
                Err(e) => errors.push(err(e)),
            },
            _ => {
                let (ok, bad) = kyverno_rules(doc, &name, params);
                policies.extend(ok);
                errors.extend(bad.into_iter().map(err));
            }
        }
    }
    for (doc, name) in vaps {
        let err = |m: String| {
            PolicyError::new(
                doc.file,
                doc.line,
                format!("ValidatingAdmissionPolicy {name}: {m}"),
            )
        };
        let mine: Vec<&&Doc> = bindings
            .iter()
            .filter(|b| text(b.value, &["spec", "policyName"]) == name)
            .collect();
        match vap(doc, &name, &mine, params) {
            Ok(p) => policies.extend(p),
            Err(e) => errors.push(err(e)),
        }
    }
    for binding in &bindings {
        let policy = text(binding.value, &["spec", "policyName"]);
        if !docs.iter().any(|d| {
            text(d.value, &["kind"]) == "ValidatingAdmissionPolicy"
                && text(d.value, &["metadata", "name"]) == policy
        }) {
            errors.push(PolicyError::new(
                binding.file,
                binding.line,
                format!(
                    "ValidatingAdmissionPolicyBinding {}: no ValidatingAdmissionPolicy named `{policy}`",
                    text(binding.value, &["metadata", "name"])
                ),
            ));
        }
    }
    (policies, errors)
}

fn fail_closed(spec: &Value) -> bool {
    text(spec, &["failurePolicy"]) != "Ignore"
}
