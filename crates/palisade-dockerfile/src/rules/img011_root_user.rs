//! IMG011 — the image runs as root.

use palisade_core::Severity;

use super::Context;
use crate::local_images::{chain_base, FinalUser};
use crate::parse::expand;

palisade_core::declare_rule! {
    /// ## What it checks
    /// The user the container starts as: the last `USER` of the final stage (or of the
    /// stages it is built on). It fails when there is no `USER` at all, or when the last
    /// one is `root` or UID `0`. For a built image, the `User` of its configuration.
    /// Bases whose tag says they run unprivileged (`:nonroot`, `-rootless`) and AWS Lambda
    /// base images (Lambda runs functions as an unprivileged user whatever `USER` says)
    /// pass without a `USER`. Build stages that are not shipped are not checked.
    /// When the base is an image the scanned tree builds itself (a Compose service or a
    /// `docker build -t` line naming it), the user its Dockerfile ends with is inherited;
    /// when the base's user cannot be known, the finding says so and is medium, not high
    /// (`scratch` has no user and stays high).
    ///
    /// ## Why it matters
    /// A process running as root inside the container is root on the host if it escapes
    /// (a kernel or runtime bug, a mounted socket, a privileged pod), and it can rewrite
    /// every file of the image at run time.
    ///
    /// ## Fix
    /// Create an unprivileged user and switch to it at the end of the final stage:
    /// `RUN useradd --uid 10001 --no-create-home app` then `USER 10001`. Use a numeric
    /// UID so that Kubernetes `runAsNonRoot` can verify it.
    ///
    /// ## References
    /// - https://docs.docker.com/build/building/best-practices/#user
    /// - https://kubernetes.io/docs/concepts/security/pod-security-standards/
    pub static RULE = {
        id: "IMG011", practice: Img, severity: High,
        title: "Image runs as root",
    };
}

/// Whether a `USER` value (`root`, `0`, `0:0`, `root:staff`) names the root user.
pub(crate) fn is_root_user(value: &str) -> bool {
    let user = value.trim().split(':').next().unwrap_or("").trim();
    user.eq_ignore_ascii_case("root") || user == "0"
}

/// Bases that say in their name that they already run as an unprivileged user, and AWS
/// Lambda base images (Lambda ignores `USER` and runs functions as an unprivileged user).
pub(crate) fn base_runs_unprivileged(image: &str) -> bool {
    let lower = image.to_ascii_lowercase();
    lower.contains("nonroot")
        || lower.contains("non-root")
        || lower.contains("rootless")
        || is_lambda_base(&lower)
}

/// `public.ecr.aws/lambda/python:3.12`, `amazon/aws-lambda-nodejs:20`.
pub(crate) fn is_lambda_base(image: &str) -> bool {
    let lower = image.to_ascii_lowercase();
    lower.starts_with("public.ecr.aws/lambda/") || lower.starts_with("amazon/aws-lambda-")
}

pub fn check(cx: &mut Context) {
    let df = cx.df;
    let Some(final_stage) = df.final_stage() else {
        return;
    };
    // Later stages first; within a stage the last USER wins.
    for stage in df.shipped_stages() {
        let range = stage.instructions.clone();
        if let Some(i) = range.rev().find(|&i| df.instructions[i].is("USER")) {
            let ins = &df.instructions[i];
            let (value, complete) = expand(ins.text().trim(), &df.variables_at(i));
            if complete && is_root_user(&value) {
                cx.report(
                    &RULE,
                    ins.line,
                    final_stage,
                    format!(
                        "the last USER is `{}`: the container runs as root",
                        ins.text().trim()
                    ),
                );
            }
            return;
        }
        if stage
            .base
            .resolved
            .as_deref()
            .is_some_and(base_runs_unprivileged)
        {
            return;
        }
    }
    let base = chain_base(df);
    let local = base
        .as_deref()
        .and_then(|b| cx.local_images.and_then(|l| l.get(b)));
    match (base.as_deref(), local) {
        (_, Some(img)) => match &img.user {
            FinalUser::NonRoot(_) => {}
            FinalUser::Root(user) => {
                let message = format!(
                    "the final stage sets no USER and its base `{}`, built by {}, runs as `{user}`: \
                     the container runs as root",
                    base.as_deref().unwrap_or(""),
                    img.dockerfile
                );
                cx.report(&RULE, final_stage.line, final_stage, message);
            }
            FinalUser::Unknown => unknown_base(cx, base.as_deref().unwrap_or("")),
        },
        (Some(b), None) if b.eq_ignore_ascii_case("scratch") => {
            cx.report(
                &RULE,
                final_stage.line,
                final_stage,
                "the final stage sets no USER on `scratch`: the container runs as root",
            );
        }
        (Some(b), None) => unknown_base(cx, b),
        (None, None) => unknown_base(cx, &final_stage.base.written),
    }
}

/// No `USER` anywhere and a base whose user Palisade cannot see: root unless the base sets
/// a user, so reported at a lower severity and saying so.
fn unknown_base(cx: &mut Context, base: &str) {
    let df = cx.df;
    let Some(final_stage) = df.final_stage() else {
        return;
    };
    cx.report_with(
        &RULE,
        final_stage.line,
        final_stage,
        format!(
            "the final stage sets no USER and the base image's user is unknown (`{base}`): \
             the container runs as root unless that image sets a non-root USER"
        ),
        Some(Severity::Medium),
    );
}
