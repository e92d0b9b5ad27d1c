use palisade_core::{declare_rule, Finding};
use palisade_yaml::Node;

use super::at;
use super::iso004_capabilities_baseline::BASELINE_ALLOWED;
use crate::kubernetes::{ClusterContext, PodView};

declare_rule! {
    /// ## What it checks
    /// Workloads that are privileged-adjacent (a privileged container, a host namespace, a
    /// hostPath volume, a capability beyond the baseline set) or exposed outside the cluster
    /// (`hostNetwork`, or selected by a Service of type LoadBalancer or NodePort in the same
    /// scan) and that do not run in a sandboxed runtime: their `runtimeClassName` must name a
    /// RuntimeClass whose handler is gVisor (`runsc`) or Kata Containers (`kata*`). A
    /// RuntimeClass not found in the scan is accepted only when its own name says gVisor,
    /// runsc or Kata.
    /// ## Why it matters
    /// Containers share the node's kernel. For workloads that either hold host-level
    /// privileges or face untrusted traffic, a kernel exploit is a node compromise; a
    /// sandboxed runtime puts a second kernel (gVisor's Sentry, a Kata VM) in between.
    /// ## Fix
    /// Install gVisor or Kata on a node pool, create a RuntimeClass for it, and set
    /// `spec.runtimeClassName` on these workloads; or remove the privileges and exposure.
    /// ## References
    /// - https://kubernetes.io/docs/concepts/containers/runtime-class/
    /// - https://gvisor.dev/docs/user_guide/quick_start/kubernetes/
    /// - https://github.com/kata-containers/kata-containers/blob/main/docs/how-to/run-kata-with-k8s.md
    pub static RULE = {
        id: "ISO021", practice: Iso, severity: Medium,
        title: "Exposed or privileged workload without a sandboxed runtime",
    };
}

fn is_sandbox_handler(handler: &str) -> bool {
    handler == "runsc" || handler.starts_with("kata")
}

/// Why the workload would need a sandbox, if it does.
fn reasons(pod: &PodView, cx: &ClusterContext) -> Vec<String> {
    let mut why = Vec::new();
    if pod
        .containers
        .iter()
        .any(|c| c.sc(&["privileged"]).and_then(Node::as_bool) == Some(true))
    {
        why.push("a privileged container".to_string());
    }
    for key in ["hostNetwork", "hostPID", "hostIPC"] {
        if pod.spec_flag(key).is_some() {
            why.push(format!("{key}: true"));
        }
    }
    if pod.volumes().any(|v| v.get("hostPath").is_some()) {
        why.push("a hostPath volume".to_string());
    }
    if pod.containers.iter().any(|c| {
        c.sc(&["capabilities", "add"])
            .into_iter()
            .flat_map(Node::items)
            .any(|cap| !BASELINE_ALLOWED.contains(&cap.as_str().unwrap_or("")))
    }) {
        why.push("a capability beyond the baseline set".to_string());
    }
    for svc in cx.services_exposing(pod.object.effective_namespace(), &pod.pod_labels) {
        why.push(format!(
            "exposure through {} {}",
            svc.service_type, svc.resource_id
        ));
    }
    why
}

pub fn check(pod: &PodView, cx: &ClusterContext, out: &mut Vec<Finding>) {
    let why = reasons(pod, cx);
    if why.is_empty() {
        return;
    }
    let class = pod.spec.get("runtimeClassName");
    let verdict = match class.and_then(Node::as_str) {
        None => "runs without runtimeClassName".to_string(),
        Some(name) => match cx.runtime_classes.get(name) {
            Some(handler) if is_sandbox_handler(handler) => return,
            Some(handler) => format!(
                "uses RuntimeClass {name} whose handler {handler} is not a sandbox (gVisor runsc or Kata)"
            ),
            None => {
                let lower = name.to_ascii_lowercase();
                if lower.contains("gvisor") || lower.contains("runsc") || lower.contains("kata") {
                    return;
                }
                format!("uses RuntimeClass {name}, which is not in the scan and not named as a sandbox")
            }
        },
    };
    out.push(at(
        &RULE,
        pod,
        class.unwrap_or(pod.spec_key),
        format!("the workload {verdict} but has {}", why.join(", ")),
    ));
}
