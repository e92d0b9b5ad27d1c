use palisade_core::{declare_rule, Finding};

use super::{location, Analysis};
use crate::model::RoleKind;

declare_rule! {
    /// ## What it checks
    /// Scanned bindings whose `roleRef` names a Role or ClusterRole that is neither in the
    /// scanned manifests nor one of the API server's default roles (`system:` roles are
    /// assumed to exist).
    /// ## Why it matters
    /// Kubernetes accepts such a binding and it grants nothing today, but whoever later
    /// creates a role of that name silently gives its permissions to the binding's subjects.
    /// It is also often a typo that leaves a workload without the access it was meant to get.
    /// ## Fix
    /// Correct the role name, add the role to the manifests, or delete the binding.
    /// ## References
    /// - https://kubernetes.io/docs/reference/access-authn-authz/rbac/#rolebinding-and-clusterrolebinding
    pub static RULE = {
        id: "RBAC015", practice: Rbac, severity: Low,
        title: "Binding to a role that does not exist",
    };
}

pub fn check(a: &Analysis, out: &mut Vec<Finding>) {
    let m = a.model;
    for b in &m.bindings {
        if b.origin.is_builtin() || m.role_of(b).is_some() {
            continue;
        }
        if b.role_kind == RoleKind::ClusterRole && b.role_name.starts_with("system:") {
            continue;
        }
        let place = match (b.role_kind, &b.namespace) {
            (RoleKind::Role, Some(ns)) => format!("Role {} in namespace {ns}", b.role_name),
            _ => format!("ClusterRole {}", b.role_name),
        };
        out.push(Finding::new(
            &RULE,
            format!(
                "{} refers to {place}, which is not in the scanned manifests nor a built-in role",
                b.resource_id()
            ),
            location(&b.role_ref_origin, &b.resource_id()),
        ));
    }
}
