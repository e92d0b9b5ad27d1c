//! IMG102 — base OS reaches its end of life soon.

use palisade_core::{declare_rule, Finding};

use super::ImageContext;
use crate::eol::{self, EolStatus};

declare_rule! {
    /// ## What it checks
    /// The image's operating system release reaches the end of its security support within
    /// the warning window (90 days unless `[images] eol_warning_days` says otherwise).
    /// ## Why it matters
    /// Moving to a new release takes testing; starting when support has already ended
    /// leaves the image unpatched in between.
    /// ## Fix
    /// Plan the move to the next supported release of the distribution now.
    /// ## References
    /// - https://endoflife.date/
    pub static RULE = {
        id: "IMG102", practice: Img, severity: Low, title: "Base OS reaches its end of life soon",
    };
}

pub fn check(cx: &ImageContext<'_>) -> Vec<Finding> {
    let Some(os) = cx.os else {
        return Vec::new();
    };
    match eol::status(os, cx.today, cx.settings.eol_warning_days) {
        EolStatus::EndingSoon { eol, days_left } => vec![cx.finding(
            &RULE,
            format!(
                "{} {} ends security support on {eol}, in {days_left} days",
                os.id,
                os.cycle()
            ),
            &os.source,
        )],
        _ => Vec::new(),
    }
}
