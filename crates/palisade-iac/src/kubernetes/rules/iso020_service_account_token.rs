use palisade_core::{declare_rule, Finding};
use palisade_yaml::Node;

use super::at;
use crate::kubernetes::{ClusterContext, PodView};

declare_rule! {
    /// ## What it checks
    /// Pods that run as the namespace's `default` service account (no `serviceAccountName`,
    /// or `default`) and do not disable `automountServiceAccountToken`, neither on the pod
    /// nor on a `default` ServiceAccount found in the same scan. A pod that names its own
    /// service account is taken to need API access and is not reported.
    /// ## Why it matters
    /// Every container of such a pod gets a token for the Kubernetes API at
    /// `/var/run/secrets/kubernetes.io/serviceaccount`. Code execution in the pod becomes API
    /// access, and any permission later bound to the default account silently reaches it.
    /// ## Fix
    /// Set `automountServiceAccountToken: false` on the pod spec (or on the namespace's
    /// `default` ServiceAccount); give pods that need the API a dedicated service account.
    /// ## References
    /// - https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting
    /// - https://kubernetes.io/docs/concepts/security/service-accounts/
    pub static RULE = {
        id: "ISO020", practice: Iso, severity: Low,
        title: "Service account token mounted without need",
    };
}

pub fn check(pod: &PodView, cx: &ClusterContext, out: &mut Vec<Finding>) {
    if let Some(n) = pod.spec.get("automountServiceAccountToken") {
        if n.as_bool() == Some(false) {
            return;
        }
    }
    let sa = pod
        .spec
        .get("serviceAccountName")
        .or_else(|| pod.spec.get("serviceAccount"))
        .and_then(Node::as_str)
        .unwrap_or("default");
    if sa != "default" {
        return;
    }
    let ns = pod.object.effective_namespace().to_string();
    if cx.service_accounts.get(&(ns, "default".to_string())) == Some(&Some(false)) {
        return;
    }
    out.push(at(
        &RULE,
        pod,
        pod.spec
            .get("automountServiceAccountToken")
            .unwrap_or(pod.spec_key),
        "the pod runs as the default service account with its API token mounted".into(),
    ));
}
