//! What `POST /mutate` adds to a pod (or a workload's pod template) before it is stored:
//! the defaults of the Pod Security Standards' restricted profile that no workload needs
//! switched off, each only where the object leaves it unset.
//!
//! - `securityContext.seccompProfile.type: RuntimeDefault` at pod level when the pod sets
//!   none (containers that set their own keep it; every other container inherits it);
//! - `securityContext.allowPrivilegeEscalation: false` on each container and init container
//!   that leaves it unset, except privileged ones and ones adding `SYS_ADMIN` (the API server
//!   rejects `false` next to either), and on ephemeral containers as `kubectl debug` adds them;
//! - `automountServiceAccountToken: false` when the pod runs as the `default` service
//!   account and does not say whether it wants a token.
//!
//! Windows pods (`spec.os.name: windows`) get no seccomp profile nor
//! `allowPrivilegeEscalation`: the API server forbids both there. A pod whose seccomp is
//! set through the legacy `seccomp.security.alpha.kubernetes.io/pod` annotation keeps it.
//! Mirror pods (the API's copies of a node's static pods) are not patched: the kubelet runs
//! the file on the node, whatever the copy says.
//!
//! The answer is an RFC 6902 JSON Patch built as [`json_patch::Patch`] values (`add`
//! operations only), with each change named in the response's audit annotations.

use std::collections::BTreeMap;

use base64::Engine as _;
use json_patch::{AddOperation, Patch, PatchOperation};
use jsonptr::PointerBuf;
use serde_json::{json, Value};

use crate::config::WebhookSettings;
use crate::review::{AdmissionRequest, AdmissionResponse, GroupVersionKind, Operation, PatchType};

/// The audit annotation listing the changes. The API server prefixes it with the webhook's
/// name (`mutate.palisade.dev/mutations`); a key with a `/` of its own would be dropped.
pub const AUDIT_KEY: &str = "mutations";

/// The annotation the kubelet puts on the mirror pod of a static pod.
const MIRROR_ANNOTATION: &str = "kubernetes.io/config.mirror";

/// One of the defaults `/mutate` sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Setting {
    SeccompProfile,
    AllowPrivilegeEscalation,
    AutomountServiceAccountToken,
}

impl Setting {
    /// The label of the setting in metrics.
    pub fn as_str(self) -> &'static str {
        match self {
            Setting::SeccompProfile => "seccomp_profile",
            Setting::AllowPrivilegeEscalation => "allow_privilege_escalation",
            Setting::AutomountServiceAccountToken => "automount_service_account_token",
        }
    }
}

/// One field set by the patch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub setting: Setting,
    /// The field set, as `spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation`.
    pub field: String,
    /// The value it was given, as JSON text (`false`, `"RuntimeDefault"`).
    pub value: String,
}

impl Change {
    /// `field=value`, as listed in the audit annotation and the decision log.
    pub fn describe(&self) -> String {
        format!("{}={}", self.field, self.value.trim_matches('"'))
    }
}

/// Why a request got the patch it got, for logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MutationBasis {
    /// The pod spec was examined (the patch may still be empty).
    Examined,
    /// DELETE or CONNECT, or an object being deleted.
    Operation,
    /// The namespace is exempt.
    ExemptNamespace,
    /// The kind has no pod template.
    OtherKind,
    /// A mirror pod: the API's copy of a static pod the kubelet runs from a file on the
    /// node, which a patch would not change (the copy would then misstate what runs).
    MirrorPod,
    /// An UPDATE that may not or does not change the pod template (a Pod's containers and a
    /// Job's template are immutable; an unchanged template is left as it is so that an update
    /// does not start a rollout of its own).
    TemplateKept,
}

impl MutationBasis {
    pub fn as_str(self) -> &'static str {
        match self {
            MutationBasis::Examined => "examined",
            MutationBasis::Operation => "operation",
            MutationBasis::ExemptNamespace => "exempt_namespace",
            MutationBasis::OtherKind => "other_kind",
            MutationBasis::MirrorPod => "mirror_pod",
            MutationBasis::TemplateKept => "template_kept",
        }
    }
}

/// The answer to a `/mutate` request.
#[derive(Debug)]
pub struct Mutation {
    pub response: AdmissionResponse,
    pub basis: MutationBasis,
    pub changes: Vec<Change>,
}

/// Where the pod (`metadata` and `spec`) sits in an object of `kind`: the root of a Pod,
/// the pod template of a workload. `None`: the kind runs no pods.
pub fn pod_template_path(kind: &GroupVersionKind) -> Option<&'static [&'static str]> {
    match (kind.group.as_str(), kind.kind.as_str()) {
        ("", "Pod") => Some(&[]),
        ("", "ReplicationController")
        | ("apps", "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet")
        | ("batch", "Job") => Some(&["spec", "template"]),
        ("batch", "CronJob") => Some(&["spec", "jobTemplate", "spec", "template"]),
        _ => None,
    }
}

/// The patch and audit annotation for `request`. Nothing is ever denied here: judging is
/// `/validate`'s job.
pub fn mutate(settings: &WebhookSettings, request: &AdmissionRequest) -> Mutation {
    let unchanged = |basis| Mutation {
        response: allowed(request, None, BTreeMap::new()),
        basis,
        changes: Vec::new(),
    };
    if matches!(request.operation, Operation::Delete | Operation::Connect) {
        return unchanged(MutationBasis::Operation);
    }
    let namespace = request.namespace.as_deref().unwrap_or("");
    if settings.exempt_namespaces.contains(namespace) {
        return unchanged(MutationBasis::ExemptNamespace);
    }
    let Some(object) = request.object.as_ref().filter(|o| o.is_object()) else {
        return unchanged(MutationBasis::Operation);
    };
    if object
        .pointer("/metadata/deletionTimestamp")
        .is_some_and(|t| !t.is_null())
    {
        return unchanged(MutationBasis::Operation);
    }
    let Some(template) = pod_template_path(&request.kind) else {
        return unchanged(MutationBasis::OtherKind);
    };
    if template.is_empty()
        && object
            .pointer("/metadata/annotations")
            .and_then(|a| a.get(MIRROR_ANNOTATION))
            .is_some()
    {
        return unchanged(MutationBasis::MirrorPod);
    }
    let scope = if request.operation == Operation::Create {
        Scope::Pod
    } else {
        let is_pod = template.is_empty();
        let is_job = request.kind.group == "batch" && request.kind.kind == "Job";
        let subresource = request.sub_resource.as_deref().unwrap_or("");
        if is_pod && subresource == "ephemeralcontainers" {
            Scope::NewEphemeralContainers
        } else if is_pod || is_job || !subresource.is_empty() {
            return unchanged(MutationBasis::TemplateKept);
        } else {
            let old = request
                .old_object
                .as_ref()
                .and_then(|o| o.pointer(&pointer(template).to_string()));
            let new = object.pointer(&pointer(template).to_string());
            if old.is_some() && old == new {
                return unchanged(MutationBasis::TemplateKept);
            }
            Scope::Pod
        }
    };
    let mut plan = Plan::default();
    plan_pod(
        object,
        request.old_object.as_ref(),
        template,
        scope,
        &mut plan,
    );
    if plan.operations.is_empty() {
        return unchanged(MutationBasis::Examined);
    }
    let mut audit_annotations = BTreeMap::new();
    let listed: Vec<String> = plan.changes.iter().map(Change::describe).collect();
    audit_annotations.insert(AUDIT_KEY.to_string(), listed.join(","));
    let patch = Patch(plan.operations);
    // A Patch of `add` operations with JSON values always serializes.
    let patch_json = serde_json::to_vec(&patch).unwrap_or_default();
    Mutation {
        response: allowed(request, Some(patch_json), audit_annotations),
        basis: MutationBasis::Examined,
        changes: plan.changes,
    }
}

fn allowed(
    request: &AdmissionRequest,
    patch: Option<Vec<u8>>,
    audit_annotations: BTreeMap<String, String>,
) -> AdmissionResponse {
    AdmissionResponse {
        uid: request.uid.clone(),
        allowed: true,
        status: None,
        patch_type: patch.as_ref().map(|_| PatchType::JsonPatch),
        patch: patch.map(|p| base64::engine::general_purpose::STANDARD.encode(p)),
        audit_annotations,
        warnings: Vec::new(),
    }
}

/// Which containers of a pod may be changed by this request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// A new pod or template: every default.
    Pod,
    /// `kubectl debug` adding ephemeral containers to a running pod: only the ones it adds.
    NewEphemeralContainers,
}

#[derive(Default)]
struct Plan {
    operations: Vec<PatchOperation>,
    changes: Vec<Change>,
}

impl Plan {
    /// Sets `leaf` (below `base`) to `value`, adding the missing objects on the way: the
    /// operation adds at the first member of `leaf` that is absent or null.
    fn set(
        &mut self,
        object: &Value,
        base: &[String],
        leaf: &[&str],
        value: Value,
        setting: Setting,
    ) {
        let mut at: Vec<String> = base.to_vec();
        let mut current = object.pointer(&pointer(&at).to_string());
        let mut rest = leaf;
        while let Some((first, tail)) = rest.split_first() {
            at.push(first.to_string());
            let next = current.and_then(|c| c.get(*first)).filter(|v| !v.is_null());
            if tail.is_empty() || next.is_none() {
                break;
            }
            if !next.is_some_and(Value::is_object) {
                // Not an object where one belongs: the API server will reject the object
                // whatever is added, and a patch through it would not apply.
                return;
            }
            current = next;
            rest = tail;
        }
        // `at` ends at the first absent member; what is below it is built as a value.
        let mut built = value.clone();
        for key in rest[1..].iter().rev() {
            let mut map = serde_json::Map::new();
            map.insert(key.to_string(), built);
            built = Value::Object(map);
        }
        self.operations.push(PatchOperation::Add(AddOperation {
            path: pointer(&at),
            value: built,
        }));
        let mut field: Vec<String> = base.to_vec();
        field.extend(leaf.iter().map(|s| s.to_string()));
        self.changes.push(Change {
            setting,
            field: field_path(&field),
            value: value.to_string(),
        });
    }
}

fn pointer<S: AsRef<str>>(tokens: &[S]) -> PointerBuf {
    PointerBuf::from_tokens(tokens.iter().map(|t| t.as_ref()))
}

/// `["spec","containers","0","securityContext"]` as `spec.containers[0].securityContext`.
fn field_path(tokens: &[String]) -> String {
    let mut out = String::new();
    for token in tokens {
        if token.parse::<usize>().is_ok() {
            out.push_str(&format!("[{token}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(token);
        }
    }
    out
}

fn is_set(value: Option<&Value>) -> bool {
    value.is_some_and(|v| !v.is_null())
}

fn plan_pod(
    object: &Value,
    old_object: Option<&Value>,
    template: &[&str],
    scope: Scope,
    plan: &mut Plan,
) {
    let base: Vec<String> = template.iter().map(|s| s.to_string()).collect();
    let mut spec_path = base.clone();
    spec_path.push("spec".into());
    let Some(spec) = object
        .pointer(&pointer(&spec_path).to_string())
        .filter(|s| s.is_object())
    else {
        return;
    };
    let windows = spec
        .pointer("/os/name")
        .and_then(Value::as_str)
        .is_some_and(|os| os.eq_ignore_ascii_case("windows"));
    if scope == Scope::NewEphemeralContainers {
        if !windows {
            let old: Vec<&str> = old_object
                .and_then(|o| o.pointer(&pointer(&spec_path).to_string()))
                .and_then(|s| s.get("ephemeralContainers"))
                .and_then(Value::as_array)
                .map(|list| {
                    list.iter()
                        .filter_map(|c| c.get("name").and_then(Value::as_str))
                        .collect()
                })
                .unwrap_or_default();
            no_privilege_escalation(object, spec, &spec_path, "ephemeralContainers", &old, plan);
        }
        return;
    }

    if !windows {
        let legacy_annotation = {
            let mut metadata = base.clone();
            metadata.extend(["metadata".into(), "annotations".into()]);
            object
                .pointer(&pointer(&metadata).to_string())
                .and_then(|a| a.get("seccomp.security.alpha.kubernetes.io/pod"))
                .is_some()
        };
        let profile = spec
            .get("securityContext")
            .and_then(|sc| sc.get("seccompProfile"));
        if !legacy_annotation && !is_set(profile) {
            plan.set(
                object,
                &spec_path,
                &["securityContext", "seccompProfile", "type"],
                json!("RuntimeDefault"),
                Setting::SeccompProfile,
            );
        }
        for list in ["initContainers", "containers"] {
            no_privilege_escalation(object, spec, &spec_path, list, &[], plan);
        }
    }

    let account = ["serviceAccountName", "serviceAccount"]
        .iter()
        .find_map(|k| {
            spec.get(*k)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
        })
        .unwrap_or("default");
    if account == "default" && !is_set(spec.get("automountServiceAccountToken")) {
        plan.set(
            object,
            &spec_path,
            &["automountServiceAccountToken"],
            json!(false),
            Setting::AutomountServiceAccountToken,
        );
    }
}

/// Whether `false` is a valid `allowPrivilegeEscalation` next to this security context: the
/// API server refuses it with `privileged: true` or an added `CAP_SYS_ADMIN`.
fn may_forbid_escalation(security_context: Option<&Value>) -> bool {
    let Some(sc) = security_context.filter(|v| !v.is_null()) else {
        return true;
    };
    if !sc.is_object() || sc.get("privileged").and_then(Value::as_bool) == Some(true) {
        return false;
    }
    let adds_sys_admin = sc
        .pointer("/capabilities/add")
        .and_then(Value::as_array)
        .is_some_and(|caps| {
            caps.iter().filter_map(Value::as_str).any(|cap| {
                let cap = cap.to_ascii_uppercase();
                let cap = cap.strip_prefix("CAP_").unwrap_or(&cap);
                cap == "SYS_ADMIN" || cap == "ALL"
            })
        });
    !adds_sys_admin
}

fn no_privilege_escalation(
    object: &Value,
    spec: &Value,
    spec_path: &[String],
    list: &str,
    skip_names: &[&str],
    plan: &mut Plan,
) {
    let Some(containers) = spec.get(list).and_then(Value::as_array) else {
        return;
    };
    for (index, container) in containers.iter().enumerate() {
        if !container.is_object() {
            continue;
        }
        let name = container.get("name").and_then(Value::as_str).unwrap_or("");
        if skip_names.contains(&name) {
            continue;
        }
        let sc = container.get("securityContext");
        if is_set(sc.and_then(|sc| sc.get("allowPrivilegeEscalation")))
            || !may_forbid_escalation(sc)
        {
            continue;
        }
        let mut base = spec_path.to_vec();
        base.extend([list.to_string(), index.to_string()]);
        plan.set(
            object,
            &base,
            &["securityContext", "allowPrivilegeEscalation"],
            json!(false),
            Setting::AllowPrivilegeEscalation,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::parse;

    fn request(kind: (&str, &str), operation: &str, object: Value, old: Value) -> AdmissionRequest {
        let body = json!({
            "apiVersion": "admission.k8s.io/v1",
            "kind": "AdmissionReview",
            "request": {
                "uid": "u-1",
                "kind": {"group": kind.0, "version": "v1", "kind": kind.1},
                "resource": {"group": kind.0, "version": "v1", "resource": "x"},
                "namespace": "shop",
                "operation": operation,
                "object": object,
                "oldObject": old,
            }
        });
        parse(body.to_string().as_bytes()).unwrap()
    }

    /// The object after the patch of a CREATE of `object`, and the changes listed.
    fn applied(kind: (&str, &str), object: Value) -> (Value, Vec<String>) {
        let review = request(kind, "CREATE", object.clone(), Value::Null);
        let mutation = mutate(&WebhookSettings::default(), &review);
        let mut patched = object;
        if let Some(patch) = &mutation.response.patch {
            assert_eq!(mutation.response.patch_type, Some(PatchType::JsonPatch));
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(patch)
                .unwrap();
            let patch: Patch = serde_json::from_slice(&bytes).unwrap();
            json_patch::patch(&mut patched, &patch).unwrap();
        } else {
            assert!(mutation.response.patch_type.is_none());
        }
        let listed = mutation
            .response
            .audit_annotations
            .get(AUDIT_KEY)
            .map(|a| a.split(',').map(str::to_string).collect())
            .unwrap_or_default();
        assert_eq!(
            listed,
            mutation
                .changes
                .iter()
                .map(Change::describe)
                .collect::<Vec<_>>()
        );
        (patched, listed)
    }

    fn pod(spec: Value) -> Value {
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"}, "spec": spec})
    }

    #[test]
    fn a_bare_pod_gets_all_three_defaults() {
        let (patched, listed) = applied(
            ("", "Pod"),
            pod(
                json!({"initContainers": [{"name": "init", "image": "busybox"}],
                       "containers": [{"name": "app", "image": "nginx", "securityContext": {"runAsNonRoot": true}}]}),
            ),
        );
        assert_eq!(
            patched,
            pod(json!({
                "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
                "automountServiceAccountToken": false,
                "initContainers": [{"name": "init", "image": "busybox",
                                    "securityContext": {"allowPrivilegeEscalation": false}}],
                "containers": [{"name": "app", "image": "nginx",
                                "securityContext": {"runAsNonRoot": true, "allowPrivilegeEscalation": false}}],
            }))
        );
        assert_eq!(
            listed,
            [
                "spec.securityContext.seccompProfile.type=RuntimeDefault",
                "spec.initContainers[0].securityContext.allowPrivilegeEscalation=false",
                "spec.containers[0].securityContext.allowPrivilegeEscalation=false",
                "spec.automountServiceAccountToken=false",
            ]
        );
    }

    #[test]
    fn what_the_user_set_is_kept() {
        let object = pod(json!({
            "securityContext": {"runAsUser": 1000, "seccompProfile": {"type": "Unconfined"}},
            "automountServiceAccountToken": true,
            "containers": [{"name": "app", "image": "nginx",
                            "securityContext": {"allowPrivilegeEscalation": true}}],
        }));
        let (patched, listed) = applied(("", "Pod"), object.clone());
        assert_eq!(patched, object);
        assert!(listed.is_empty());
        // A pod-level security context without a profile gets only the profile.
        let (patched, _) = applied(
            ("", "Pod"),
            pod(json!({"securityContext": {"runAsUser": 1000},
                       "serviceAccountName": "web",
                       "containers": [{"name": "app", "image": "nginx",
                                       "securityContext": {"seccompProfile": {"type": "Unconfined"},
                                                           "allowPrivilegeEscalation": true}}]})),
        );
        assert_eq!(
            patched["spec"]["securityContext"],
            json!({"runAsUser": 1000, "seccompProfile": {"type": "RuntimeDefault"}})
        );
        assert_eq!(
            patched["spec"]["containers"][0]["securityContext"]["seccompProfile"]["type"],
            "Unconfined"
        );
        assert!(patched["spec"]
            .get("automountServiceAccountToken")
            .is_none());
    }

    #[test]
    fn privileged_and_sys_admin_containers_get_no_allow_privilege_escalation() {
        let (patched, _) = applied(
            ("", "Pod"),
            pod(json!({"containers": [
                {"name": "a", "image": "x", "securityContext": {"privileged": true}},
                {"name": "b", "image": "x", "securityContext": {"capabilities": {"add": ["CAP_SYS_ADMIN"]}}},
                {"name": "c", "image": "x", "securityContext": {"capabilities": {"add": ["sys_admin"]}}},
                {"name": "d", "image": "x", "securityContext": {"capabilities": {"add": ["NET_ADMIN"]}}},
            ]})),
        );
        let containers = patched["spec"]["containers"].as_array().unwrap();
        for c in &containers[..3] {
            assert!(c["securityContext"]
                .get("allowPrivilegeEscalation")
                .is_none());
        }
        assert_eq!(
            containers[3]["securityContext"]["allowPrivilegeEscalation"],
            false
        );
    }

    #[test]
    fn windows_pods_and_legacy_seccomp_annotations() {
        let (_, listed) = applied(
            ("", "Pod"),
            pod(json!({"os": {"name": "windows"}, "containers": [{"name": "a", "image": "x"}]})),
        );
        assert_eq!(listed, ["spec.automountServiceAccountToken=false"]);
        let mut object = pod(
            json!({"serviceAccountName": "web", "containers": [{"name": "a", "image": "x",
            "securityContext": {"allowPrivilegeEscalation": false}}]}),
        );
        object["metadata"]["annotations"] =
            json!({"seccomp.security.alpha.kubernetes.io/pod": "unconfined"});
        let (patched, _) = applied(("", "Pod"), object.clone());
        assert_eq!(patched, object);
    }

    #[test]
    fn a_cron_job_is_patched_in_its_job_template() {
        let (_, listed) = applied(
            ("batch", "CronJob"),
            json!({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "nightly"},
                   "spec": {"schedule": "0 3 * * *", "jobTemplate": {"spec": {"template": {"spec": {
                       "restartPolicy": "OnFailure", "containers": [{"name": "a", "image": "x"}]}}}}}}),
        );
        assert_eq!(
            listed[0],
            "spec.jobTemplate.spec.template.spec.securityContext.seccompProfile.type=RuntimeDefault"
        );
    }

    #[test]
    fn updates_patch_only_a_changed_template_and_new_ephemeral_containers() {
        let deployment = |image: &str| {
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
                   "spec": {"replicas": 2, "template": {"spec": {"containers": [{"name": "a", "image": image}]}}}})
        };
        let settings = WebhookSettings::default();
        let same = request(
            ("apps", "Deployment"),
            "UPDATE",
            deployment("x:1"),
            deployment("x:1"),
        );
        let m = mutate(&settings, &same);
        assert_eq!(m.basis, MutationBasis::TemplateKept);
        assert!(m.response.patch.is_none());
        let changed = request(
            ("apps", "Deployment"),
            "UPDATE",
            deployment("x:2"),
            deployment("x:1"),
        );
        assert_eq!(mutate(&settings, &changed).changes.len(), 3);

        let job = |image: &str| {
            json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j"},
                   "spec": {"template": {"spec": {"containers": [{"name": "a", "image": image}]}}}})
        };
        let m = mutate(
            &settings,
            &request(("batch", "Job"), "UPDATE", job("x:2"), job("x:1")),
        );
        assert!(m.changes.is_empty());

        let old = pod(json!({"containers": [{"name": "a", "image": "x"}],
                             "ephemeralContainers": [{"name": "debugger-1", "image": "busybox"}]}));
        let mut new = old.clone();
        new["spec"]["ephemeralContainers"]
            .as_array_mut()
            .unwrap()
            .push(json!({"name": "debugger-2", "image": "busybox"}));
        let mut review = request(("", "Pod"), "UPDATE", new.clone(), old.clone());
        review.sub_resource = Some("ephemeralcontainers".into());
        let m = mutate(&settings, &review);
        assert_eq!(
            m.changes.iter().map(Change::describe).collect::<Vec<_>>(),
            ["spec.ephemeralContainers[1].securityContext.allowPrivilegeEscalation=false"]
        );
        // A plain pod UPDATE may not change the containers: nothing is added.
        let m = mutate(&settings, &request(("", "Pod"), "UPDATE", new, old));
        assert!(m.changes.is_empty());
    }

    #[test]
    fn exempt_namespaces_and_other_kinds_are_left_alone() {
        let mut settings = WebhookSettings::default();
        settings.exempt_namespaces.insert("shop".into());
        let object = pod(json!({"containers": [{"name": "a", "image": "x"}]}));
        let m = mutate(
            &settings,
            &request(("", "Pod"), "CREATE", object.clone(), Value::Null),
        );
        assert_eq!(m.basis, MutationBasis::ExemptNamespace);
        assert!(m.response.patch.is_none() && m.response.allowed);
        let m = mutate(
            &WebhookSettings::default(),
            &request(
                ("", "ConfigMap"),
                "CREATE",
                json!({"data": {}}),
                Value::Null,
            ),
        );
        assert_eq!(m.basis, MutationBasis::OtherKind);
        let mut mirror = object;
        mirror["metadata"]["annotations"] = json!({MIRROR_ANNOTATION: "3d1c5b"});
        let m = mutate(
            &WebhookSettings::default(),
            &request(("", "Pod"), "CREATE", mirror, Value::Null),
        );
        assert_eq!(m.basis, MutationBasis::MirrorPod);
        assert!(m.response.patch.is_none());
    }
}
