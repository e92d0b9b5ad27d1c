use palisade_core::{declare_rule, Finding};

use crate::engine::Engine;
use crate::model::Peer;

declare_rule! {
    /// ## What it checks
    /// Ingress rules that admit every source: no `from` (or an empty one), or an `ipBlock`
    /// of `0.0.0.0/0` / `::/0` without exceptions. A rule limited to ports is accepted when
    /// the policy selects a workload published by a LoadBalancer/NodePort Service or an
    /// Ingress: a public endpoint has to take connections from anywhere on its port.
    /// ## Why it matters
    /// Such a rule undoes isolation for the pods the policy selects: every pod of every
    /// namespace and, through a LoadBalancer, NodePort or Ingress, the internet can connect.
    /// ## Fix
    /// List the sources that need access with `podSelector`/`namespaceSelector`, and restrict
    /// the rule to the ports the workload serves.
    /// ## References
    /// - https://kubernetes.io/docs/concepts/services-networking/network-policies/#allow-all-ingress-traffic
    pub static RULE = {
        id: "NET004", practice: Net, severity: Medium,
        title: "NetworkPolicy allows ingress from anywhere",
    };
}

pub fn check(e: &Engine, out: &mut Vec<Finding>) {
    for p in &e.model.policies {
        for (i, rule) in p.ingress.iter().flatten().enumerate() {
            if rule.matches_nothing {
                continue;
            }
            let everyone = rule.peers.is_empty()
                || rule.peers.iter().any(|peer| matches!(peer, Peer::IpBlock { cidr, except } if cidr.is_everything() && except.is_empty()));
            if !everyone {
                continue;
            }
            let published = e.model.exposures.iter().any(|x| {
                x.namespace == p.namespace
                    && e.workloads_in(&p.namespace).iter().any(|&i| {
                        let w = &e.model.workloads[i];
                        p.selector.matches(&w.labels)
                            && x.selector.iter().all(|(k, v)| w.labels.get(k) == Some(v))
                    })
            });
            if published && !rule.ports.is_empty() {
                continue;
            }
            let ports = if rule.ports.is_empty() {
                "on every port".to_string()
            } else {
                format!(
                    "on {}",
                    rule.ports
                        .iter()
                        .map(|p| p.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            out.push(Finding::new(
                &RULE,
                format!(
                    "{} ingress rule {i} admits every source {ports} to pods {}",
                    p.resource_id(),
                    p.selector
                ),
                rule.source.location(&p.resource_id()),
            ));
        }
    }
}
