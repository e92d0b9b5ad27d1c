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

use std::collections::BTreeMap;

use palisade_core::{Practice, Severity};
use serde_json::Value;

use crate::cel::CelPolicy;
use crate::gatekeeper::{group_version, Selector, PRACTICE_ANNOTATION, SEVERITY_ANNOTATION};
use crate::json::{items as list, string_map, strings, text};
use crate::PolicyError;

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

    /// The object the policy judges for `object`, and the rule name Kyverno reports for it
    /// (`autogen-…` for a controller's pod template); `None` when it does not match.
    pub(crate) fn view(
        &self,
        object: &Value,
        operation: &str,
        namespaces: &BTreeMap<String, BTreeMap<String, String>>,
    ) -> Option<(std::borrow::Cow<'_, str>, Option<Value>)> {
        if let Some(ns) = &self.namespace {
            if text(object, &["metadata", "namespace"]) != ns {
                return None;
            }
        }
        if self.matcher.matches(object, operation, namespaces) {
            let rule = self.rule.as_deref().unwrap_or_default();
            return Some((std::borrow::Cow::Borrowed(rule), None));
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
        // Kyverno rewrites `object.spec` and `object.metadata` to the pod template's.
        let mut view = object.clone();
        view["spec"] = template.get("spec").cloned().unwrap_or(Value::Null);
        view["metadata"] = template
            .get("metadata")
            .cloned()
            .unwrap_or_else(|| serde_json::json!({}));
        let rule = match &self.rule {
            Some(rule) => std::borrow::Cow::Owned(format!("{prefix}{rule}")),
            None => std::borrow::Cow::Borrowed(""),
        };
        Some((rule, Some(view)))
    }
}

/// Whether `object` is of a cluster-scoped kind (no namespace).
pub(crate) fn is_cluster_scoped(object: &Value) -> bool {
    palisade_core::kinds::is_cluster_scoped(text(object, &["kind"]))
}

/// Kubernetes' plural resource name of a kind (`NetworkPolicy` → `networkpolicies`).
pub(crate) fn resource_of(kind: &str) -> String {
    let lower = kind.to_ascii_lowercase();
    if lower.ends_with("ss")
        || lower.ends_with("sh")
        || lower.ends_with("ch")
        || lower.ends_with('x')
    {
        format!("{lower}es")
    } else if lower.ends_with('s') {
        lower
    } else if let Some(stem) = lower
        .strip_suffix('y')
        .filter(|s| !s.ends_with(['a', 'e', 'i', 'o', 'u']))
    {
        format!("{stem}ies")
    } else {
        format!("{lower}s")
    }
}

/// One `resourceRules` entry of a VAP / ValidatingPolicy.
#[derive(Debug, Clone)]
pub(crate) struct ResourceRule {
    groups: Vec<String>,
    versions: Vec<String>,
    resources: Vec<String>,
    operations: Vec<String>,
    names: Vec<String>,
}

impl ResourceRule {
    fn from(value: &Value) -> ResourceRule {
        ResourceRule {
            groups: strings(value.get("apiGroups")),
            versions: strings(value.get("apiVersions")),
            resources: strings(value.get("resources")),
            operations: strings(value.get("operations")),
            names: strings(value.get("resourceNames")),
        }
    }

    fn matches(&self, object: &Value, operation: &str) -> bool {
        let (group, version) = group_version(text(object, &["apiVersion"]));
        let resource = resource_of(text(object, &["kind"]));
        let any = |list: &[String], value: &str| list.iter().any(|x| x == "*" || x == value);
        any(&self.groups, group)
            && (self.versions.is_empty() || any(&self.versions, version))
            && self.resources.iter().any(|r| {
                r == "*" || r == &resource || r.strip_suffix("/*") == Some(resource.as_str())
            })
            && (self.operations.is_empty() || any(&self.operations, operation))
            && (self.names.is_empty() || any(&self.names, text(object, &["metadata", "name"])))
    }
}

/// A Kyverno `resources` block of `match`/`exclude`.
#[derive(Debug, Clone, Default)]
pub(crate) struct KyvernoResources {
    kinds: Vec<String>,
    names: Vec<String>,
    namespaces: Vec<String>,
    operations: Vec<String>,
    annotations: BTreeMap<String, String>,
    selector: Option<Selector>,
    namespace_selector: Option<Selector>,
}

impl KyvernoResources {
    fn from(value: &Value, field: &str) -> Result<KyvernoResources, String> {
        let mut names = strings(value.get("names"));
        if let Some(name) = value.get("name").and_then(Value::as_str) {
            names.push(name.to_string());
        }
        Ok(KyvernoResources {
            kinds: strings(value.get("kinds")),
            names,
            namespaces: strings(value.get("namespaces")),
            operations: strings(value.get("operations")),
            annotations: string_map(value.get("annotations")),
            selector: value
                .get("selector")
                .map(|s| Selector::from(s, &format!("{field}.selector")))
                .transpose()?,
            namespace_selector: value
                .get("namespaceSelector")
                .map(|s| Selector::from(s, &format!("{field}.namespaceSelector")))
                .transpose()?,
        })
    }

    fn matches(
        &self,
        object: &Value,
        operation: &str,
        namespaces: &BTreeMap<String, BTreeMap<String, String>>,
    ) -> bool {
        let kind = text(object, &["kind"]);
        let (group, version) = group_version(text(object, &["apiVersion"]));
        if !self.kinds.is_empty()
            && !self
                .kinds
                .iter()
                .any(|k| kyverno_kind_matches(k, group, version, kind))
        {
            return false;
        }
        let name = text(object, &["metadata", "name"]);
        if !self.names.is_empty() && !self.names.iter().any(|p| wildcard(p, name)) {
            return false;
        }
        let namespace = text(object, &["metadata", "namespace"]);
        let own_namespace = if kind == "Namespace" { name } else { namespace };
        if !self.namespaces.is_empty()
            && !self.namespaces.iter().any(|p| wildcard(p, own_namespace))
        {
            return false;
        }
        if !self.operations.is_empty() && !self.operations.iter().any(|o| o == operation) {
            return false;
        }
        if !self.annotations.is_empty() {
            let annotations = string_map(object.pointer("/metadata/annotations"));
            if !self.annotations.iter().all(|(k, v)| {
                annotations
                    .iter()
                    .any(|(ak, av)| wildcard(k, ak) && wildcard(v, av))
            }) {
                return false;
            }
        }
        if let Some(selector) = &self.selector {
            if !selector.matches(&string_map(object.pointer("/metadata/labels"))) {
                return false;
            }
        }
        if let Some(selector) = &self.namespace_selector {
            let labels = if kind == "Namespace" {
                Some(string_map(object.pointer("/metadata/labels")))
            } else {
                namespaces.get(own_namespace).cloned()
            };
            if !labels.is_some_and(|l| selector.matches(&l)) {
                return false;
            }
        }
        true
    }
}

/// Kyverno's kind spellings: `Pod`, `v1/Pod`, `apps/v1/Deployment`, `*`, `apps/*/Deployment`.
fn kyverno_kind_matches(pattern: &str, group: &str, version: &str, kind: &str) -> bool {
    // A subresource (`Pod/exec`) never matches the object itself.
    let parts: Vec<&str> = pattern.split('/').collect();
    let (g, v, k) = match parts.as_slice() {
        [k] => ("*", "*", *k),
        [v, k] if k.chars().next().is_some_and(char::is_uppercase) || *k == "*" => ("*", *v, *k),
        [g, v, k] => (*g, *v, *k),
        _ => return false,
    };
    let g = if parts.len() == 2 && v == "v1" { "" } else { g };
    wildcard(k, kind) && (g == "*" || g == group) && (v == "*" || wildcard(v, version))
}

/// `*` and `?` wildcards, as Kyverno matches names.
fn wildcard(pattern: &str, value: &str) -> bool {
    palisade_core::text::wildcard_match(pattern, value, false)
}

/// Which objects a policy applies to.
#[derive(Debug, Clone)]
pub(crate) enum Resources {
    /// `matchConstraints` (+ a binding's `matchResources`, all of which must match).
    Rules { all: Vec<RuleSet> },
    /// Kyverno `match` and `exclude`.
    Kyverno {
        any: Vec<KyvernoResources>,
        all: Vec<KyvernoResources>,
        exclude_any: Vec<KyvernoResources>,
        exclude_all: Vec<KyvernoResources>,
    },
}

#[derive(Debug, Clone, Default)]
pub(crate) struct RuleSet {
    rules: Vec<ResourceRule>,
    exclude: Vec<ResourceRule>,
    namespace_selector: Option<Selector>,
    object_selector: Option<Selector>,
    /// Whether `resourceRules` was given: an absent list matches everything (bindings).
    restricts: bool,
}

impl RuleSet {
    fn from(value: Option<&Value>, field: &str) -> Result<RuleSet, String> {
        let Some(value) = value.filter(|v| !v.is_null()) else {
            return Ok(RuleSet::default());
        };
        Ok(RuleSet {
            restricts: value.get("resourceRules").is_some(),
            rules: list(value, "resourceRules")
                .map(ResourceRule::from)
                .collect(),
            exclude: list(value, "excludeResourceRules")
                .map(ResourceRule::from)
                .collect(),
            namespace_selector: value
                .get("namespaceSelector")
                .map(|s| Selector::from(s, &format!("{field}.namespaceSelector")))
                .transpose()?,
            object_selector: value
                .get("objectSelector")
                .map(|s| Selector::from(s, &format!("{field}.objectSelector")))
                .transpose()?,
        })
    }

    fn matches(
        &self,
        object: &Value,
        operation: &str,
        namespaces: &BTreeMap<String, BTreeMap<String, String>>,
    ) -> bool {
        if self.restricts && !self.rules.iter().any(|r| r.matches(object, operation)) {
            return false;
        }
        if self.exclude.iter().any(|r| r.matches(object, operation)) {
            return false;
        }
        if let Some(selector) = &self.object_selector {
            if !selector.matches(&string_map(object.pointer("/metadata/labels"))) {
                return false;
            }
        }
        if let Some(selector) = &self.namespace_selector {
            let namespace = text(object, &["metadata", "namespace"]);
            let kind = text(object, &["kind"]);
            // Cluster-scoped objects other than Namespaces are not filtered by it.
            if kind == "Namespace" {
                if !selector.matches(&string_map(object.pointer("/metadata/labels"))) {
                    return false;
                }
            } else if !namespace.is_empty() {
                // A namespace the scan has no object for has no labels.
                let empty = BTreeMap::new();
                if !selector.matches(namespaces.get(namespace).unwrap_or(&empty)) {
                    return false;
                }
            }
        }
        true
    }
}

impl Resources {
    pub(crate) fn matches(
        &self,
        object: &Value,
        operation: &str,
        namespaces: &BTreeMap<String, BTreeMap<String, String>>,
    ) -> bool {
        match self {
            Resources::Rules { all } => {
                all.iter().all(|r| r.matches(object, operation, namespaces))
            }
            Resources::Kyverno {
                any,
                all,
                exclude_any,
                exclude_all,
            } => {
                let m = |r: &KyvernoResources| r.matches(object, operation, namespaces);
                let matched = (any.is_empty() || any.iter().any(m))
                    && all.iter().all(m)
                    && !(any.is_empty() && all.is_empty());
                let excluded = exclude_any.iter().any(m)
                    || (!exclude_all.is_empty() && exclude_all.iter().all(m));
                matched && !excluded
            }
        }
    }

    /// Whether the policy matches Pods only by kind, so that Kyverno auto-generates it for
    /// pod controllers.
    fn is_pod_only(&self) -> bool {
        let pod = |k: &String| k == "Pod" || k == "v1/Pod";
        match self {
            Resources::Rules { all } => all.first().is_some_and(|set| {
                !set.rules.is_empty()
                    && set.rules.iter().all(|r| {
                        r.resources.iter().all(|x| x == "pods")
                            && r.groups.iter().all(String::is_empty)
                    })
            }),
            Resources::Kyverno { any, all, .. } => {
                let blocks: Vec<&KyvernoResources> = any.iter().chain(all.iter()).collect();
                !blocks.is_empty()
                    && blocks.iter().all(|b| {
                        !b.kinds.is_empty() && b.kinds.iter().all(pod) && b.names.is_empty()
                    })
            }
        }
    }
}

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
                let (ok, bad) = kyverno_rules(doc, &name);
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

fn vap(
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
                Some(kind) => Some(binding_params(kind, bspec, params).map_err(|e| {
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

/// The parameter objects a binding's `paramRef` selects among `candidates`.
fn binding_params(kind: &Value, spec: &Value, candidates: &[&Value]) -> Result<Vec<Value>, String> {
    let api = text(kind, &["apiVersion"]);
    let kind = text(kind, &["kind"]);
    let reference = spec
        .get("paramRef")
        .ok_or("the policy has a paramKind but the binding no paramRef")?;
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

fn validating_policy(doc: &Doc, name: &str) -> Result<AdmissionPolicy, String> {
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
fn kyverno_rules(doc: &Doc, name: &str) -> (Vec<AdmissionPolicy>, Vec<String>) {
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
            if cel_spec.get("paramKind").is_some() {
                return Err(
                    "validate.cel.paramKind needs parameter objects from the cluster".into(),
                );
            }
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
                params: None,
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

fn fail_closed(spec: &Value) -> bool {
    text(spec, &["failurePolicy"]) != "Ignore"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plural_resources() {
        for (kind, resource) in [
            ("Pod", "pods"),
            ("Ingress", "ingresses"),
            ("NetworkPolicy", "networkpolicies"),
            ("Endpoints", "endpoints"),
            ("StorageClass", "storageclasses"),
            ("Gateway", "gateways"),
        ] {
            assert_eq!(resource_of(kind), resource);
        }
    }

    #[test]
    fn kyverno_kinds_and_wildcards() {
        assert!(kyverno_kind_matches("Pod", "", "v1", "Pod"));
        assert!(kyverno_kind_matches("v1/Pod", "", "v1", "Pod"));
        assert!(kyverno_kind_matches(
            "apps/v1/Deployment",
            "apps",
            "v1",
            "Deployment"
        ));
        assert!(!kyverno_kind_matches(
            "apps/v1/Deployment",
            "",
            "v1",
            "Deployment"
        ));
        assert!(kyverno_kind_matches("*", "apps", "v1", "StatefulSet"));
        assert!(!kyverno_kind_matches("Pod/exec", "", "v1", "Pod"));
        assert!(wildcard("kube-*", "kube-system"));
        assert!(wildcard("a?c", "abc"));
        assert!(!wildcard("kube-*", "default"));
    }
}
