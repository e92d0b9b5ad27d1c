use palisade_core::{declare_rule, Finding};
use palisade_yaml::Node;

use super::at;
use super::iso004_capabilities_baseline::BASELINE_ALLOWED;
use crate::kubernetes::{ClusterContext, PodView};

declare_rule! {
    /// ## What it checks
    /// Containers (also init and ephemeral) that do not drop `ALL` capabilities, or that add
    /// a capability other than `NET_BIND_SERVICE`. Capabilities outside the baseline set are
    /// reported by ISO004 and not repeated here; pods with `spec.os.name: windows` are exempt.
    /// ## Why it matters
    /// Container runtimes grant a default set of capabilities (CHOWN, DAC_OVERRIDE, SETUID,
    /// NET_RAW...) that most applications never use; NET_RAW alone enables ARP and DNS
    /// spoofing inside the node network.
    /// ## Fix
    /// Set `securityContext.capabilities: {drop: [ALL]}` and add back only
    /// `NET_BIND_SERVICE` when the process binds a port below 1024.
    /// ## References
    /// - https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
    pub static RULE = {
        id: "ISO017", practice: Iso, severity: Low,
        title: "Capabilities not dropped", profile: "restricted",
    };
}

pub fn check(pod: &PodView, _: &ClusterContext, out: &mut Vec<Finding>) {
    if pod.is_windows() {
        return;
    }
    for c in &pod.containers {
        let drop = c.sc(&["capabilities", "drop"]);
        let drops_all = drop
            .into_iter()
            .flat_map(Node::items)
            .any(|n| n.as_str().is_some_and(|s| s.eq_ignore_ascii_case("ALL")));
        if !drops_all {
            out.push(at(
                &RULE,
                pod,
                drop.unwrap_or(c.anchor()),
                format!("{} does not drop ALL capabilities", c.describe()),
            ));
        }
        for cap in c
            .sc(&["capabilities", "add"])
            .into_iter()
            .flat_map(Node::items)
        {
            let name = cap.as_str().unwrap_or("");
            if name != "NET_BIND_SERVICE" && BASELINE_ALLOWED.contains(&name) {
                out.push(at(
                    &RULE,
                    pod,
                    cap,
                    format!(
                        "{} adds capability {name} (restricted allows only NET_BIND_SERVICE)",
                        c.describe()
                    ),
                ));
            }
        }
    }
}
