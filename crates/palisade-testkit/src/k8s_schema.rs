//! Whether a generated manifest uses only fields the Kubernetes API knows, with the types
//! it gives them: the check `kubectl apply --validate=strict` makes against the server's
//! OpenAPI schema, made offline with the same schema as k8s-openapi compiles it into Rust
//! types.
//!
//! Each document is read into its k8s-openapi type and written back. A value that does not
//! read has the wrong type or lacks a required field; a field of the document that does not
//! come back is unknown to the API (a typo, or a field at the wrong level), which the API
//! server would drop or, with strict field validation, refuse.

use serde_json::Value;

/// What [`check`] made of one document.
#[derive(Debug, PartialEq, Eq)]
pub enum Checked {
    /// Every field is known and of its type.
    Valid,
    /// The kind is not one of the API's own (a custom resource such as cert-manager's
    /// `Certificate`): k8s-openapi has no schema for it.
    NotBuiltIn,
}

/// Reads `doc` into the k8s-openapi type of its `apiVersion` and `kind` and writes it
/// back; `Err` names every field path that is unknown or of the wrong type.
pub fn check(doc: &Value) -> Result<Checked, String> {
    use k8s_openapi::api::{
        admissionregistration::v1 as admission, apps::v1 as apps, batch::v1 as batch,
        core::v1 as core, networking::v1 as networking, policy::v1 as policy, rbac::v1 as rbac,
    };
    let api_version = doc.get("apiVersion").and_then(Value::as_str).unwrap_or("");
    let kind = doc.get("kind").and_then(Value::as_str).unwrap_or("");
    macro_rules! by_kind {
        ($($version:literal $kind:literal => $ty:ty,)*) => {
            match (api_version, kind) {
                $(($version, $kind) => round_trip::<$ty>(doc),)*
                _ => return Ok(Checked::NotBuiltIn),
            }
        };
    }
    let back = by_kind! {
        "v1" "Namespace" => core::Namespace,
        "v1" "ServiceAccount" => core::ServiceAccount,
        "v1" "Service" => core::Service,
        "v1" "ConfigMap" => core::ConfigMap,
        "v1" "Secret" => core::Secret,
        "v1" "Pod" => core::Pod,
        "apps/v1" "Deployment" => apps::Deployment,
        "apps/v1" "DaemonSet" => apps::DaemonSet,
        "apps/v1" "StatefulSet" => apps::StatefulSet,
        "batch/v1" "Job" => batch::Job,
        "batch/v1" "CronJob" => batch::CronJob,
        "policy/v1" "PodDisruptionBudget" => policy::PodDisruptionBudget,
        "networking.k8s.io/v1" "NetworkPolicy" => networking::NetworkPolicy,
        "rbac.authorization.k8s.io/v1" "Role" => rbac::Role,
        "rbac.authorization.k8s.io/v1" "RoleBinding" => rbac::RoleBinding,
        "rbac.authorization.k8s.io/v1" "ClusterRole" => rbac::ClusterRole,
        "rbac.authorization.k8s.io/v1" "ClusterRoleBinding" => rbac::ClusterRoleBinding,
        "admissionregistration.k8s.io/v1" "ValidatingWebhookConfiguration" =>
            admission::ValidatingWebhookConfiguration,
        "admissionregistration.k8s.io/v1" "MutatingWebhookConfiguration" =>
            admission::MutatingWebhookConfiguration,
        "admissionregistration.k8s.io/v1" "ValidatingAdmissionPolicy" =>
            admission::ValidatingAdmissionPolicy,
        "admissionregistration.k8s.io/v1" "ValidatingAdmissionPolicyBinding" =>
            admission::ValidatingAdmissionPolicyBinding,
    }?;
    let mut lost = Vec::new();
    compare(doc, &back, String::new(), &mut lost);
    if lost.is_empty() {
        Ok(Checked::Valid)
    } else {
        Err(format!(
            "{kind} {}: not in the API's schema: {}",
            doc.pointer("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or("?"),
            lost.join(", ")
        ))
    }
}

fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(
    doc: &Value,
) -> Result<Value, String> {
    let typed: T = serde_json::from_value(doc.clone()).map_err(|e| {
        let kind = doc.get("kind").and_then(Value::as_str).unwrap_or("?");
        format!("{kind}: does not read as the API's type: {e}")
    })?;
    serde_json::to_value(typed).map_err(|e| e.to_string())
}

/// Pushes onto `lost` the path of every value of `original` that `back` does not hold.
fn compare(original: &Value, back: &Value, path: String, lost: &mut Vec<String>) {
    match (original, back) {
        (Value::Object(fields), Value::Object(kept)) => {
            for (key, value) in fields {
                let at = format!("{path}.{key}");
                match kept.get(key) {
                    Some(other) => compare(value, other, at, lost),
                    // A null is how YAML writes an absent value.
                    None if value.is_null() => {}
                    None => lost.push(at.trim_start_matches('.').to_string()),
                }
            }
        }
        (Value::Array(items), Value::Array(kept)) if items.len() == kept.len() => {
            for (i, (item, other)) in items.iter().zip(kept).enumerate() {
                compare(item, other, format!("{path}[{i}]"), lost);
            }
        }
        // A quantity written as a number reads back as its text.
        (Value::Number(n), Value::String(s)) if n.to_string() == *s => {}
        (a, b) if a == b => {}
        _ => lost.push(path.trim_start_matches('.').to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn known_fields_pass_and_misplaced_or_mistyped_ones_are_named() {
        let good = json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "creationTimestamp": null},
            "spec": {"selector": {"matchLabels": {"app": "web"}},
                "template": {"metadata": {"labels": {"app": "web"}},
                    "spec": {"containers": [{"name": "c", "image": "nginx",
                        "resources": {"limits": {"cpu": 1, "memory": "64Mi"}}}]}}}});
        assert_eq!(check(&good), Ok(Checked::Valid));

        let mut misplaced = good.clone();
        misplaced["spec"]["template"]["spec"]["containers"][0]["runAsNonRoot"] = json!(true);
        misplaced["spec"]["replica"] = json!(2);
        let error = check(&misplaced).unwrap_err();
        assert!(
            error.contains("spec.template.spec.containers[0].runAsNonRoot"),
            "{error}"
        );
        assert!(error.contains("spec.replica"), "{error}");

        let mut mistyped = good.clone();
        mistyped["spec"]["replicas"] = json!("two");
        assert!(check(&mistyped).unwrap_err().contains("does not read"));

        let custom = json!({"apiVersion": "cert-manager.io/v1", "kind": "Issuer"});
        assert_eq!(check(&custom), Ok(Checked::NotBuiltIn));
    }
}
