//! IMG112 — built from a mutable base tag.

use palisade_core::{declare_rule, Finding};

use super::ImageContext;

declare_rule! {
    /// ## What it checks
    /// The OCI annotations `org.opencontainers.image.base.name` (as a label) name the base
    /// image by a tag (`latest`, or any tag without a digest) and no
    /// `org.opencontainers.image.base.digest` label pins it.
    /// ## Why it matters
    /// A tag can be moved: rebuilding the same Dockerfile tomorrow may pull a different base,
    /// and the image cannot be traced back to the exact base it contains.
    /// ## Fix
    /// Pin the base by digest (`FROM debian:12@sha256:...`) and let a bot propose updates.
    /// ## References
    /// - https://github.com/opencontainers/image-spec/blob/main/annotations.md
    pub static RULE = {
        id: "IMG112", practice: Img, severity: Low, title: "Built from a mutable base tag",
    };
}

pub fn check(cx: &ImageContext<'_>) -> Vec<Finding> {
    let Some(config) = cx.config else {
        return Vec::new();
    };
    let labels = config.run().labels.unwrap_or_default();
    let Some(base) = labels.get("org.opencontainers.image.base.name") else {
        return Vec::new();
    };
    if base.contains("@sha256:") || labels.contains_key("org.opencontainers.image.base.digest") {
        return Vec::new();
    }
    vec![cx.finding(
        &RULE,
        format!("base image `{base}` is named by a tag, not a digest"),
        "LABEL org.opencontainers.image.base.name",
    )]
}
