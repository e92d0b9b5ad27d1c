//! LOG001 — function without active tracing (X-Ray).

use palisade_core::Finding;

use super::Context;
use crate::model::Attr;

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Lambda function whose tracing mode is not `Active`: `TracingConfig.Mode`
    /// (CloudFormation), `Tracing` (SAM, `Globals` included), `tracing_config.mode`
    /// (Terraform), `tracing` / `provider.tracing.lambda` (Serverless Framework).
    /// `PassThrough` is reported too: the function then records nothing unless a caller
    /// already started a trace.
    /// ## Why it matters
    /// Without traces an incident leaves no record of which calls a function made, to which
    /// services, and how long they took: compromised or abused functions go unnoticed.
    /// ## Fix
    /// Set `Tracing: Active` (SAM `Globals.Function`), `TracingConfig: {Mode: Active}`,
    /// `tracing_config { mode = "Active" }`, or `provider.tracing.lambda: true`.
    /// ## References
    /// - https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html
    pub static RULE = {
        id: "LOG001", practice: Log, severity: Low, title: "Function tracing disabled",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for f in ctx.aws_functions() {
        match &f.tracing {
            Attr::Unset => out.push(ctx.finding(
                &RULE,
                format!("function {} has no active tracing", f.name),
                f.pos,
                &f.resource,
            )),
            Attr::Set(false, pos) => out.push(ctx.finding(
                &RULE,
                format!("function {} has tracing set to PassThrough or off", f.name),
                *pos,
                &f.resource,
            )),
            _ => {}
        }
    }
}
