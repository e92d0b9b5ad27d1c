//! LOG004 — asynchronously invoked function without a dead-letter queue or on-failure destination.

use palisade_core::Finding;

use super::Context;
use crate::model::TriggerKind;

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Lambda function with an asynchronous trigger in the template (S3, SNS, EventBridge,
    /// schedules, IoT, CloudWatch Logs...) and neither a dead-letter queue
    /// (`DeadLetterConfig`, `DeadLetterQueue`, `dead_letter_config`, `onError`) nor an
    /// on-failure destination (`EventInvokeConfig`, `destinations.onFailure`,
    /// `aws_lambda_function_event_invoke_config`). Queue and stream pollers retry on their
    /// own and are not reported.
    /// ## Why it matters
    /// After two retries a failed asynchronous event is dropped without a trace: lost
    /// orders, lost audit events, and no signal that anything went wrong.
    /// ## Fix
    /// Add an SQS dead-letter queue or an on-failure destination, and alarm on its depth.
    /// ## References
    /// - https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
    pub static RULE = {
        id: "LOG004", practice: Log, severity: Medium, title: "Async function without dead-letter queue",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for f in ctx.aws_functions() {
        if !f.dead_letter.is_unset() {
            continue;
        }
        if let Some(t) = f.triggers.iter().find(|t| t.kind == TriggerKind::Async) {
            out.push(ctx.finding(&RULE, format!("function {} is invoked asynchronously by {} but failed events have nowhere to go", f.name, t.source), t.pos, &f.resource));
        }
    }
}
