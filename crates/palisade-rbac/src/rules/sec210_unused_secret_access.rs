use std::collections::BTreeSet;

use palisade_core::{declare_rule, Finding};

use super::{grants_any, location, Analysis};
use crate::query::Scope;

declare_rule! {
    /// ## What it checks
    /// Workloads whose service-account token is mounted and whose account can read Secrets
    /// (`get`, `list` or `watch`) beyond the ones the workload itself mounts as volumes or
    /// environment variables: every Secret of a namespace or of the cluster, or named Secrets
    /// the pod spec never references.
    /// ## Why it matters
    /// A workload that needs a Secret gets it from the kubelet without any API permission. API
    /// read access to Secrets it does not mount only serves an attacker who runs code in the
    /// pod: every credential of the namespace is one request away.
    /// ## Fix
    /// Mount the Secrets the workload needs and remove the Secret read permission from its
    /// service account (or limit it with `resourceNames`), or disable token automounting.
    /// ## References
    /// - https://kubernetes.io/docs/concepts/security/secrets-good-practices/#least-privilege-secrets
    /// - https://kubernetes.io/docs/concepts/security/rbac-good-practices/#listing-secrets
    pub static RULE = {
        id: "SEC210", practice: Sec, severity: Medium,
        title: "Workload can read Secrets it does not mount",
    };
}

pub fn check(a: &Analysis, out: &mut Vec<Finding>) {
    let m = a.model;
    for w in &m.workloads {
        if !w.automount {
            continue;
        }
        let grants = a.grants_for(&w.subject());
        let mut unmounted: BTreeSet<String> = BTreeSet::new();
        let mut first = None;
        for g in &grants {
            let rule = m.rule(g.rule);
            if !grants_any(rule, &["get", "list", "watch"], "", &["secrets"]) {
                continue;
            }
            let own_ns = match &g.scope {
                Scope::Cluster => false,
                Scope::Namespace(ns) => *ns == w.namespace,
            };
            let extra: Vec<String> = if rule.resource_names.is_empty() {
                vec![match &g.scope {
                    Scope::Cluster => "every Secret of the cluster".to_string(),
                    Scope::Namespace(ns) => format!("every Secret of namespace {ns}"),
                }]
            } else if own_ns || g.scope == Scope::Cluster {
                rule.resource_names
                    .iter()
                    .filter(|n| !(w.mounted_secrets.contains(*n)))
                    .map(|n| format!("Secret {n}"))
                    .collect()
            } else {
                rule.resource_names
                    .iter()
                    .map(|n| format!("Secret {n} ({})", g.scope.describe()))
                    .collect()
            };
            if !extra.is_empty() && first.is_none() {
                first = Some(*g);
            }
            unmounted.extend(extra);
        }
        let Some(g) = first else { continue };
        let mounted = if w.mounted_secrets.is_empty() {
            "mounts none".to_string()
        } else {
            format!(
                "mounts only {}",
                w.mounted_secrets
                    .iter()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        let mut f = Finding::new(
            &RULE,
            format!(
                "{} (ServiceAccount {}/{}) can read {} through the API but {mounted}",
                w.resource_id,
                w.namespace,
                w.service_account,
                unmounted.into_iter().collect::<Vec<_>>().join(", ")
            ),
            location(&w.origin, &w.resource_id),
        );
        f.evidence = a.chain(g);
        out.push(f);
    }
}
