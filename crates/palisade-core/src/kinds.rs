//! What Palisade knows of Kubernetes kinds that every reader of objects needs.

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
