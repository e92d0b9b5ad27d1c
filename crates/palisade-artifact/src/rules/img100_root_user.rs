//! IMG100 — image runs as root.

use palisade_core::{declare_rule, Finding};

use super::ImageContext;

declare_rule! {
    /// ## What it checks
    /// The image configuration's `User`: empty (no `USER` instruction), `root`, `0`, or a
    /// `root`/`0` user with any group.
    /// ## Why it matters
    /// A process running as root inside the container is root on the host's kernel: one
    /// container escape or a writable host mount and the attacker owns the node. Kubernetes
    /// `runAsNonRoot` cannot be enforced against an image that only works as root.
    /// ## Fix
    /// Create an unprivileged user in the Dockerfile and switch to it last:
    /// `RUN useradd -r -u 10001 app` then `USER 10001`.
    /// ## References
    /// - https://docs.docker.com/build/building/best-practices/#user
    /// - https://kubernetes.io/docs/concepts/security/pod-security-standards/
    pub static RULE = {
        id: "IMG100", practice: Img, severity: Medium, title: "Image runs as root",
    };
}

pub fn check(cx: &ImageContext<'_>) -> Vec<Finding> {
    let Some(config) = cx.config else {
        return Vec::new();
    };
    let user = config.run().user.unwrap_or_default();
    let name = user.split(':').next().unwrap_or("").trim();
    if !(name.is_empty() || name == "root" || name == "0") {
        return Vec::new();
    }
    let message = if name.is_empty() {
        "the image sets no USER, so containers run as root".to_string()
    } else {
        format!("the image's USER is `{user}`, so containers run as root")
    };
    vec![cx.finding(&RULE, message, "USER")]
}
