//! What Palisade knows of Kubernetes kinds that every reader of objects needs.

/// Custom resources whose objects carry pod templates or containers that the pod rules
/// judge (Argo Rollouts and Workflows, Tekton, Knative Serving, OpenKruise, KEDA,
/// OpenShift), as (API group, kind, plural): a live scan lists those the cluster serves,
/// and the reader role grants `list` on them.
pub const CUSTOM_POD_KINDS: &[(&str, &str, &str)] = &[
    ("argoproj.io", "Rollout", "rollouts"),
    ("argoproj.io", "Workflow", "workflows"),
    ("argoproj.io", "WorkflowTemplate", "workflowtemplates"),
    (
        "argoproj.io",
        "ClusterWorkflowTemplate",
        "clusterworkflowtemplates",
    ),
    ("argoproj.io", "CronWorkflow", "cronworkflows"),
    ("tekton.dev", "Task", "tasks"),
    ("tekton.dev", "ClusterTask", "clustertasks"),
    ("tekton.dev", "TaskRun", "taskruns"),
    ("tekton.dev", "Pipeline", "pipelines"),
    ("tekton.dev", "PipelineRun", "pipelineruns"),
    ("serving.knative.dev", "Service", "services"),
    ("serving.knative.dev", "Configuration", "configurations"),
    ("serving.knative.dev", "Revision", "revisions"),
    ("apps.kruise.io", "CloneSet", "clonesets"),
    ("apps.kruise.io", "StatefulSet", "statefulsets"),
    ("apps.kruise.io", "DaemonSet", "daemonsets"),
    ("keda.sh", "ScaledJob", "scaledjobs"),
    ("apps.openshift.io", "DeploymentConfig", "deploymentconfigs"),
];

/// Whether objects of `kind` live outside namespaces (their id has no namespace part, and
/// no namespace applies to them), from the Kubernetes API and the common operators.
pub fn is_cluster_scoped(kind: &str) -> bool {
    matches!(
        kind,
        "Namespace"
            | "Node"
            | "ClusterRole"
            | "ClusterRoleBinding"
            | "CustomResourceDefinition"
            | "PersistentVolume"
            | "StorageClass"
            | "PriorityClass"
            | "MutatingWebhookConfiguration"
            | "ValidatingWebhookConfiguration"
            | "ValidatingAdmissionPolicy"
            | "ValidatingAdmissionPolicyBinding"
            | "APIService"
            | "PodSecurityPolicy"
            | "RuntimeClass"
            | "CSIDriver"
            | "CSINode"
            | "VolumeAttachment"
            | "IngressClass"
            | "CertificateSigningRequest"
            | "ComponentStatus"
            | "FlowSchema"
            | "PriorityLevelConfiguration"
            | "ClusterIssuer"
            | "ClusterPolicy"
            | "ValidatingPolicy"
    )
}

/// Whether `value` is a DNS label (RFC 1123) as Kubernetes wants namespaces and most
/// names: lowercase letters, digits and `-`, at most 63, starting and ending with a letter
/// or digit.
pub fn is_dns_label(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= 63
        && value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !value.starts_with('-')
        && !value.ends_with('-')
}

/// Whether `value` is a DNS subdomain (RFC 1123) as Kubernetes wants Secret names: DNS
/// labels joined by `.`, at most 253.
pub fn is_dns_subdomain(value: &str) -> bool {
    value.len() <= 253 && value.split('.').all(is_dns_label)
}

/// The Namespace the manifests Palisade writes (webhook, in-cluster watch, images Job) run
/// in, enforcing the `restricted` Pod Security Standard.
pub fn palisade_namespace(namespace: &str) -> serde_json::Value {
    serde_json::json!({
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": namespace, "labels": {
            "app.kubernetes.io/part-of": "palisade",
            "pod-security.kubernetes.io/enforce": "restricted",
        }},
    })
}

/// A ServiceAccount of those manifests, without an automatically mounted API token (the
/// pods that use one mount it themselves).
pub fn palisade_service_account(
    namespace: &str,
    name: &str,
    labels: &serde_json::Value,
) -> serde_json::Value {
    serde_json::json!({
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": {"name": name, "namespace": namespace, "labels": labels},
        "automountServiceAccountToken": false,
    })
}

/// The pod `securityContext` of those manifests: the restricted Pod Security Standard's
/// pod fields (non-root, a fixed unprivileged user and group, the runtime's seccomp profile).
pub fn restricted_pod_security_context() -> serde_json::Value {
    serde_json::json!({
        "runAsNonRoot": true,
        "runAsUser": 65532,
        "runAsGroup": 65532,
        "seccompProfile": {"type": "RuntimeDefault"},
    })
}

/// The container `securityContext` of those manifests: the restricted Pod Security
/// Standard's container fields (no escalation, read-only root, non-root, no capabilities).
pub fn restricted_container_security_context() -> serde_json::Value {
    serde_json::json!({
        "allowPrivilegeEscalation": false,
        "readOnlyRootFilesystem": true,
        "runAsNonRoot": true,
        "capabilities": {"drop": ["ALL"]},
    })
}

#[cfg(test)]
mod name_tests {
    use super::{is_dns_label, is_dns_subdomain};

    #[test]
    fn kubernetes_names() {
        for ok in ["a", "palisade-system", "x1", &"a".repeat(63)] {
            assert!(is_dns_label(ok), "{ok}");
        }
        for bad in ["", "-a", "a-", "A", "a_b", "a.b", &"a".repeat(64)] {
            assert!(!is_dns_label(bad), "{bad}");
        }
        assert!(is_dns_subdomain("regcred.team-a"));
        assert!(!is_dns_subdomain("a..b"));
        assert!(!is_dns_subdomain(&format!("{}.b", "a".repeat(253))));
    }
}
