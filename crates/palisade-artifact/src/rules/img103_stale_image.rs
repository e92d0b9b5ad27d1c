//! IMG103 — image not rebuilt for a long time.

use chrono::{DateTime, NaiveDate};
use palisade_core::{declare_rule, Finding};

use super::ImageContext;

declare_rule! {
    /// ## What it checks
    /// The image's `created` date is older than `[images] stale_after_days` (365 days by
    /// default).
    /// ## Why it matters
    /// Base images receive security fixes continuously; an image that has not been rebuilt
    /// for a year carries every package vulnerability fixed since, even when its base tag
    /// has long been patched.
    /// ## Fix
    /// Rebuild regularly (a scheduled CI job) so the image picks up its base's fixes, and
    /// pin bases by digest with automated update pull requests.
    /// ## References
    /// - https://docs.docker.com/build/building/best-practices/#rebuild-your-images-often
    pub static RULE = {
        id: "IMG103", practice: Img, severity: Low, title: "Image has not been rebuilt recently",
    };
}

/// The creation day of an RFC 3339 timestamp.
pub fn created_day(created: &str) -> Option<NaiveDate> {
    DateTime::parse_from_rfc3339(created.trim())
        .ok()
        .map(|d| d.date_naive())
}

pub fn check(cx: &ImageContext<'_>) -> Vec<Finding> {
    let Some(created) = cx.config.and_then(|c| c.created.as_deref()) else {
        return Vec::new();
    };
    let Some(day) = created_day(created) else {
        return Vec::new();
    };
    // Reproducible builds stamp the epoch; that says nothing about the image's age.
    if day.format("%Y").to_string() == "1970" {
        return Vec::new();
    }
    let age = (cx.today - day).num_days();
    if age <= cx.settings.stale_after_days {
        return Vec::new();
    }
    vec![cx.finding(
        &RULE,
        format!(
            "the image was created on {day}, {age} days ago (limit: {} days)",
            cx.settings.stale_after_days
        ),
        "created",
    )]
}
