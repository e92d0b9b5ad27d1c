use palisade_core::{declare_rule, Finding};

use super::{location, Analysis};
use crate::model::SubjectKind;

declare_rule! {
    /// ## What it checks
    /// RoleBindings and ClusterRoleBindings (scanned ones) with a subject that is a
    /// namespace's `default` service account.
    /// ## Why it matters
    /// Every pod that does not name a service account runs as `default`, so a permission given
    /// to it reaches every such pod of the namespace, including ones added later by people
    /// who never asked for it.
    /// ## Fix
    /// Create a dedicated ServiceAccount for the workload that needs the permission, bind the
    /// role to it and set `serviceAccountName` on that workload.
    /// ## References
    /// - https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege
    /// - https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/
    pub static RULE = {
        id: "RBAC013", practice: Rbac, severity: Medium,
        title: "Role bound to a default service account",
    };
}

pub fn check(a: &Analysis, out: &mut Vec<Finding>) {
    let m = a.model;
    for (bi, b) in m.bindings.iter().enumerate() {
        if b.origin.is_builtin() {
            continue;
        }
        for (si, (s, origin)) in b.subjects.iter().enumerate() {
            if s.kind != SubjectKind::ServiceAccount || s.name != "default" {
                continue;
            }
            let grants: Vec<_> = m
                .role_of(b)
                .and_then(|ri| m.effective_rules(ri).first().copied())
                .and_then(|r| a.by_rule.get(&r))
                .map(|v| {
                    v.iter()
                        .filter(|g| g.binding == bi && g.subject == si)
                        .collect()
                })
                .unwrap_or_default();
            let (evidence, _) = a.holders(&grants);
            let mut f = Finding::new(
                &RULE,
                format!(
                    "{} binds {} {} to the default service account of namespace {}",
                    b.resource_id(),
                    b.role_kind.as_str(),
                    b.role_name,
                    s.namespace.as_deref().unwrap_or("default")
                ),
                location(origin, &b.resource_id()),
            );
            f.evidence = evidence;
            out.push(f);
        }
    }
}
