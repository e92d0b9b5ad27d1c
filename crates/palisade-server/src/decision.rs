//! One admission decision: the object of a request scanned by the engine, its findings
//! split into those that block (at or above `block_at`) and those that only warn.

use std::collections::BTreeMap;

use palisade_core::Finding;
use palisade_engine::Engine;

use crate::cluster::ClusterView;
use crate::config::{Mode, WebhookSettings};
use crate::review::{AdmissionRequest, AdmissionResponse, Operation, Status};

/// At most this many warnings go back to the client (the API server truncates more, and
/// kubectl prints each on its own line).
const MAX_WARNINGS: usize = 20;
/// The API server drops warnings longer than this; longer ones are cut here instead.
const MAX_WARNING_CHARS: usize = 256;

/// Rules whose verdict depends on objects other than the one under review (the namespace's
/// NetworkPolicies, the workloads a policy selects, the Roles a binding names, the
/// permissions of a workload's service account). Without a view of the cluster they would
/// report what is merely unseen: they run only with `--cluster`, against the server's
/// [`palisade_engine::ClusterIndex`].
pub const NEEDS_CLUSTER_VIEW: &[&str] = palisade_engine::CLUSTER_CONTEXT_RULES;

/// The rules `/validate` applies: the rules that judge one Kubernetes object, and with a
/// view of the cluster (`with_cluster`) those that need the rest of it
/// ([`NEEDS_CLUSTER_VIEW`]).
pub fn admission_rules(with_cluster: bool) -> Vec<&'static palisade_core::RuleMeta> {
    palisade_engine::object_rules()
        .into_iter()
        .filter(|r| with_cluster || !NEEDS_CLUSTER_VIEW.contains(&r.id))
        .collect()
}

/// Why a request was decided the way it was, for logs and metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// The object was scanned.
    Scanned,
    /// DELETE or CONNECT: nothing new enters the cluster.
    Operation,
    /// The namespace is exempt.
    ExemptNamespace,
    /// The requesting user or one of their groups is exempt.
    ExemptUser,
}

impl Basis {
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Scanned => "scanned",
            Basis::Operation => "operation",
            Basis::ExemptNamespace => "exempt_namespace",
            Basis::ExemptUser => "exempt_user",
        }
    }
}

/// A decision and what it was based on.
#[derive(Debug)]
pub struct Decision {
    pub response: AdmissionResponse,
    pub basis: Basis,
    /// Rule ids of the blocking findings.
    pub blocking: Vec<String>,
    /// Rule ids of the findings returned as warnings.
    pub warning_rules: Vec<String>,
    /// Context rules that could judge the object but were not evaluated, because the
    /// server's view of the cluster lacks the kinds they read.
    pub not_evaluated: Vec<String>,
}

/// `RULE field: message`, or `RULE: message` when the finding has no field path.
pub fn describe(finding: &Finding) -> String {
    match finding.location.field.as_deref() {
        Some(field) if !field.is_empty() => {
            format!("{} {field}: {}", finding.rule_id, finding.message)
        }
        _ => format!("{}: {}", finding.rule_id, finding.message),
    }
}

fn truncate(mut text: String, max: usize) -> String {
    if text.chars().count() > max {
        text = text.chars().take(max - 1).collect();
        text.push('…');
    }
    text
}

/// The findings of the user policies on the request: the object with its operation, old
/// object and user, as Gatekeeper, Kubernetes and Kyverno see it. A policy that cannot be
/// evaluated is a finding that denies (the webhook fails closed on it).
fn judge_policies(
    policies: &palisade_policy::PolicySet,
    request: &AdmissionRequest,
    object: &serde_json::Value,
    scan: &palisade_engine::ObjectScan,
) -> (Vec<Finding>, Vec<(String, String)>) {
    let subject = palisade_policy::Subject {
        object: object.clone(),
        operation: request.operation.as_str().to_string(),
        old_object: request.old_object.clone().filter(|o| !o.is_null()),
        user_info: Some(serde_json::json!({
            "username": request.user_info.username,
            "uid": request.user_info.uid,
            "groups": request.user_info.groups,
        })),
        origin: format!("request {}", request.uid),
    };
    let evaluation = policies.evaluate(std::slice::from_ref(&subject), &[]);
    let name = scan.names.first().cloned().unwrap_or_default();
    let location = || palisade_core::Location {
        path: name.clone(),
        resource: Some(name.clone()),
        ..palisade_core::Location::default()
    };
    let mut out: Vec<Finding> = evaluation
        .violations
        .iter()
        .map(|v| {
            policies.finding(
                v,
                palisade_core::Location {
                    field: v.field_path(),
                    ..location()
                },
            )
        })
        .collect();
    for error in evaluation.errors {
        out.push(Finding {
            rule_id: "POL:error".into(),
            practice: palisade_core::Practice::Iso,
            severity: palisade_core::Severity::Critical,
            title: "Policy not evaluated".into(),
            message: format!("a policy could not be evaluated: {}", error.message),
            location: location(),
            remediation: None,
            references: Vec::new().into(),
            package: None,
            aliases: Vec::new(),
            secret: None,
            evidence: Vec::new(),
            suppressed: None,
        });
    }
    let annotations = evaluation
        .annotations
        .into_iter()
        .map(|(_, key, value)| (key, value))
        .collect();
    (out, annotations)
}

/// Decides `request`. The object's namespace is taken from the request when the object
/// does not name one (a CREATE with `generateName` in a namespace the client defaulted).
/// `cluster`'s namespace labels choose the mode before `[webhook.namespace_modes]` does.
pub fn judge(
    engine: &Engine,
    settings: &WebhookSettings,
    cluster: &ClusterView,
    request: &AdmissionRequest,
) -> Decision {
    let allow = |basis| Decision {
        response: AdmissionResponse {
            uid: request.uid.clone(),
            allowed: true,
            status: None,
            patch: None,
            patch_type: None,
            audit_annotations: BTreeMap::new(),
            warnings: Vec::new(),
        },
        basis,
        blocking: Vec::new(),
        warning_rules: Vec::new(),
        not_evaluated: Vec::new(),
    };
    if matches!(request.operation, Operation::Delete | Operation::Connect) {
        return allow(Basis::Operation);
    }
    let namespace = request.namespace.as_deref().unwrap_or("");
    if settings.exempt_namespaces.contains(namespace) {
        return allow(Basis::ExemptNamespace);
    }
    let user = &request.user_info;
    if settings.exempt_users.contains(&user.username)
        || user
            .groups
            .iter()
            .any(|g| settings.exempt_groups.contains(g))
    {
        return allow(Basis::ExemptUser);
    }
    let Some(mut object) = request.object.clone() else {
        return allow(Basis::Operation);
    };
    // An object being deleted only loses finalizers: denying that would leave it stuck in
    // Terminating.
    if object
        .pointer("/metadata/deletionTimestamp")
        .is_some_and(|t| !t.is_null())
    {
        return allow(Basis::Operation);
    }
    if !namespace.is_empty() {
        if let Some(metadata) = object
            .as_object_mut()
            .map(|o| o.entry("metadata").or_insert_with(|| serde_json::json!({})))
            .and_then(|m| m.as_object_mut())
        {
            let missing = metadata
                .get("namespace")
                .and_then(|n| n.as_str())
                .is_none_or(str::is_empty);
            if missing {
                metadata.insert("namespace".into(), namespace.into());
            }
        }
    }
    // A Secret is where a cluster keeps secrets: the secret scanner and SEC200 are about
    // Secret manifests committed to a repository, not about Secrets reaching the API.
    let is_secret = request.kind.group.is_empty() && request.kind.kind == "Secret";
    let scan = engine.scan_objects(std::slice::from_ref(&object));
    let (policy_findings, policy_annotations) = match &settings.policies {
        Some(policies) => judge_policies(&policies.0, request, &object, &scan),
        None => (Vec::new(), Vec::new()),
    };
    // The context rules, against the cluster as it would be with this object admitted.
    let index = cluster.index.as_deref();
    let context = index.map(|index| engine.judge_in_cluster(index, &object));
    let context_findings = context
        .as_ref()
        .map_or(&[][..], |c| c.report.findings.as_slice());
    let not_evaluated: Vec<String> = context
        .as_ref()
        .map(|c| c.not_evaluated.iter().map(|r| r.to_string()).collect())
        .unwrap_or_default();
    let mut blocking = Vec::new();
    let mut warnings = Vec::new();
    let single_object = scan
        .report
        .findings
        .iter()
        .filter(|f| !NEEDS_CLUSTER_VIEW.contains(&f.rule_id.as_ref()));
    for finding in single_object
        .chain(context_findings)
        .chain(&policy_findings)
    {
        if is_secret && finding.practice == palisade_core::Practice::Sec {
            continue;
        }
        if settings
            .exempt_rules
            .contains(&finding.rule_id.to_ascii_uppercase())
        {
            continue;
        }
        if finding.severity >= settings.block_at {
            blocking.push(finding);
        } else {
            warnings.push(finding);
        }
    }
    let rule_ids = |list: &[&Finding]| {
        let ids: std::collections::BTreeSet<String> =
            list.iter().map(|f| f.rule_id.to_string()).collect();
        ids.into_iter().collect::<Vec<_>>()
    };
    // The policies' own audit annotations (`<policy>.<key>`).
    let mut audit_annotations: BTreeMap<String, String> = policy_annotations.into_iter().collect();
    // An UPDATE that adds no blocking finding the old object did not already have.
    if settings.allow_existing && !blocking.is_empty() && request.operation == Operation::Update {
        if let Some(old) = request.old_object.as_ref().filter(|o| !o.is_null()) {
            let before = engine.scan_objects(std::slice::from_ref(old));
            let before_context = index.map(|index| engine.judge_in_cluster(index, old));
            let existing: std::collections::BTreeSet<&str> = before
                .report
                .findings
                .iter()
                .filter(|f| !NEEDS_CLUSTER_VIEW.contains(&f.rule_id.as_ref()))
                .chain(before_context.iter().flat_map(|c| &c.report.findings))
                .filter(|f| f.severity >= settings.block_at)
                .map(|f| f.rule_id.as_ref())
                .collect();
            if blocking
                .iter()
                .all(|f| existing.contains(f.rule_id.as_ref()))
            {
                audit_annotations.insert(
                    "allowed-existing".to_string(),
                    rule_ids(&blocking).join(","),
                );
                warnings.splice(0..0, blocking.drain(..));
            }
        }
    }
    let mode = cluster
        .namespace_modes
        .get(namespace)
        .or_else(|| settings.namespace_modes.get(namespace))
        .copied()
        .unwrap_or(Mode::Enforce);
    match mode {
        Mode::Enforce => {}
        Mode::Warn => warnings.splice(0..0, blocking.drain(..)).for_each(drop),
        Mode::Audit => {
            let would = rule_ids(&blocking);
            if !would.is_empty() {
                audit_annotations.insert("audit-violations".to_string(), would.join(","));
            }
            blocking.clear();
            warnings.clear();
        }
    }
    if mode != Mode::Enforce {
        audit_annotations.insert("mode".to_string(), mode.as_str().to_string());
    }
    if !not_evaluated.is_empty() {
        audit_annotations.insert("not-evaluated".to_string(), not_evaluated.join(","));
    }
    let blocking_rules = rule_ids(&blocking);
    let warning_rules = rule_ids(&warnings);
    if !blocking_rules.is_empty() {
        audit_annotations.insert("denied-by".to_string(), blocking_rules.join(","));
    }
    if !warning_rules.is_empty() {
        audit_annotations.insert("warned-by".to_string(), warning_rules.join(","));
    }
    let mut warning_texts: Vec<String> = warnings
        .iter()
        .take(MAX_WARNINGS)
        .map(|f| truncate(describe(f), MAX_WARNING_CHARS))
        .collect();
    if warnings.len() > MAX_WARNINGS {
        warning_texts.push(format!(
            "{} more findings below {} not listed (run `palisade scan` on the manifest)",
            warnings.len() - MAX_WARNINGS,
            settings.block_at
        ));
    }
    let status = (!blocking.is_empty()).then(|| {
        let name = scan.names.first().map(String::as_str).unwrap_or("object");
        let lines: Vec<String> = blocking.iter().map(|f| describe(f)).collect();
        Status {
            code: 403,
            reason: "Forbidden".into(),
            message: format!(
                "palisade denied {name}: {} (`palisade rule ID` explains each rule and its fix)",
                lines.join("; ")
            ),
        }
    });
    Decision {
        response: AdmissionResponse {
            uid: request.uid.clone(),
            allowed: blocking.is_empty(),
            status,
            patch: None,
            patch_type: None,
            audit_annotations,
            warnings: warning_texts,
        },
        basis: Basis::Scanned,
        blocking: blocking_rules,
        warning_rules,
        not_evaluated,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn deployment(account: &str) -> serde_json::Value {
        json!({"apiVersion": "apps/v1", "kind": "Deployment",
               "metadata": {"name": "runner", "namespace": "ci"},
               "spec": {"selector": {"matchLabels": {"app": "runner"}},
                        "template": {"metadata": {"labels": {"app": "runner"}},
                                     "spec": {"serviceAccountName": account,
                                              "containers": [{"name": "app", "image": "nginx:1.27"}]}}}})
    }

    fn update(old: serde_json::Value, new: serde_json::Value) -> AdmissionRequest {
        let body = json!({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
            "request": {"uid": "u1", "kind": {"group": "apps", "version": "v1", "kind": "Deployment"},
                        "resource": {"group": "apps", "version": "v1", "resource": "deployments"},
                        "namespace": "ci", "operation": "UPDATE",
                        "userInfo": {"username": "jane"},
                        "object": new, "oldObject": old}});
        crate::review::parse(body.to_string().as_bytes()).unwrap()
    }

    #[test]
    fn allow_existing_weighs_the_context_findings_of_the_old_object_too() {
        let engine = Engine::new(crate::engine_settings(palisade_core::Config::default())).unwrap();
        let settings = WebhookSettings {
            allow_existing: true,
            // Only the context rule decides here.
            block_at: palisade_core::Severity::High,
            exempt_rules: engine
                .scan_objects(&[deployment("deployer")])
                .report
                .findings
                .iter()
                .map(|f| f.rule_id.to_string())
                .filter(|id| id != "RBAC014")
                .collect(),
            ..WebhookSettings::default()
        };
        let mut index = palisade_engine::ClusterIndex::default();
        index.apply(&json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
            "metadata": {"name": "deployer-admin"},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"},
            "subjects": [{"kind": "ServiceAccount", "name": "deployer", "namespace": "ci"}]}));
        index.mark_listed();
        let cluster = ClusterView::of(index);
        // The old Deployment already ran as the powerful account: kept as a warning.
        let kept = judge(
            &engine,
            &settings,
            &cluster,
            &update(deployment("deployer"), deployment("deployer")),
        );
        assert!(kept.response.allowed, "{:?}", kept.response);
        assert_eq!(
            kept.response.audit_annotations["allowed-existing"],
            "RBAC014"
        );
        // Moving to it is new: denied.
        let moved = judge(
            &engine,
            &settings,
            &cluster,
            &update(deployment("builder"), deployment("deployer")),
        );
        assert!(!moved.response.allowed);
        assert_eq!(moved.blocking, ["RBAC014"]);
        // Without a view, the rule is not applied at all.
        let blind = judge(
            &engine,
            &settings,
            &ClusterView::default(),
            &update(deployment("builder"), deployment("deployer")),
        );
        assert!(blind.response.allowed && blind.not_evaluated.is_empty());
    }
}
