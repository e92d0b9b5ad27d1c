//! IMG109 — SSH port exposed.

use palisade_core::{declare_rule, Finding};

use super::ImageContext;

declare_rule! {
    /// ## What it checks
    /// The image configuration exposes port 22 (`EXPOSE 22`).
    /// ## Why it matters
    /// An SSH server in a container is a second, long-lived way in that bypasses the
    /// orchestrator's access control and audit (`kubectl exec` is logged; SSH keys in an
    /// image are not rotated).
    /// ## Fix
    /// Remove the SSH server and `EXPOSE 22`; use `kubectl exec` or `docker exec` for
    /// debugging, and ephemeral debug containers.
    /// ## References
    /// - https://docs.docker.com/reference/dockerfile/#expose
    pub static RULE = {
        id: "IMG109", practice: Img, severity: Medium, title: "SSH port exposed",
    };
}

pub fn check(cx: &ImageContext<'_>) -> Vec<Finding> {
    let Some(config) = cx.config else {
        return Vec::new();
    };
    let ports = config.run().exposed_ports.unwrap_or_default();
    ports
        .keys()
        .filter(|p| p.split('/').next() == Some("22"))
        .map(|p| {
            cx.finding(
                &RULE,
                format!("the image exposes {p}"),
                &format!("EXPOSE {p}"),
            )
        })
        .collect()
}
