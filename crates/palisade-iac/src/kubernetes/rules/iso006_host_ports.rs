use palisade_core::{declare_rule, Finding};
use palisade_yaml::Node;

use super::at;
use crate::kubernetes::{ClusterContext, PodView};

declare_rule! {
    /// ## What it checks
    /// A container port with a non-zero `hostPort`.
    /// ## Why it matters
    /// A host port binds the container to the node's own network interfaces, bypassing
    /// Services and most NetworkPolicy implementations, and exposes the workload on every
    /// address of the node.
    /// ## Fix
    /// Remove `hostPort` and expose the port with a Service (ClusterIP, or a LoadBalancer
    /// with a restricted source range).
    /// ## References
    /// - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
    /// - https://kubernetes.io/docs/concepts/configuration/overview/#services
    pub static RULE = {
        id: "ISO006", practice: Iso, severity: Medium,
        title: "Host port", profile: "baseline",
    };
}

pub fn check(pod: &PodView, _: &ClusterContext, out: &mut Vec<Finding>) {
    for c in &pod.containers {
        for port in c.node.get("ports").into_iter().flat_map(Node::items) {
            if let Some(hp) = port
                .get("hostPort")
                .filter(|n| n.as_i64().unwrap_or(0) != 0)
            {
                out.push(at(
                    &RULE,
                    pod,
                    hp,
                    format!(
                        "{} binds host port {}",
                        c.describe(),
                        hp.as_str().unwrap_or("?")
                    ),
                ));
            }
        }
    }
}
