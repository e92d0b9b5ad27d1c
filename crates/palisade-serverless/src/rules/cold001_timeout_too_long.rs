//! COLD001 — function timeout above the configured maximum.

use palisade_core::Finding;

use super::Context;
use crate::model::Attr;

palisade_core::declare_rule! {
    /// ## What it checks
    /// A function whose timeout is above `max_timeout_seconds` of `[serverless]` in
    /// `palisade.toml` (default 300 seconds).
    /// ## Why it matters
    /// A hung dependency or a slow-loris caller keeps each invocation billing until the
    /// timeout; with a long timeout and no concurrency limit that is denial of wallet, and
    /// synchronous callers (API Gateway stops at 29 s) get nothing from the extra time.
    /// ## Fix
    /// Set the timeout a little above the function's real worst case; move long work to
    /// Step Functions or a queue.
    /// ## References
    /// - https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html
    pub static RULE = {
        id: "COLD001", practice: Cold, severity: Low, title: "Function timeout above maximum",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    let max = ctx.settings.max_timeout_seconds;
    for f in &ctx.inv.functions {
        if let Attr::Set(t, pos) = &f.timeout {
            if *t > max {
                out.push(ctx.finding(
                    &RULE,
                    format!(
                        "function {} times out after {t} s, above the maximum of {max} s",
                        f.name
                    ),
                    *pos,
                    &f.resource,
                ));
            }
        }
    }
}
