//! COLD002 — function without a reserved concurrency limit.

use palisade_core::Finding;

use super::Context;
use crate::model::Attr;

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Lambda function with no reserved concurrency (`ReservedConcurrentExecutions`,
    /// `reserved_concurrent_executions`, `reservedConcurrency`).
    /// ## Why it matters
    /// Without a limit one function can take the whole account's concurrency: a flood of
    /// requests throttles every other function of the account and scales the bill with
    /// the attacker's traffic.
    /// ## Fix
    /// Reserve the concurrency the function needs at peak; this both caps it and
    /// guarantees it.
    /// ## References
    /// - https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html
    pub static RULE = {
        id: "COLD002", practice: Cold, severity: Low, title: "No reserved concurrency limit",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for f in ctx.aws_functions() {
        if let Attr::Unset = f.reserved_concurrency {
            out.push(ctx.finding(
                &RULE,
                format!("function {} has no reserved concurrency limit", f.name),
                f.pos,
                &f.resource,
            ));
        }
    }
}
