//! IMG111 — no HEALTHCHECK.

use palisade_core::{declare_rule, Finding};

use super::ImageContext;

declare_rule! {
    /// ## What it checks
    /// The image configuration has no `Healthcheck`, or disables it (`HEALTHCHECK NONE`).
    /// ## Why it matters
    /// Without a health check, Docker and Swarm treat a hung process as healthy and keep
    /// sending it traffic. (Kubernetes ignores image health checks and uses probes: if the
    /// image only runs there, define liveness/readiness probes instead and disable this rule.)
    /// ## Fix
    /// Add `HEALTHCHECK CMD ...` that exercises the service, or define Kubernetes probes.
    /// ## References
    /// - https://docs.docker.com/reference/dockerfile/#healthcheck
    pub static RULE = {
        id: "IMG111", practice: Img, severity: Low, title: "Image defines no health check",
    };
}

pub fn check(cx: &ImageContext<'_>) -> Vec<Finding> {
    let Some(config) = cx.config else {
        return Vec::new();
    };
    let test = config
        .run()
        .healthcheck
        .and_then(|h| h.test)
        .unwrap_or_default();
    match test.first().map(String::as_str) {
        Some("NONE") => vec![cx.finding(
            &RULE,
            "the image disables its health check (HEALTHCHECK NONE)".into(),
            "HEALTHCHECK",
        )],
        Some(_) => Vec::new(),
        None => vec![cx.finding(
            &RULE,
            "the image defines no HEALTHCHECK".into(),
            "HEALTHCHECK",
        )],
    }
}
