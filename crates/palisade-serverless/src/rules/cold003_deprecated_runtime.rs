//! COLD003 — deprecated or end-of-life runtime.

use palisade_core::Finding;

use super::Context;
use crate::model::Attr;
use crate::runtimes;

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Lambda function whose runtime reached its AWS deprecation date (the table in
    /// `runtimes.rs`, e.g. `python3.8` on 2024-10-14, `nodejs16.x` on 2024-06-12, `go1.x`
    /// and `java8` on 2024-01-08). The day compared with is today, or `runtime_cutoff` of
    /// `[serverless]` in `palisade.toml`.
    /// ## Why it matters
    /// Deprecated runtimes get no security patches, and AWS later blocks creating and then
    /// updating functions on them, so a fix cannot even be deployed in a hurry.
    /// ## Fix
    /// Move to the supported runtime the finding names and redeploy.
    /// ## References
    /// - https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html
    pub static RULE = {
        id: "COLD003", practice: Cold, severity: Medium, title: "Deprecated function runtime",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    let today = ctx
        .settings
        .runtime_cutoff
        .clone()
        .unwrap_or_else(runtimes::today);
    for f in ctx.aws_functions() {
        if let Attr::Set(rt, pos) = &f.runtime {
            if let Some((date, next)) = runtimes::deprecated(rt, &today) {
                out.push(ctx.finding(
                    &RULE,
                    format!(
                        "function {} uses {rt}, deprecated since {date}; move to {next}",
                        f.name
                    ),
                    *pos,
                    &f.resource,
                ));
            }
        }
    }
}
