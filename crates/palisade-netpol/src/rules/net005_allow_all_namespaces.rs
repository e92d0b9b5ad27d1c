use palisade_core::{declare_rule, Finding};

use crate::engine::Engine;
use crate::model::Peer;

declare_rule! {
    /// ## What it checks
    /// Ingress rules with a peer `namespaceSelector: {}` whose `podSelector` is absent or
    /// empty: every pod of every namespace.
    /// ## Why it matters
    /// Namespaces are the usual trust boundary between teams and environments; this peer
    /// erases it for the selected pods, so a compromise in any namespace reaches them.
    /// ## Fix
    /// Select the namespaces that need access by label (`kubernetes.io/metadata.name` works
    /// for single namespaces) and, where possible, the client pods too.
    /// ## References
    /// - https://kubernetes.io/docs/concepts/services-networking/network-policies/#behavior-of-to-and-from-selectors
    pub static RULE = {
        id: "NET005", practice: Net, severity: Low,
        title: "NetworkPolicy allows ingress from all namespaces",
    };
}

pub fn check(e: &Engine, out: &mut Vec<Finding>) {
    for p in &e.model.policies {
        for (i, rule) in p.ingress.iter().flatten().enumerate() {
            let all_ns = rule.peers.iter().any(|peer| {
                matches!(peer, Peer::Pods { pods, namespaces: Some(ns) } if ns.is_empty() && pods.is_empty())
            });
            if all_ns {
                out.push(Finding::new(
                    &RULE,
                    format!(
                        "{} ingress rule {i} admits every pod of every namespace to pods {}",
                        p.resource_id(),
                        p.selector
                    ),
                    rule.source.location(&p.resource_id()),
                ));
            }
        }
    }
}
