use palisade_core::{declare_rule, Finding};

use super::at;
use crate::kubernetes::{ClusterContext, PodView};

declare_rule! {
    /// ## What it checks
    /// Container images referenced without a tag or with the `latest` tag (and no digest).
    /// ## Why it matters
    /// `latest` (or no tag, which means `latest`) points at whatever was pushed last: two
    /// nodes can run different code under the same manifest, a rollback does not roll back,
    /// and a compromised registry push reaches production at the next pod restart.
    /// ## Fix
    /// Reference a specific version tag, and better a digest:
    /// `image: registry.example.com/app:1.4.2@sha256:...`.
    /// ## References
    /// - https://kubernetes.io/docs/concepts/containers/images/#image-names
    /// - https://kubernetes.io/docs/concepts/configuration/overview/#container-images
    pub static RULE = {
        id: "IMG001", practice: Img, severity: Medium,
        title: "Image without tag or with latest",
    };
}

/// The parts of an image reference that matter to the image rules.
pub struct ImageRef<'a> {
    pub tag: Option<&'a str>,
    pub digest: Option<&'a str>,
}

impl<'a> ImageRef<'a> {
    pub fn parse(image: &'a str) -> ImageRef<'a> {
        let (name, digest) = match image.split_once('@') {
            Some((n, d)) => (n, Some(d)),
            None => (image, None),
        };
        let last_segment = name.rsplit('/').next().unwrap_or(name);
        let tag = last_segment.split_once(':').map(|(_, t)| t);
        ImageRef { tag, digest }
    }

    /// No digest and no tag, or the `latest` tag.
    pub fn is_latest(&self) -> bool {
        self.digest.is_none() && self.tag.is_none_or(|t| t == "latest")
    }
}

pub fn check(pod: &PodView, _: &ClusterContext, out: &mut Vec<Finding>) {
    for c in &pod.containers {
        let Some(node) = c.image() else { continue };
        let Some(image) = node.as_str() else { continue };
        let r = ImageRef::parse(image);
        if r.is_latest() {
            let what = if r.tag.is_some() {
                "the latest tag"
            } else {
                "no tag"
            };
            out.push(at(
                &RULE,
                pod,
                node,
                format!("{} uses image {image} with {what}", c.describe()),
            ));
        }
    }
}
