use std::collections::BTreeMap;

use palisade_core::{declare_rule, Finding};

use super::{dangerous, location, Analysis};

declare_rule! {
    /// ## What it checks
    /// Workloads whose pods get their service account's API token (automounting not turned
    /// off on the pod nor on the ServiceAccount) while that account holds a dangerous
    /// permission: one of RBAC004–RBAC012 (Secrets, escalation verbs, bindings, workload
    /// creation, exec, nodes/proxy, CSR approval, token creation, webhooks) or `cluster-admin`.
    /// The finding names the workload, the account and the path binding → role → rule.
    /// ## Why it matters
    /// Code execution in any container of the workload (a vulnerable dependency, an SSRF that
    /// reads the token file) becomes that permission on the API server.
    /// ## Fix
    /// Set `automountServiceAccountToken: false` where the workload does not call the API;
    /// otherwise trim the account's roles to what the workload needs.
    /// ## References
    /// - https://kubernetes.io/docs/concepts/security/service-accounts/#authenticating-in-code
    /// - https://kubernetes.io/docs/concepts/security/rbac-good-practices/
    pub static RULE = {
        id: "RBAC014", practice: Rbac, severity: High,
        title: "Workload runs with a dangerous service-account permission",
    };
}

pub fn check(a: &Analysis, out: &mut Vec<Finding>) {
    let m = a.model;
    let dangers = dangerous();
    // Workloads sharing an account share the answer.
    let mut by_account: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
    for (i, w) in m.workloads.iter().enumerate() {
        if w.automount {
            by_account
                .entry((w.namespace.clone(), w.service_account.clone()))
                .or_default()
                .push(i);
        }
    }
    for ((ns, sa), workloads) in by_account {
        let subject = crate::model::Subject::service_account(&ns, &sa);
        let grants = a.grants_for(&subject);
        let mut found: Vec<(&str, &crate::query::Grant)> = Vec::new();
        if let Some(g) = grants.iter().find(|g| {
            m.roles[g.role].name == "cluster-admin" && m.roles[g.role].origin.is_builtin()
        }) {
            found.push(("act as cluster-admin", g));
        }
        let all: Vec<&crate::model::PolicyRule> = grants.iter().map(|g| m.rule(g.rule)).collect();
        for d in &dangers {
            if d.whole_role.is_some_and(|f| !f(&all)) {
                continue;
            }
            if let Some(g) = grants.iter().find(|g| (d.test)(m.rule(g.rule))) {
                found.push((d.what, g));
            }
        }
        if found.is_empty() {
            continue;
        }
        for &wi in &workloads {
            let w = &m.workloads[wi];
            let first = &found[0].1;
            let d = m.describe_grant(first);
            let mut f = Finding::new(
                &RULE,
                format!(
                    "{} runs as ServiceAccount {ns}/{sa} with its token mounted; the account can {} (e.g. {} → {} → {})",
                    w.resource_id,
                    found.iter().map(|(w, _)| *w).collect::<Vec<_>>().join("; "),
                    d.binding,
                    d.role,
                    d.rule
                ),
                location(&w.origin, &w.resource_id),
            );
            f.evidence = found.iter().take(5).flat_map(|(_, g)| a.chain(g)).collect();
            out.push(f);
        }
    }
}
