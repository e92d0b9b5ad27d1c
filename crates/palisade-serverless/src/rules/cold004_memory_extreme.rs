//! COLD004 — memory configured at an extreme.

use palisade_core::{Finding, Severity};

use super::Context;
use crate::model::Attr;

palisade_core::declare_rule! {
    /// ## What it checks
    /// A function whose memory is below `min_memory_mb` (default 128) or above
    /// `max_memory_mb` (default 4096) of `[serverless]` in `palisade.toml`.
    /// ## Why it matters
    /// Lambda gives CPU in proportion to memory: too little makes cold starts and every
    /// invocation slow (and timeouts likely), too much multiplies the cost of every
    /// millisecond, including the ones an attacker makes you pay for.
    /// ## Fix
    /// Measure (e.g. with AWS Lambda Power Tuning) and set the smallest size that meets the
    /// latency goal.
    /// ## References
    /// - https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html
    pub static RULE = {
        id: "COLD004", practice: Cold, severity: Low, title: "Function memory at an extreme",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    let (min, max) = (ctx.settings.min_memory_mb, ctx.settings.max_memory_mb);
    for f in &ctx.inv.functions {
        if let Attr::Set(m, pos) = &f.memory {
            if *m < min {
                out.push(ctx.finding(
                    &RULE,
                    format!("function {} has {m} MB of memory, below {min} MB", f.name),
                    *pos,
                    &f.resource,
                ));
            } else if *m > max {
                out.push(ctx.finding_sev(
                    &RULE,
                    Severity::Info,
                    format!("function {} has {m} MB of memory, above {max} MB", f.name),
                    *pos,
                    &f.resource,
                ));
            }
        }
    }
}
