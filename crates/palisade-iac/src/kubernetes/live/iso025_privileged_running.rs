use std::collections::{BTreeMap, BTreeSet};

use palisade_core::declare_rule;

use super::{containers, finding, items, text, Cluster, LiveFinding};

declare_rule! {
    /// ## What it checks
    /// Pods in phase `Running` with a running container that is privileged
    /// (`securityContext.privileged: true`): not a manifest that asks for it (ISO003) but a
    /// container that has the host's devices and kernel capabilities now, on a named node.
    /// ## Why it matters
    /// A privileged container is root on its node: it can load kernel modules, read every
    /// other pod's files and secrets, and take over the kubelet's credentials. When one is
    /// running, an attacker inside it already holds the node.
    /// ## Fix
    /// Remove `privileged: true` and grant only the capabilities the container needs; for
    /// node agents that truly need it, keep them in a namespace enforcing Pod Security
    /// `privileged` only for them, and list them in the ignore annotation with a reason.
    /// ## References
    /// - https://kubernetes.io/docs/concepts/security/pod-security-standards/
    pub static RULE = {
        id: "ISO025", practice: Iso, severity: Critical,
        title: "Privileged container running",
    };
}

/// One privileged container of a controller: its name, the pods running it, their nodes.
type Running<'a> = (&'a str, Vec<usize>, BTreeSet<&'a str>);

/// (controller, container path) -> what runs there.
pub(super) fn check(cluster: &Cluster, out: &mut Vec<LiveFinding>) {
    let mut running_privileged: BTreeMap<(usize, String), Running> = BTreeMap::new();
    for pod in cluster.of_kind("Pod") {
        let object = cluster.objects[pod];
        if text(object, "/status/phase") != "Running" {
            continue;
        }
        let Some(spec) = object.get("spec") else {
            continue;
        };
        let running = |name: &str| {
            [
                "containerStatuses",
                "initContainerStatuses",
                "ephemeralContainerStatuses",
            ]
            .iter()
            .flat_map(|list| items(object, &format!("/status/{list}")))
            .any(|s| text(s, "/name") == name && s.pointer("/state/running").is_some())
        };
        let owner = cluster.top_owner(pod);
        for (path, container) in containers(spec) {
            let privileged = container
                .pointer("/securityContext/privileged")
                .and_then(palisade_core::Json::as_bool)
                == Some(true);
            let name = text(container, "/name");
            if !privileged || !running(name) {
                continue;
            }
            let entry = running_privileged.entry((owner, path)).or_insert((
                name,
                Vec::new(),
                BTreeSet::new(),
            ));
            entry.1.push(pod);
            match text(object, "/spec/nodeName") {
                "" => {}
                node => {
                    entry.2.insert(node);
                }
            }
        }
    }
    for ((owner, path), (name, pods, nodes)) in running_privileged {
        let spec_field = if pods.contains(&owner) {
            Some("spec".to_string())
        } else {
            cluster.pod_spec(owner).map(|s| s.field)
        };
        let field = spec_field.map_or_else(String::new, |f| {
            format!("{f}.{path}.securityContext.privileged")
        });
        let pods_text = match pods.as_slice() {
            [one] => format!("pod {}", cluster.describe(*one)),
            many => format!("{} pods", many.len()),
        };
        let nodes_text = match nodes.len() {
            0 => String::new(),
            n if n <= 3 => format!(
                " on {}",
                nodes.iter().copied().collect::<Vec<_>>().join(", ")
            ),
            n => format!(
                " on {} and {} more nodes",
                nodes.iter().take(3).copied().collect::<Vec<_>>().join(", "),
                n - 3
            ),
        };
        out.push(finding(
            &RULE,
            owner,
            field,
            format!("container \"{name}\" is running privileged in {pods_text}{nodes_text}"),
        ));
    }
}
