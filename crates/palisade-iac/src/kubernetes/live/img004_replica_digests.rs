use std::collections::BTreeMap;

use palisade_core::declare_rule;

use super::{finding, items, text, Cluster, LiveFinding};

declare_rule! {
    /// ## What it checks
    /// Pods of one controller (the replicas of a Deployment, the pods of a DaemonSet...)
    /// whose container runs an image given by tag, not digest, and whose nodes report
    /// (`status.containerStatuses[].imageID`) different digests for it.
    /// ## Why it matters
    /// The tag was moved while the workload ran: replicas that look identical run different
    /// code, a rollback or a rescheduled pod pulls yet another build, and what was scanned
    /// or approved is not what serves traffic. A moved tag is also what a registry
    /// compromise looks like.
    /// ## Fix
    /// Reference the image by digest (`image: registry/app@sha256:...`, or `tag@sha256:`),
    /// then roll the workload out so every replica runs that digest.
    /// ## References
    /// - https://kubernetes.io/docs/concepts/containers/images/#image-names
    pub static RULE = {
        id: "IMG004", practice: Img, severity: Medium,
        title: "Replicas run different digests of one image tag",
    };
}

/// The digest of an `imageID` as the kubelet reports it
/// (`docker-pullable://nginx@sha256:...`, `docker.io/library/nginx@sha256:...`).
fn digest(image_id: &str) -> Option<&str> {
    image_id
        .rsplit_once('@')
        .map(|(_, d)| d)
        .filter(|d| d.contains(':'))
}

fn short(digest: &str) -> &str {
    let end = digest.find(':').map_or(0, |i| i + 1) + 12;
    digest.get(..end).unwrap_or(digest)
}

/// Pods per digest.
type Digests<'a> = BTreeMap<&'a str, usize>;

pub(super) fn check(cluster: &Cluster, out: &mut Vec<LiveFinding>) {
    // (controller, container name) -> image as written -> digest -> pods
    let mut seen: BTreeMap<(usize, &str), BTreeMap<&str, Digests>> = BTreeMap::new();
    for pod in cluster.of_kind("Pod") {
        let owner = cluster.top_owner(pod);
        if owner == pod {
            continue;
        }
        let object = cluster.objects[pod];
        for status in items(object, "/status/containerStatuses")
            .iter()
            .chain(items(object, "/status/initContainerStatuses"))
        {
            let image = text(status, "/image");
            let Some(digest) = digest(text(status, "/imageID")) else {
                continue;
            };
            let declared = items(object, "/spec/containers")
                .iter()
                .chain(items(object, "/spec/initContainers"))
                .find(|c| text(c, "/name") == text(status, "/name"))
                .map_or(image, |c| text(c, "/image"));
            if declared.contains("@sha256:") || declared.is_empty() {
                continue;
            }
            *seen
                .entry((owner, text(status, "/name")))
                .or_default()
                .entry(declared)
                .or_default()
                .entry(digest)
                .or_default() += 1;
        }
    }
    for ((owner, container), images) in seen {
        for (image, digests) in images {
            if digests.len() < 2 {
                continue;
            }
            let field = cluster
                .pod_spec(owner)
                .and_then(|spec| {
                    ["containers", "initContainers"].iter().find_map(|list| {
                        items(spec.spec, &format!("/{list}"))
                            .iter()
                            .position(|c| text(c, "/name") == container)
                            .map(|n| format!("{}.{list}[{n}].image", spec.field))
                    })
                })
                .unwrap_or_default();
            let counts: Vec<String> = digests
                .iter()
                .map(|(d, n)| format!("{} ({n} pod{})", short(d), if *n == 1 { "" } else { "s" }))
                .collect();
            out.push(finding(
                &RULE,
                owner,
                field,
                format!(
                    "container \"{container}\" runs {image} as {} different digests across replicas: {}",
                    digests.len(),
                    counts.join(", ")
                ),
            ));
        }
    }
}
