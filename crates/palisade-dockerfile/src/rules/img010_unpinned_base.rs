//! IMG010 — base image without a pinned tag or digest.

use palisade_core::Severity;

use super::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// Every `FROM` whose image has no tag (which means `latest`), the tag `latest`, or a
    /// tag that comes from a build argument without a default (so the file alone does not
    /// say which image is built on). `scratch`, earlier stages (`FROM builder`) and
    /// digests (`image@sha256:...`) pass.
    ///
    /// ## Why it matters
    /// `latest` moves: the same Dockerfile builds a different image tomorrow, a base with
    /// new vulnerabilities or a new major version can slip in unreviewed, and a scan of
    /// today's image says nothing about the next build.
    ///
    /// ## Fix
    /// Pin a version tag (`FROM node:20.11-bookworm-slim`), or better a digest
    /// (`FROM node:20.11-bookworm-slim@sha256:...`) refreshed by a bot such as Renovate or
    /// Dependabot. Give build arguments used in `FROM` a pinned default.
    ///
    /// ## References
    /// - https://docs.docker.com/build/building/best-practices/#from
    /// - https://docs.docker.com/reference/dockerfile/#from
    pub static RULE = {
        id: "IMG010", practice: Img, severity: Medium,
        title: "Base image not pinned to a version",
    };
}

/// What is wrong with an image reference's version, if anything.
pub(crate) fn unpinned_reason(image: &str) -> Option<&'static str> {
    if image.contains('@') {
        return None;
    }
    let last_segment = image.rsplit('/').next().unwrap_or(image);
    match last_segment.split_once(':') {
        None => Some("has no tag, so it means `latest`"),
        Some((_, tag)) if tag.eq_ignore_ascii_case("latest") => Some("uses the `latest` tag"),
        Some((_, "")) => Some("has an empty tag"),
        Some(_) => None,
    }
}

pub fn check(cx: &mut Context) {
    for stage in cx.all_stages() {
        if stage.parent.is_some() || stage.is_scratch() {
            continue;
        }
        match &stage.base.resolved {
            Some(image) => {
                if let Some(reason) = unpinned_reason(image) {
                    let shown = if *image == stage.base.written {
                        format!("`{image}`")
                    } else {
                        format!("`{}` (= `{image}`)", stage.base.written)
                    };
                    cx.report(
                        &RULE,
                        stage.line,
                        stage,
                        format!("base image {shown} {reason}"),
                    );
                }
            }
            None => {
                cx.report_with(
                    &RULE,
                    stage.line,
                    stage,
                    format!(
                        "base image `{}` depends on a build argument without a default: the version cannot be checked",
                        stage.base.written
                    ),
                    Some(Severity::Low),
                );
            }
        }
    }
}
