use palisade_core::{declare_rule, Finding};

use super::at;
use super::img001_mutable_tag::ImageRef;
use crate::kubernetes::{ClusterContext, PodView};

declare_rule! {
    /// ## What it checks
    /// Container images referenced by a tag only, without an `@sha256:` digest. Images
    /// already reported by IMG001 (no tag or `latest`) are not repeated here.
    /// ## Why it matters
    /// Tags are mutable: whoever can push to the repository can change what `app:1.4.2`
    /// means. A digest names exactly one image and is verified by the runtime.
    /// ## Fix
    /// Pin the digest next to the tag (`app:1.4.2@sha256:...`); let a bot such as Renovate
    /// keep it current.
    /// ## References
    /// - https://kubernetes.io/docs/concepts/containers/images/#image-names
    pub static RULE = {
        id: "IMG002", practice: Img, severity: Low,
        title: "Image not pinned by digest",
    };
}

pub fn check(pod: &PodView, _: &ClusterContext, out: &mut Vec<Finding>) {
    for c in &pod.containers {
        let Some(node) = c.image() else { continue };
        let Some(image) = node.as_str() else { continue };
        let r = ImageRef::parse(image);
        if r.digest.is_none() && !r.is_latest() {
            out.push(at(
                &RULE,
                pod,
                node,
                format!("{} uses image {image} without a digest", c.describe()),
            ));
        }
    }
}
