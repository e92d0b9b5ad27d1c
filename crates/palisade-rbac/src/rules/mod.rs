//! RBAC rules (RBAC001–RBAC015) and the secrets rule tied to RBAC (SEC210). One file per
//! rule; this module holds what they share: the index from a role rule to every subject it
//! reaches, and the evidence chain subject → binding → role → rule.

use std::collections::HashMap;

use palisade_core::{Evidence, Finding, Location, RuleMeta};

use crate::model::{Origin, PolicyRule, RbacModel, RuleRef, Subject};
use crate::query::Grant;

pub mod rbac001_wildcards;
pub mod rbac002_cluster_admin_binding;
pub mod rbac003_anonymous_access;
pub mod rbac004_secret_readers;
pub mod rbac005_escalate_bind_impersonate;
pub mod rbac006_binding_writers;
pub mod rbac007_workload_creators;
pub mod rbac008_pod_exec;
pub mod rbac009_node_proxy;
pub mod rbac010_csr_approval;
pub mod rbac011_token_creation;
pub mod rbac012_webhook_edits;
pub mod rbac013_default_service_account;
pub mod rbac014_workload_permissions;
pub mod rbac015_missing_role;
pub mod sec210_unused_secret_access;

/// A permission that lets its holder do more than its role says: the rules RBAC004–RBAC012.
pub struct Dangerous {
    pub meta: &'static RuleMeta,
    /// What the permission is, for messages: `read Secrets`.
    pub what: &'static str,
    pub test: fn(&PolicyRule) -> bool,
    /// What the role as a whole must also grant for the permission to be usable (CSR
    /// approval needs both the approval subresource and the signer).
    pub whole_role: Option<fn(&[&PolicyRule]) -> bool>,
}

impl Dangerous {
    fn role_has_it(&self, rules: &[&PolicyRule]) -> bool {
        rules.iter().any(|r| (self.test)(r)) && self.whole_role.is_none_or(|f| f(rules))
    }
}

/// The dangerous permissions, in rule order.
pub fn dangerous() -> [Dangerous; 9] {
    [
        rbac004_secret_readers::DANGER,
        rbac005_escalate_bind_impersonate::DANGER,
        rbac006_binding_writers::DANGER,
        rbac007_workload_creators::DANGER,
        rbac008_pod_exec::DANGER,
        rbac009_node_proxy::DANGER,
        rbac010_csr_approval::DANGER,
        rbac011_token_creation::DANGER,
        rbac012_webhook_edits::DANGER,
    ]
}

/// Every rule of this crate.
pub fn all() -> Vec<&'static RuleMeta> {
    vec![
        &rbac001_wildcards::RULE,
        &rbac002_cluster_admin_binding::RULE,
        &rbac003_anonymous_access::RULE,
        &rbac004_secret_readers::RULE,
        &rbac005_escalate_bind_impersonate::RULE,
        &rbac006_binding_writers::RULE,
        &rbac007_workload_creators::RULE,
        &rbac008_pod_exec::RULE,
        &rbac009_node_proxy::RULE,
        &rbac010_csr_approval::RULE,
        &rbac011_token_creation::RULE,
        &rbac012_webhook_edits::RULE,
        &rbac013_default_service_account::RULE,
        &rbac014_workload_permissions::RULE,
        &rbac015_missing_role::RULE,
        &sec210_unused_secret_access::RULE,
    ]
}

/// The model with its grants indexed by the rule they go through.
pub struct Analysis<'m> {
    pub model: &'m RbacModel,
    pub by_rule: HashMap<RuleRef, Vec<Grant>>,
    pub by_subject: HashMap<Subject, Vec<Grant>>,
}

/// At most this many subject chains are attached to one finding.
const MAX_CHAINS: usize = 5;

impl<'m> Analysis<'m> {
    pub fn new(model: &'m RbacModel) -> Analysis<'m> {
        let mut by_rule: HashMap<RuleRef, Vec<Grant>> = HashMap::new();
        let mut by_subject: HashMap<Subject, Vec<Grant>> = HashMap::new();
        for g in model.grants() {
            by_subject
                .entry(model.grant_subject(&g).clone())
                .or_default()
                .push(g.clone());
            by_rule.entry(g.rule).or_default().push(g);
        }
        Analysis {
            model,
            by_rule,
            by_subject,
        }
    }

    /// Every grant that reaches `subject`, through its own name or its groups.
    pub fn grants_for(&self, subject: &Subject) -> Vec<&Grant> {
        let mut keys = vec![subject.clone()];
        keys.extend(subject.implicit_groups().iter().map(|g| Subject::group(g)));
        if subject.kind == crate::model::SubjectKind::ServiceAccount {
            keys.push(Subject::user(&format!(
                "system:serviceaccount:{}:{}",
                subject.namespace.as_deref().unwrap_or(""),
                subject.name
            )));
        }
        keys.iter()
            .filter_map(|k| self.by_subject.get(k))
            .flatten()
            .collect()
    }

    /// The chain subject → binding → role → rule of one grant.
    pub fn chain(&self, g: &Grant) -> Vec<Evidence> {
        let m = self.model;
        let b = &m.bindings[g.binding];
        let (subject, subject_origin) = &b.subjects[g.subject];
        let role = &m.roles[g.role];
        let source = &m.roles[g.rule.role];
        let rule = m.rule(g.rule);
        let ev = |label: String, origin: &Origin, resource: String| Evidence {
            label,
            location: origin.location(&resource),
        };
        let mut out = vec![
            ev(
                format!("subject {subject}"),
                subject_origin,
                b.resource_id(),
            ),
            ev(
                format!(
                    "bound by {} ({}, {})",
                    b.resource_id(),
                    g.scope.describe(),
                    b.origin
                ),
                &b.origin,
                b.resource_id(),
            ),
            ev(
                format!("to {} ({})", role.resource_id(), role.origin),
                &role.origin,
                role.resource_id(),
            ),
        ];
        if g.rule.role != g.role {
            out.push(ev(
                format!("aggregating {} ({})", source.resource_id(), source.origin),
                &source.origin,
                source.resource_id(),
            ));
        }
        out.push(ev(
            format!("rule {} ({})", rule.summary(), rule.origin),
            &rule.origin,
            source.resource_id(),
        ));
        out
    }

    /// Chains of up to [`MAX_CHAINS`] grants, and a sentence naming who holds the rule.
    pub fn holders(&self, grants: &[&Grant]) -> (Vec<Evidence>, String) {
        if grants.is_empty() {
            return (
                Vec::new(),
                "not bound to any subject in the scanned manifests".into(),
            );
        }
        let mut names: Vec<String> = grants
            .iter()
            .map(|g| {
                let b = &self.model.bindings[g.binding];
                format!("{} via {}", self.model.grant_subject(g), b.resource_id())
            })
            .collect();
        names.sort();
        names.dedup();
        let more = names.len().saturating_sub(3);
        let mut text = format!("held by {}", names[..names.len().min(3)].join("; "));
        if more > 0 {
            text.push_str(&format!(" and {more} more"));
        }
        let evidence = grants
            .iter()
            .take(MAX_CHAINS)
            .flat_map(|g| self.chain(g))
            .collect();
        (evidence, text)
    }

    /// Findings of a permission rule: one per scanned role rule that grants it, and one per
    /// scanned binding that hands it out through a built-in role (cluster-admin excepted,
    /// RBAC002 covers that).
    pub fn permission_findings(&self, danger: &Dangerous, out: &mut Vec<Finding>) {
        let m = self.model;
        for (ri, role) in m.roles.iter().enumerate() {
            if role.origin.is_builtin() {
                continue;
            }
            if danger.whole_role.is_some() {
                let all: Vec<&PolicyRule> = m
                    .effective_rules(ri)
                    .iter()
                    .map(|&r| m.rule(r))
                    .chain(role.rules.iter())
                    .collect();
                if !danger.role_has_it(&all) {
                    continue;
                }
            }
            for (i, rule) in role.rules.iter().enumerate() {
                if !(danger.test)(rule) {
                    continue;
                }
                let rr = RuleRef { role: ri, rule: i };
                let grants: Vec<&Grant> = self
                    .by_rule
                    .get(&rr)
                    .map(|v| v.iter().collect())
                    .unwrap_or_default();
                let (evidence, holders) = self.holders(&grants);
                let mut f = Finding::new(
                    danger.meta,
                    format!(
                        "{} lets its holders {} ({}); {holders}",
                        role.resource_id(),
                        danger.what,
                        rule.summary()
                    ),
                    location(&rule.origin, &role.resource_id()),
                );
                f.evidence = evidence;
                out.push(f);
            }
        }
        for (bi, b) in m.bindings.iter().enumerate() {
            if b.origin.is_builtin() {
                continue;
            }
            let Some(ri) = m.role_of(b) else { continue };
            let role = &m.roles[ri];
            if !role.origin.is_builtin() || role.name == "cluster-admin" {
                continue;
            }
            let all: Vec<&PolicyRule> = m.effective_rules(ri).iter().map(|&r| m.rule(r)).collect();
            if !danger.role_has_it(&all) {
                continue;
            }
            let Some(&rr) = m
                .effective_rules(ri)
                .iter()
                .find(|&&r| (danger.test)(m.rule(r)))
            else {
                continue;
            };
            let grants: Vec<&Grant> = self
                .by_rule
                .get(&rr)
                .map(|v| {
                    v.iter()
                        .filter(|g| g.binding == bi && !m.grant_subject(g).is_system())
                        .collect()
                })
                .unwrap_or_default();
            if grants.is_empty() {
                continue;
            }
            let (evidence, holders) = self.holders(&grants);
            let mut f = Finding::new(
                danger.meta,
                format!(
                    "{} grants the built-in {}, which lets its holders {}; {holders}",
                    b.resource_id(),
                    role.resource_id(),
                    danger.what
                ),
                location(&b.role_ref_origin, &b.resource_id()),
            );
            f.evidence = evidence;
            out.push(f);
        }
    }
}

pub(crate) fn location(origin: &Origin, resource: &str) -> Location {
    origin
        .location(resource)
        .unwrap_or_else(|| Location::file("<built-in>").with_resource(resource))
}

/// Whether the rule grants any of `verbs` on any of `resources` in `group`.
pub(crate) fn grants_any(
    rule: &PolicyRule,
    verbs: &[&str],
    group: &str,
    resources: &[&str],
) -> bool {
    verbs.iter().any(|v| {
        resources
            .iter()
            .any(|r| crate::eval::grants(rule, v, group, r))
    })
}
