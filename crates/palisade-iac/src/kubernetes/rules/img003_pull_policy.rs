use palisade_core::{declare_rule, Finding};
use palisade_yaml::Node;

use super::at;
use super::img001_mutable_tag::ImageRef;
use crate::kubernetes::{ClusterContext, PodView};

declare_rule! {
    /// ## What it checks
    /// An `imagePullPolicy` that contradicts a mutable image reference: `IfNotPresent` or
    /// `Never` with the `latest` tag or no tag, and `Never` with any tag that has no digest.
    /// ## Why it matters
    /// With a mutable tag, `IfNotPresent` keeps whatever version a node pulled first: nodes
    /// drift apart, security fixes pushed under the same tag never arrive, and a node can
    /// run an image that was pre-loaded by someone else.
    /// ## Fix
    /// Pin the image by digest (then `IfNotPresent` is safe), or use `imagePullPolicy: Always`
    /// for mutable tags.
    /// ## References
    /// - https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy
    pub static RULE = {
        id: "IMG003", practice: Img, severity: Low,
        title: "Image pull policy inconsistent with a mutable tag",
    };
}

pub fn check(pod: &PodView, _: &ClusterContext, out: &mut Vec<Finding>) {
    for c in &pod.containers {
        let Some(image) = c.image().and_then(Node::as_str) else {
            continue;
        };
        let Some(policy_node) = c.field("imagePullPolicy") else {
            continue;
        };
        let policy = policy_node.as_str().unwrap_or("");
        let r = ImageRef::parse(image);
        let inconsistent = match policy {
            "IfNotPresent" => r.is_latest(),
            "Never" => r.digest.is_none(),
            _ => false,
        };
        if inconsistent {
            out.push(at(
                &RULE,
                pod,
                policy_node,
                format!(
                    "{} pulls mutable image {image} with imagePullPolicy {policy}",
                    c.describe()
                ),
            ));
        }
    }
}
