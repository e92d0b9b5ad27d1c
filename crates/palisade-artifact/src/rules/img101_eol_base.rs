//! IMG101 — base OS past its end of life.

use palisade_core::{declare_rule, Finding};

use super::ImageContext;
use crate::eol::{self, EolStatus};

declare_rule! {
    /// ## What it checks
    /// The image's operating system release (from `os-release` and the release files)
    /// against Palisade's embedded end-of-life table: the release's security support has
    /// ended.
    /// ## Why it matters
    /// Once a release is out of security support, new vulnerabilities in its packages are
    /// never fixed. Vulnerability scanners also stop reporting them, because the distribution
    /// stops publishing advisories: the image looks cleaner while it gets worse.
    /// ## Fix
    /// Rebuild on a supported release of the same distribution (e.g. `debian:12` instead
    /// of `debian:10`) or move to a minimal, maintained base.
    /// ## References
    /// - https://endoflife.date/
    pub static RULE = {
        id: "IMG101", practice: Img, severity: High, title: "Base OS is past its end of life",
    };
}

pub fn check(cx: &ImageContext<'_>) -> Vec<Finding> {
    let Some(os) = cx.os else {
        return Vec::new();
    };
    match eol::status(os, cx.today, cx.settings.eol_warning_days) {
        EolStatus::Ended { eol } => vec![cx.finding(
            &RULE,
            format!(
                "{} reached end of security support on {eol}",
                if os.pretty_name.is_empty() {
                    format!("{} {}", os.id, os.version_id)
                } else {
                    os.pretty_name.clone()
                }
            ),
            &os.source,
        )],
        _ => Vec::new(),
    }
}
