use palisade_core::{declare_rule, Finding};

use crate::engine::Engine;
use crate::model::Peer;

declare_rule! {
    /// ## What it checks
    /// Egress rules that allow every destination (no `to`, or an `ipBlock` of `0.0.0.0/0` /
    /// `::/0`, with or without exceptions) on every port.
    /// ## Why it matters
    /// The selected pods can reach any host on the internet on any port: exfiltration,
    /// command-and-control and the cloud metadata service stay open even though the
    /// namespace looks locked down.
    /// ## Fix
    /// Allow DNS to kube-dns and the specific destinations and ports the workload needs; put
    /// general internet access behind an egress proxy.
    /// ## References
    /// - https://kubernetes.io/docs/concepts/services-networking/network-policies/#allow-all-egress-traffic
    pub static RULE = {
        id: "NET006", practice: Net, severity: Medium,
        title: "NetworkPolicy allows egress anywhere on all ports",
    };
}

pub fn check(e: &Engine, out: &mut Vec<Finding>) {
    for p in &e.model.policies {
        for (i, rule) in p.egress.iter().flatten().enumerate() {
            if rule.matches_nothing || !rule.ports.is_empty() {
                continue;
            }
            let anywhere = rule.peers.is_empty()
                || rule
                    .peers
                    .iter()
                    .any(|peer| matches!(peer, Peer::IpBlock { cidr, .. } if cidr.is_everything()));
            if anywhere {
                out.push(Finding::new(
                    &RULE,
                    format!(
                        "{} egress rule {i} lets pods {} connect to any address on any port",
                        p.resource_id(),
                        p.selector
                    ),
                    rule.source.location(&p.resource_id()),
                ));
            }
        }
    }
}
