//! IMG106 — ADD from a remote URL.

use palisade_core::{declare_rule, Finding};

use super::ImageContext;

declare_rule! {
    /// ## What it checks
    /// History entries made by `ADD` with an `http://` or `https://` source.
    /// ## Why it matters
    /// `ADD <url>` downloads whatever the server returns at build time, without checksum
    /// verification (unless `--checksum` is given): a compromised or changed download ends
    /// up in the image silently, and the build is not reproducible.
    /// ## Fix
    /// Download with `curl -fsSLo` and verify a pinned checksum in the same `RUN`, or use
    /// `ADD --checksum=sha256:...` (BuildKit).
    /// ## References
    /// - https://docs.docker.com/reference/dockerfile/#add
    pub static RULE = {
        id: "IMG106", practice: Img, severity: Medium, title: "ADD from a remote URL",
    };
}

pub fn check(cx: &ImageContext<'_>) -> Vec<Finding> {
    let Some(config) = cx.config else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut layer = 0usize;
    for entry in config.history() {
        let this_layer = layer;
        if !entry.empty_layer {
            layer += 1;
        }
        let Some(cmd) = entry.created_by.as_deref() else {
            continue;
        };
        let cleaned = crate::config::clean_created_by(cmd);
        let Some(rest) = cleaned.strip_prefix("ADD ") else {
            continue;
        };
        if rest.contains("--checksum=") {
            continue;
        }
        if let Some(url) = rest
            .split_whitespace()
            .find(|w| w.starts_with("http://") || w.starts_with("https://"))
        {
            out.push(cx.layer_finding(
                &RULE,
                format!("layer added from {url} without a checksum"),
                &format!("history: {}", super::truncate(&cleaned, 80)),
                this_layer.min(cx.layers.len().saturating_sub(1)),
            ));
        }
    }
    out
}
