use palisade_core::{declare_rule, Finding};
use palisade_yaml::Node;

use super::at;
use crate::kubernetes::{ClusterContext, PodView};

declare_rule! {
    /// ## What it checks
    /// Pod `securityContext.sysctls` outside the safe set: `kernel.shm_rmid_forced`,
    /// `net.ipv4.ip_local_port_range`, `net.ipv4.ip_unprivileged_port_start`,
    /// `net.ipv4.tcp_syncookies`, `net.ipv4.ping_group_range`,
    /// `net.ipv4.ip_local_reserved_ports`, `net.ipv4.tcp_keepalive_time`,
    /// `net.ipv4.tcp_fin_timeout`, `net.ipv4.tcp_keepalive_intvl`,
    /// `net.ipv4.tcp_keepalive_probes`.
    /// ## Why it matters
    /// Other sysctls are not namespaced or not isolated between pods: setting them changes
    /// the node for every other workload, or weakens the kernel.
    /// ## Fix
    /// Remove the sysctl; tune the node itself if the value is needed.
    /// ## References
    /// - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
    /// - https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/
    pub static RULE = {
        id: "ISO011", practice: Iso, severity: Medium,
        title: "Unsafe sysctl", profile: "baseline",
    };
}

const SAFE: &[&str] = &[
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
];

pub fn check(pod: &PodView, _: &ClusterContext, out: &mut Vec<Finding>) {
    for sysctl in pod.pod_sc(&["sysctls"]).into_iter().flat_map(Node::items) {
        let Some(name_node) = sysctl.get("name") else {
            continue;
        };
        let name = name_node.as_str().unwrap_or("");
        if !SAFE.contains(&name) {
            out.push(at(
                &RULE,
                pod,
                name_node,
                format!("the pod sets unsafe sysctl {name}"),
            ));
        }
    }
}
