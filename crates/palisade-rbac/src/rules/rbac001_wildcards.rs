use palisade_core::{declare_rule, Finding};

use super::{location, Analysis};
use crate::model::RuleRef;

declare_rule! {
    /// ## What it checks
    /// Role and ClusterRole rules with `*` in `verbs`, `resources` or `apiGroups` (built-in
    /// roles such as `cluster-admin` are not reported; binding them is RBAC002).
    /// ## Why it matters
    /// A wildcard grants every present and future verb, resource or API group, including
    /// custom resources installed later and escalation verbs such as `escalate` and `bind`.
    /// ## Fix
    /// List the verbs, resources and API groups the subject needs.
    /// ## References
    /// - https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege
    pub static RULE = {
        id: "RBAC001", practice: Rbac, severity: High,
        title: "Wildcard in an RBAC rule",
    };
}

pub fn check(a: &Analysis, out: &mut Vec<Finding>) {
    for (ri, role) in a.model.roles.iter().enumerate() {
        if role.origin.is_builtin() {
            continue;
        }
        for (i, rule) in role.rules.iter().enumerate() {
            let star = |xs: &[String]| xs.iter().any(|x| x == "*");
            let mut fields = Vec::new();
            if star(&rule.verbs) {
                fields.push("verbs");
            }
            if star(&rule.resources) {
                fields.push("resources");
            }
            if star(&rule.api_groups) {
                fields.push("apiGroups");
            }
            if fields.is_empty() {
                continue;
            }
            let grants: Vec<_> = a
                .by_rule
                .get(&RuleRef { role: ri, rule: i })
                .map(|v| v.iter().collect())
                .unwrap_or_default();
            let (evidence, holders) = a.holders(&grants);
            let mut f = Finding::new(
                &RULE,
                format!(
                    "{} has `*` in {} ({}); {holders}",
                    role.resource_id(),
                    fields.join(", "),
                    rule.summary()
                ),
                location(&rule.origin, &role.resource_id()),
            );
            f.evidence = evidence;
            out.push(f);
        }
    }
}
