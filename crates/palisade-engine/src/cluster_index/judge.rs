//! Judging one object against the cluster kept in the index: the context rules run over
//! the objects that could change their verdict on it (its namespace's, and for a workload
//! that may be a reachable database, every namespace's policies and workloads), and only
//! the findings that belong to the object under review are kept.

use std::collections::BTreeSet;

use palisade_core::ScanReport;
use palisade_iac::kubernetes::{K8sObject, PodView};
use palisade_yaml::Node;

use super::{parse, ClusterIndex, ObjectKey, Stored, CLUSTER_CONTEXT_RULES, NAMING_WORKLOADS};
use crate::Engine;

/// What the context rules say of one object.
#[derive(Debug, Default)]
pub struct ContextJudgement {
    /// Findings of the context rules that belong to the object, after suppressions.
    pub report: ScanReport,
    /// Context rules that were not evaluated, because the kinds they read are unknown.
    pub not_evaluated: BTreeSet<&'static str>,
}

/// Whether `text` names `id` as a whole (`Deployment/shop/web`, not `.../web2`).
pub(super) fn names(text: &str, id: &str) -> bool {
    text.match_indices(id).any(|(at, _)| {
        let next = text[at + id.len()..].chars().next();
        !next.is_some_and(|c| c.is_alphanumeric() || matches!(c, '-' | '.' | '_' | '/'))
    })
}

/// The name in a binding's `roleRef` when it names a role of `kind`.
fn role_ref(binding: &K8sObject, kind: &str) -> Option<String> {
    let role_ref = binding.root.get("roleRef")?;
    (role_ref.get("kind")?.as_str()? == kind)
        .then(|| role_ref.get("name")?.as_str().map(str::to_string))?
}

/// The service account (namespace, name) a workload's pods run as.
fn service_account(workload: &K8sObject) -> Option<(String, String)> {
    let pod = PodView::of(workload)?;
    let name = ["serviceAccountName", "serviceAccount"]
        .iter()
        .find_map(|k| pod.spec.get(k).and_then(Node::as_str))
        .filter(|n| !n.is_empty())
        .unwrap_or("default");
    Some((workload.effective_namespace().to_string(), name.to_string()))
}

impl Engine {
    /// Judges `object` with the context rules against `index`, the object taking the place
    /// of its stored version: the findings located on the object, and, for a workload, the
    /// namespace and Service findings that name it (judged as if it were the only workload
    /// of its namespace, so a finding about its neighbours is not its own).
    pub fn judge_in_cluster(
        &self,
        index: &ClusterIndex,
        object: &serde_json::Value,
    ) -> ContextJudgement {
        let Some(reviewed) = parse(object) else {
            return ContextJudgement::default();
        };
        let key = ObjectKey::of(&reviewed);
        let id = reviewed.resource_id();
        let path = reviewed.path.clone();
        let is_workload = PodView::of(&reviewed).is_some();
        let kind = reviewed.kind.as_str();
        let network =
            is_workload || matches!(kind, "Service" | "Ingress" | "NetworkPolicy" | "Namespace");
        // RBAC014 and SEC210 sit on workloads and RBAC015 on bindings: a Role or a
        // ServiceAccount under review gets no finding of its own from them.
        let rbac = is_workload || matches!(kind, "RoleBinding" | "ClusterRoleBinding");
        // Only the rules that could judge this object are reported as not evaluated.
        let not_evaluated: BTreeSet<&'static str> = index
            .not_evaluated()
            .into_iter()
            .filter(|rule| {
                (network && rule.starts_with("NET"))
                    || (rbac && rule.starts_with("RBAC"))
                    || (is_workload && *rule == "SEC210")
            })
            .collect();
        let mut judgement = ContextJudgement {
            report: ScanReport::default(),
            not_evaluated: not_evaluated.clone(),
        };
        if !index.is_listed() {
            return judgement;
        }
        let mut findings = Vec::new();
        if network {
            // Only a workload serving a database port can be a reachable database (NET008),
            // the one finding that depends on other namespaces' workloads and policies; every
            // other finding it could own is about its own namespace. Any other workload is
            // judged against its namespace alone, whatever ports it declares.
            let serves_database = palisade_netpol::model::workload(&reviewed).is_some_and(|w| {
                w.ports
                    .iter()
                    .any(|p| palisade_netpol::is_database_port(p.port))
            });
            // The namespace its findings are about (a Namespace's own).
            let home = if kind == "Namespace" {
                reviewed.name.as_str()
            } else {
                key.namespace.as_str()
            };
            let relevant = |other_key: &ObjectKey, other: &Stored| {
                if *other_key == key {
                    false
                } else if other_key.namespace == home {
                    // The other workloads of its namespace are left out: a namespace finding
                    // then names this workload alone, if it concerns it.
                    !(is_workload && other.is_workload())
                } else if other_key.kind == "Namespace" {
                    // Its own Namespace (labels, where namespace findings sit); the others
                    // only for the peers of a reachable database.
                    other_key.name == home || serves_database
                } else {
                    serves_database && (other_key.kind == "NetworkPolicy" || other.is_workload())
                }
            };
            let candidates: Box<dyn Iterator<Item = (&ObjectKey, &Stored)>> = if serves_database {
                Box::new(index.objects.iter())
            } else {
                let namespace = ObjectKey::new("", "Namespace", home);
                Box::new(
                    index
                        .in_namespace(home)
                        .chain(index.objects.get_key_value(&namespace)),
                )
            };
            let mut builder = palisade_netpol::NetworkBuilder::default();
            for (other_key, other) in candidates {
                if relevant(other_key, other) {
                    match other {
                        Stored::Workload(workload) => builder.add_workload((**workload).clone()),
                        Stored::Object(object) => builder.add(object),
                    }
                }
            }
            builder.add(&reviewed);
            let options = crate::network_options(&self.settings.config).unwrap_or_default();
            let outcome = palisade_netpol::check_model(&builder.finish(), &options);
            findings.extend(outcome.findings.into_iter().filter(|f| {
                // A policy that selects none of the workloads left out says nothing.
                !(is_workload && f.rule_id == "NET009")
            }));
        }
        if rbac {
            let mut builder = palisade_rbac::RbacBuilder::default();
            // Every ClusterRole (aggregation reads their labels), the bindings that may
            // name the workload's service account, that account, and the Roles those
            // bindings (or the binding under review) name.
            for (other_key, role) in index.of_kind("", "ClusterRole") {
                if let Some(role) = role.object().filter(|_| *other_key != key) {
                    builder.add(role);
                }
            }
            let mut named: BTreeSet<ObjectKey> = BTreeSet::new();
            let mut name_role = |binding: &K8sObject| {
                if let Some(role) = role_ref(binding, "Role") {
                    named.insert(ObjectKey::new(binding.effective_namespace(), "Role", &role));
                }
            };
            name_role(&reviewed);
            if let Some((namespace, name)) = service_account(&reviewed) {
                let account = Some((namespace.clone(), name.clone()));
                let bindings = [index.bindings.get(&account), index.bindings.get(&None)];
                for binding_key in bindings.into_iter().flatten().flatten() {
                    if *binding_key == key {
                        continue;
                    }
                    if let Some(binding) = index.objects.get(binding_key).and_then(Stored::object) {
                        name_role(binding);
                        builder.add(binding);
                    }
                }
                if let Some(sa) = index
                    .objects
                    .get(&ObjectKey::new(&namespace, "ServiceAccount", &name))
                    .and_then(Stored::object)
                {
                    builder.add(sa);
                }
            }
            for role_key in &named {
                if *role_key == key {
                    continue;
                }
                if let Some(role) = index.objects.get(role_key).and_then(Stored::object) {
                    builder.add(role);
                }
            }
            builder.add(&reviewed);
            findings.extend(palisade_rbac::check_model(&builder.finish()).findings);
        }
        let markers = reviewed.markers();
        let none = palisade_core::InlineIgnores::default();
        for mut finding in findings {
            let rule = finding.rule_id.as_ref();
            let Some(rule) = CLUSTER_CONTEXT_RULES.iter().find(|r| **r == rule) else {
                continue;
            };
            if not_evaluated.contains(rule) {
                continue;
            }
            let located = finding.location.path.as_str() == &*path
                || finding.location.resource.as_deref() == Some(id.as_str());
            let named =
                is_workload && NAMING_WORKLOADS.contains(rule) && names(&finding.message, &id);
            if !(located || named) {
                continue;
            }
            finding.location.path = path.to_string();
            finding.location.resource = Some(id.clone());
            finding.location.line = None;
            finding.location.column = None;
            match palisade_core::suppression(&none, Some(&markers), &finding) {
                Some(by) => {
                    finding.suppressed = Some(Box::new(by));
                    judgement.report.suppressed.push(finding);
                }
                None => judgement.report.findings.push(finding),
            }
        }
        self.finish(&mut judgement.report);
        judgement
    }
}
