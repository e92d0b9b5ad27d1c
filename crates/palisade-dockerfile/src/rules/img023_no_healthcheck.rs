//! IMG023 — no HEALTHCHECK.

use super::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// The final stage (and the stages it is built on) has no `HEALTHCHECK` instruction.
    /// `HEALTHCHECK NONE` counts as a decision and passes, and so do AWS Lambda base images
    /// (Lambda does not use container health checks). For a built image, a
    /// configuration without `Healthcheck`.
    ///
    /// ## Why it matters
    /// Without a health check, Docker and Swarm only know whether the process exists, not
    /// whether it still serves; a hung service is never restarted. (Kubernetes ignores
    /// `HEALTHCHECK` and uses probes: set `livenessProbe`/`readinessProbe` there instead.)
    ///
    /// ## Fix
    /// `HEALTHCHECK --interval=30s --timeout=3s CMD ["/app", "healthcheck"]`, or
    /// `HEALTHCHECK NONE` when the orchestrator probes the container itself.
    ///
    /// ## References
    /// - https://docs.docker.com/reference/dockerfile/#healthcheck
    pub static RULE = {
        id: "IMG023", practice: Img, severity: Low,
        title: "No HEALTHCHECK",
    };
}

pub fn check(cx: &mut Context) {
    let df = cx.df;
    let Some(final_stage) = df.final_stage() else {
        return;
    };
    let shipped = df.shipped_stages();
    let lambda = shipped.iter().any(|s| {
        s.base
            .resolved
            .as_deref()
            .is_some_and(super::img011_root_user::is_lambda_base)
    });
    let has = shipped
        .iter()
        .any(|s| df.stage_instructions(s).iter().any(|i| i.is("HEALTHCHECK")));
    if lambda {
        return;
    }
    if !has {
        cx.report(
            &RULE,
            final_stage.line,
            final_stage,
            "the final stage has no HEALTHCHECK",
        );
    }
}
