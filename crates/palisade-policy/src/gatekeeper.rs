//! Gatekeeper's model: ConstraintTemplates (`templates.gatekeeper.sh`) that carry a policy,
//! constraints (`constraints.gatekeeper.sh`) that bind a template to parameters and to the
//! objects they `match`, and the `input` a template sees for one object.

use std::collections::BTreeMap;
use std::sync::Arc;

use palisade_core::{Practice, Severity};
use serde_json::{json, Value};

use crate::cel::CelPolicy;
use crate::json::{string_map, strings, text};
use crate::rego::RegoPolicy;
use crate::{PolicyError, Subject};

/// The admission target every library template is written for.
pub const ADMISSION_TARGET: &str = "admission.k8s.gatekeeper.sh";
/// Annotation on a constraint or template naming the practice of its findings.
pub const PRACTICE_ANNOTATION: &str = "palisade.dev/practice";
/// Annotation on a constraint or template giving the severity of its findings.
pub const SEVERITY_ANNOTATION: &str = "palisade.dev/severity";

/// A ConstraintTemplate: the constraint kind it defines and its compiled Rego.
pub struct Template {
    /// `metadata.name`.
    pub name: String,
    /// The constraint kind it defines (`spec.crd.spec.names.kind`).
    pub kind: String,
    pub file: String,
    pub line: Option<u32>,
    /// `metadata.gatekeeper.sh/title`, else the kind.
    pub title: String,
    pub description: Option<String>,
    pub annotations: BTreeMap<String, String>,
    /// `None` when the template has no Rego engine (CEL only).
    pub(crate) rego: Option<RegoPolicy>,
    /// The `K8sNativeValidation` engine (CEL), when the template has one.
    pub(crate) cel: Option<CelPolicy>,
}

impl Template {
    /// The engines the template carries, as `gator` names them.
    pub fn engines(&self) -> Vec<&'static str> {
        let mut engines = Vec::new();
        if self.rego.is_some() {
            engines.push("rego");
        }
        if self.cel.is_some() {
            engines.push("cel");
        }
        engines
    }
}

impl std::fmt::Debug for Template {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Template")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .field("file", &self.file)
            .field("rego", &self.rego.is_some())
            .field("cel", &self.cel.is_some())
            .finish()
    }
}

/// What happens to a request a constraint denies: the severity of its findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnforcementAction {
    Deny,
    Warn,
    Dryrun,
}

impl EnforcementAction {
    pub fn severity(self) -> Severity {
        match self {
            EnforcementAction::Deny => Severity::High,
            EnforcementAction::Warn => Severity::Medium,
            EnforcementAction::Dryrun => Severity::Low,
        }
    }
}

/// A constraint: a template applied with parameters to the objects it matches.
#[derive(Debug)]
pub struct Constraint {
    pub kind: String,
    pub name: String,
    pub file: String,
    pub line: Option<u32>,
    pub template: Arc<Template>,
    pub parameters: Value,
    pub matcher: Match,
    pub enforcement_action: EnforcementAction,
    pub practice: Practice,
    pub severity: Severity,
}

impl Constraint {
    /// The rule id of its findings.
    pub fn rule_id(&self) -> String {
        format!("POL:{}/{}", self.kind, self.name)
    }
}

/// Reads a ConstraintTemplate; `Ok(None)` is not an error but nothing to run for the
/// admission target (a template for another target).
pub(crate) fn template_from(
    doc: &Value,
    file: &str,
    line: Option<u32>,
) -> Result<Template, PolicyError> {
    let name = text(doc, &["metadata", "name"]).to_string();
    let err = |message: String| {
        PolicyError::new(file, line, format!("ConstraintTemplate {name}: {message}"))
    };
    let kind = text(doc, &["spec", "crd", "spec", "names", "kind"]).to_string();
    if kind.is_empty() {
        return Err(err("spec.crd.spec.names.kind is missing".into()));
    }
    let annotations = string_map(doc.pointer("/metadata/annotations"));
    let targets = doc
        .pointer("/spec/targets")
        .and_then(Value::as_array)
        .ok_or_else(|| err("spec.targets is missing".into()))?;
    let target = targets
        .iter()
        .find(|t| text(t, &["target"]) == ADMISSION_TARGET)
        .ok_or_else(|| err(format!("no target {ADMISSION_TARGET}")))?;
    // Two shapes: `rego` + `libs` on the target, or `code: [{engine: Rego, source: {...}}]`.
    let mut source = None;
    if let Some(rego) = target.get("rego").and_then(Value::as_str) {
        source = Some((rego.to_string(), strings(target.get("libs"))));
    }
    let mut engines = Vec::new();
    let mut cel = None;
    for code in target
        .get("code")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let engine = text(code, &["engine"]);
        engines.push(engine.to_string());
        if engine == "Rego" && source.is_none() {
            let rego = text(code, &["source", "rego"]);
            if rego.is_empty() {
                return Err(err("the Rego engine's source.rego is missing".into()));
            }
            source = Some((rego.to_string(), strings(code.pointer("/source/libs"))));
        }
        if engine == "K8sNativeValidation" && cel.is_none() {
            let policy = code
                .get("source")
                .ok_or_else(|| err("the K8sNativeValidation engine has no source".into()))
                .and_then(|source| {
                    CelPolicy::from_spec(source, "validations")
                        .map_err(|e| err(format!("K8sNativeValidation source: {e}")))
                })?;
            if policy.is_empty() {
                return Err(err(
                    "the K8sNativeValidation engine has no validations".into()
                ));
            }
            cel = Some(policy);
        }
    }
    let rego = match source {
        Some((rego, libs)) => Some(RegoPolicy::compile(&rego, &libs).map_err(err)?),
        None if engines.is_empty() => return Err(err("no policy: neither rego nor code".into())),
        None if cel.is_some() => None,
        None => {
            return Err(err(format!(
            "has no engine Palisade evaluates (only {}); it evaluates Rego and K8sNativeValidation",
            engines.join(", ")
        )))
        }
    };
    Ok(Template {
        title: annotations
            .get("metadata.gatekeeper.sh/title")
            .cloned()
            .unwrap_or_else(|| kind.clone()),
        description: annotations.get("description").map(|d| d.trim().to_string()),
        name,
        kind,
        file: file.to_string(),
        line,
        annotations,
        rego,
        cel,
    })
}

/// Reads a constraint bound to `template`.
pub(crate) fn constraint_from(
    doc: &Value,
    file: &str,
    line: Option<u32>,
    template: Arc<Template>,
) -> Result<Constraint, PolicyError> {
    let kind = text(doc, &["kind"]).to_string();
    let name = text(doc, &["metadata", "name"]).to_string();
    let err = |message: String| PolicyError::new(file, line, format!("{kind} {name}: {message}"));
    let spec = doc.get("spec").cloned().unwrap_or(Value::Null);
    let matcher = Match::from(spec.get("match")).map_err(err)?;
    let enforcement_action = match text(&spec, &["enforcementAction"]) {
        "" | "deny" => EnforcementAction::Deny,
        "warn" => EnforcementAction::Warn,
        "dryrun" => EnforcementAction::Dryrun,
        "scoped" => EnforcementAction::Deny,
        other => {
            return Err(err(format!(
                "enforcementAction `{other}` is not deny, warn, dryrun or scoped"
            )))
        }
    };
    let annotations = string_map(doc.pointer("/metadata/annotations"));
    let pick = |key: &str| {
        annotations
            .get(key)
            .or_else(|| template.annotations.get(key))
            .cloned()
    };
    let practice = match pick(PRACTICE_ANNOTATION) {
        None => Practice::Iso,
        Some(p) => p.parse().map_err(|_| {
            err(format!(
                "{PRACTICE_ANNOTATION} `{p}` is not a practice code"
            ))
        })?,
    };
    let severity = match pick(SEVERITY_ANNOTATION) {
        None => enforcement_action.severity(),
        Some(s) => s
            .parse()
            .map_err(|_| err(format!("{SEVERITY_ANNOTATION} `{s}` is not a severity")))?,
    };
    Ok(Constraint {
        parameters: spec
            .get("parameters")
            .filter(|p| !p.is_null())
            .cloned()
            .unwrap_or_else(|| json!({})),
        kind,
        name,
        file: file.to_string(),
        line,
        template,
        matcher,
        enforcement_action,
        practice,
        severity,
    })
}

/// Which objects a constraint applies to (`spec.match`).
#[derive(Debug, Default)]
pub struct Match {
    /// (apiGroups, kinds) pairs; empty: every kind.
    kinds: Vec<(Vec<String>, Vec<String>)>,
    namespaces: Option<Vec<String>>,
    excluded_namespaces: Option<Vec<String>>,
    label_selector: Option<Selector>,
    namespace_selector: Option<Selector>,
    scope: Scope,
    name: Option<String>,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Scope {
    #[default]
    All,
    Cluster,
    Namespaced,
}

/// A Kubernetes label selector (`matchLabels`, `matchExpressions`).
#[derive(Debug, Default, Clone)]
pub(crate) struct Selector {
    labels: BTreeMap<String, String>,
    expressions: Vec<(String, Operator, Vec<String>)>,
}

#[derive(Debug, Clone, Copy)]
enum Operator {
    In,
    NotIn,
    Exists,
    DoesNotExist,
}

impl Selector {
    /// Reads a selector; `field` names it in errors.
    pub(crate) fn from(value: &Value, field: &str) -> Result<Selector, String> {
        let mut selector = Selector {
            labels: string_map(value.get("matchLabels")),
            ..Selector::default()
        };
        for e in value
            .get("matchExpressions")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let operator = match text(e, &["operator"]) {
                "In" => Operator::In,
                "NotIn" => Operator::NotIn,
                "Exists" => Operator::Exists,
                "DoesNotExist" => Operator::DoesNotExist,
                other => {
                    return Err(format!(
                        "{field}.matchExpressions: operator `{other}` is not In, NotIn, Exists or DoesNotExist"
                    ))
                }
            };
            selector.expressions.push((
                text(e, &["key"]).to_string(),
                operator,
                strings(e.get("values")),
            ));
        }
        Ok(selector)
    }

    pub(crate) fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.labels.iter().all(|(k, v)| labels.get(k) == Some(v))
            && self.expressions.iter().all(|(key, op, values)| {
                let value = labels.get(key);
                match op {
                    Operator::In => value.is_some_and(|v| values.contains(v)),
                    Operator::NotIn => value.is_none_or(|v| !values.contains(v)),
                    Operator::Exists => value.is_some(),
                    Operator::DoesNotExist => value.is_none(),
                }
            })
    }
}

impl Match {
    fn from(value: Option<&Value>) -> Result<Match, String> {
        let Some(value) = value.filter(|v| !v.is_null()) else {
            return Ok(Match::default());
        };
        let list = |key: &str| -> Result<Option<Vec<String>>, String> {
            match value.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::Array(_)) => Ok(Some(strings(value.get(key)))),
                Some(_) => Err(format!("spec.match.{key} must be a list of strings")),
            }
        };
        let mut kinds = Vec::new();
        for k in value
            .get("kinds")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            kinds.push((strings(k.get("apiGroups")), strings(k.get("kinds"))));
        }
        let scope = match text(value, &["scope"]) {
            "" | "*" => Scope::All,
            "Cluster" => Scope::Cluster,
            "Namespaced" => Scope::Namespaced,
            other => {
                return Err(format!(
                    "spec.match.scope `{other}` is not *, Cluster or Namespaced"
                ))
            }
        };
        Ok(Match {
            kinds,
            namespaces: list("namespaces")?,
            excluded_namespaces: list("excludedNamespaces")?,
            label_selector: value
                .get("labelSelector")
                .map(|s| Selector::from(s, "spec.match.labelSelector"))
                .transpose()?,
            namespace_selector: value
                .get("namespaceSelector")
                .map(|s| Selector::from(s, "spec.match.namespaceSelector"))
                .transpose()?,
            scope,
            name: Some(text(value, &["name"]).to_string()).filter(|n| !n.is_empty()),
        })
    }

    /// Whether the constraint applies to `object`; `namespaces` gives the labels of the
    /// Namespace objects known to the scan, for `namespaceSelector`.
    pub fn matches(
        &self,
        object: &Value,
        namespaces: &BTreeMap<String, BTreeMap<String, String>>,
    ) -> bool {
        let (group, _) = group_version(text(object, &["apiVersion"]));
        let kind = text(object, &["kind"]);
        if !self.kinds.is_empty()
            && !self.kinds.iter().any(|(groups, kinds)| {
                (groups.is_empty() || groups.iter().any(|g| g == "*" || g == group))
                    && (kinds.is_empty() || kinds.iter().any(|k| k == "*" || k == kind))
            })
        {
            return false;
        }
        let namespace = text(object, &["metadata", "namespace"]);
        let is_namespace = kind == "Namespace" && group.is_empty();
        let cluster_scoped = namespace.is_empty() && !is_namespace;
        match self.scope {
            Scope::Cluster if !namespace.is_empty() => return false,
            Scope::Namespaced if namespace.is_empty() => return false,
            _ => {}
        }
        // A Namespace is matched by its own name; other cluster-scoped objects ignore the
        // namespace criteria, as Gatekeeper does.
        let own_namespace = if is_namespace {
            text(object, &["metadata", "name"])
        } else {
            namespace
        };
        if !cluster_scoped {
            if let Some(list) = &self.namespaces {
                if !list.iter().any(|p| glob_matches(p, own_namespace)) {
                    return false;
                }
            }
            if let Some(list) = &self.excluded_namespaces {
                if list.iter().any(|p| glob_matches(p, own_namespace)) {
                    return false;
                }
            }
        }
        let labels = string_map(object.pointer("/metadata/labels"));
        if let Some(selector) = &self.label_selector {
            if !selector.matches(&labels) {
                return false;
            }
        }
        if let Some(selector) = &self.namespace_selector {
            if cluster_scoped {
                return false;
            }
            let ns_labels = if is_namespace {
                Some(labels.clone())
            } else {
                namespaces.get(own_namespace).cloned()
            };
            if !ns_labels.is_some_and(|l| selector.matches(&l)) {
                return false;
            }
        }
        if let Some(pattern) = &self.name {
            let name = text(object, &["metadata", "name"]);
            if !glob_matches(pattern, name) {
                return false;
            }
        }
        true
    }
}

/// Gatekeeper's wildcards: `prefix*`, `*suffix`, or both.
fn glob_matches(pattern: &str, value: &str) -> bool {
    match (pattern.strip_prefix('*'), pattern.strip_suffix('*')) {
        _ if pattern == "*" => true,
        (Some(rest), _) if rest.ends_with('*') => value.contains(&rest[..rest.len() - 1]),
        (Some(suffix), _) => value.ends_with(suffix),
        (None, Some(prefix)) => value.starts_with(prefix),
        (None, None) => pattern == value,
    }
}

/// `apps/v1` → (`apps`, `v1`); `v1` → (``, `v1`).
pub(crate) fn group_version(api_version: &str) -> (&str, &str) {
    api_version.rsplit_once('/').unwrap_or(("", api_version))
}

/// Gatekeeper's `input.review` for one object (an AdmissionReview request).
pub(crate) fn review(subject: &Subject) -> Value {
    let object = &subject.object;
    let (group, version) = group_version(text(object, &["apiVersion"]));
    let mut review = json!({
        "kind": {"group": group, "version": version, "kind": text(object, &["kind"])},
        "name": text(object, &["metadata", "name"]),
        "namespace": text(object, &["metadata", "namespace"]),
        "operation": subject.operation,
        "object": object,
    });
    if let Some(old) = &subject.old_object {
        review["oldObject"] = old.clone();
    }
    if let Some(user) = &subject.user_info {
        review["userInfo"] = user.clone();
    }
    review
}

/// `data.inventory` as Gatekeeper syncs it: `namespace.<ns>.<apiVersion>.<kind>.<name>` and
/// `cluster.<apiVersion>.<kind>.<name>`.
pub(crate) fn inventory<'a>(objects: impl Iterator<Item = &'a Value>) -> Value {
    let mut cluster = serde_json::Map::new();
    let mut namespaced = serde_json::Map::new();
    for object in objects {
        let api_version = text(object, &["apiVersion"]);
        let kind = text(object, &["kind"]);
        let name = text(object, &["metadata", "name"]);
        if api_version.is_empty() || kind.is_empty() || name.is_empty() {
            continue;
        }
        let namespace = text(object, &["metadata", "namespace"]);
        let root = if namespace.is_empty() {
            &mut cluster
        } else {
            namespaced
                .entry(namespace.to_string())
                .or_insert_with(|| json!({}))
                .as_object_mut()
                .expect("inserted as an object")
        };
        let by_kind = root
            .entry(api_version.to_string())
            .or_insert_with(|| json!({}))
            .as_object_mut()
            .expect("inserted as an object")
            .entry(kind.to_string())
            .or_insert_with(|| json!({}));
        if let Some(map) = by_kind.as_object_mut() {
            map.insert(name.to_string(), object.clone());
        }
    }
    json!({"inventory": {"cluster": cluster, "namespace": namespaced}})
}

/// The labels of the Namespace objects among `objects`, by name.
pub(crate) fn namespace_labels<'a>(
    objects: impl Iterator<Item = &'a Value>,
) -> BTreeMap<String, BTreeMap<String, String>> {
    objects
        .filter(|o| text(o, &["kind"]) == "Namespace" && text(o, &["apiVersion"]) == "v1")
        .map(|o| {
            (
                text(o, &["metadata", "name"]).to_string(),
                string_map(o.pointer("/metadata/labels")),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(namespace: &str, labels: Value) -> Value {
        json!({"apiVersion": "v1", "kind": "Pod",
               "metadata": {"name": "web-1", "namespace": namespace, "labels": labels}})
    }

    #[test]
    fn match_criteria_follow_gatekeeper() {
        let m = Match::from(Some(&json!({
            "kinds": [{"apiGroups": [""], "kinds": ["Pod"]}],
            "excludedNamespaces": ["kube-*"],
            "labelSelector": {"matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["system"]}]},
            "name": "web-*"
        })))
        .unwrap();
        let none = BTreeMap::new();
        assert!(m.matches(&pod("shop", json!({"tier": "front"})), &none));
        assert!(!m.matches(&pod("kube-system", json!({})), &none));
        assert!(!m.matches(&pod("shop", json!({"tier": "system"})), &none));
        let deployment =
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web-1"}});
        assert!(!m.matches(&deployment, &none));
    }

    #[test]
    fn namespace_selector_reads_the_scanned_namespaces() {
        let m = Match::from(Some(
            &json!({"namespaceSelector": {"matchLabels": {"env": "prod"}}}),
        ))
        .unwrap();
        let objects = [
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop", "labels": {"env": "prod"}}}),
        ];
        let namespaces = namespace_labels(objects.iter());
        assert!(m.matches(&pod("shop", json!({})), &namespaces));
        assert!(!m.matches(&pod("dev", json!({})), &namespaces));
        assert!(m.matches(&objects[0], &namespaces));
    }

    #[test]
    fn scope_and_cluster_scoped_objects() {
        let m = Match::from(Some(
            &json!({"scope": "Namespaced", "namespaces": ["shop"]}),
        ))
        .unwrap();
        let role = json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "r"}});
        let none = BTreeMap::new();
        assert!(!m.matches(&role, &none));
        let any = Match::from(Some(&json!({"namespaces": ["shop"]}))).unwrap();
        assert!(
            any.matches(&role, &none),
            "cluster-scoped objects ignore namespaces"
        );
        assert!(Match::from(Some(&json!({"scope": "Sometimes"}))).is_err());
    }
}
