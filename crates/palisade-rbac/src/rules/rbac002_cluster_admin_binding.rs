use palisade_core::{declare_rule, Finding};

use super::{location, Analysis};

declare_rule! {
    /// ## What it checks
    /// RoleBindings and ClusterRoleBindings to the `cluster-admin` ClusterRole (or to a
    /// scanned role named so) whose subjects are not Kubernetes system identities
    /// (`system:` users and groups other than the anonymous/authenticated groups,
    /// service accounts of `kube-system`).
    /// ## Why it matters
    /// `cluster-admin` is every permission on every resource. A user, a CI service account or
    /// a workload bound to it turns any compromise of that identity into full control of
    /// the cluster; a RoleBinding to it is full control of the namespace.
    /// ## Fix
    /// Bind a role with the permissions the subject needs (`admin`, `edit` or a custom role),
    /// in the namespace where it needs them.
    /// ## References
    /// - https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles
    /// - https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege
    pub static RULE = {
        id: "RBAC002", practice: Rbac, severity: Critical,
        title: "Binding to cluster-admin",
    };
}

pub fn check(a: &Analysis, out: &mut Vec<Finding>) {
    let m = a.model;
    for (bi, b) in m.bindings.iter().enumerate() {
        if b.origin.is_builtin()
            || b.role_kind != crate::model::RoleKind::ClusterRole
            || b.role_name != "cluster-admin"
        {
            continue;
        }
        let Some(ri) = m.role_of(b) else { continue };
        let grants: Vec<_> = m
            .effective_rules(ri)
            .first()
            .and_then(|r| a.by_rule.get(r))
            .map(|v| {
                v.iter()
                    .filter(|g| g.binding == bi && !m.grant_subject(g).is_system())
                    .collect()
            })
            .unwrap_or_default();
        let subjects: Vec<String> = b
            .subjects
            .iter()
            .filter(|(s, _)| !s.is_system())
            .map(|(s, _)| s.to_string())
            .collect();
        if subjects.is_empty() {
            continue;
        }
        let (evidence, _) = a.holders(&grants);
        let scope = match &b.namespace {
            Some(ns) => format!("in namespace {ns}"),
            None => "cluster-wide".into(),
        };
        let mut f = Finding::new(
            &RULE,
            format!(
                "{} grants cluster-admin {scope} to {}",
                b.resource_id(),
                subjects.join(", ")
            ),
            location(&b.role_ref_origin, &b.resource_id()),
        );
        f.evidence = evidence;
        out.push(f);
    }
}
