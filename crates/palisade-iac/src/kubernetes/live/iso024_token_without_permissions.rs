use std::collections::BTreeSet;

use palisade_core::declare_rule;

use super::{finding, items, text, Bound, Cluster, LiveFinding};

declare_rule! {
    /// ## What it checks
    /// Pods that run with an API token mounted (the kubelet added a projected
    /// `serviceAccountToken` volume, as it does unless `automountServiceAccountToken` is
    /// off) for a service account of their own (not `default`, which is ISO020) that no
    /// RoleBinding or ClusterRoleBinding names, directly or through the
    /// `system:serviceaccounts[:namespace]` groups. Such a pod cannot be using the API for
    /// anything beyond what every authenticated client may do.
    /// ## Why it matters
    /// The token is of no use to the workload and of use to an attacker: it authenticates
    /// to the API server from any pod it is stolen from, and whatever is bound to the
    /// account later (a chart adding a RoleBinding, a wildcard group binding) reaches every
    /// running replica at once.
    /// ## Fix
    /// Set `automountServiceAccountToken: false` on the pod template (or on the
    /// ServiceAccount); mount a projected token with a short expiry only where a container
    /// does call the API.
    /// ## References
    /// - https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting
    pub static RULE = {
        id: "ISO024", practice: Iso, severity: Low,
        title: "API token mounted for a service account with no permissions",
    };
}

/// Whether the kubelet mounted a service account token into the pod.
fn token_mounted(pod: &palisade_core::Json) -> bool {
    items(pod, "/spec/volumes").iter().any(|v| {
        items(v, "/projected/sources")
            .iter()
            .any(|s| s.get("serviceAccountToken").is_some())
    })
}

pub(super) fn check(cluster: &Cluster, out: &mut Vec<LiveFinding>) {
    let bound = Bound::of(cluster);
    let mut reported = BTreeSet::new();
    for pod in cluster.of_kind("Pod") {
        let object = cluster.objects[pod];
        let account = match text(object, "/spec/serviceAccountName") {
            "" => text(object, "/spec/serviceAccount"),
            name => name,
        };
        let namespace = cluster.namespace(pod);
        if account.is_empty() || account == "default" || !token_mounted(object) {
            continue;
        }
        if bound.contains(namespace, account) {
            continue;
        }
        let owner = cluster.top_owner(pod);
        if !reported.insert((owner, account)) {
            continue;
        }
        let field = if owner == pod {
            "spec.serviceAccountName".to_string()
        } else {
            cluster
                .pod_spec(owner)
                .map_or_else(String::new, |s| format!("{}.serviceAccountName", s.field))
        };
        out.push(finding(
            &RULE,
            owner,
            field,
            format!(
                "pods run with the API token of ServiceAccount {namespace}/{account} mounted, and no RoleBinding or ClusterRoleBinding grants that account anything"
            ),
        ));
    }
}
