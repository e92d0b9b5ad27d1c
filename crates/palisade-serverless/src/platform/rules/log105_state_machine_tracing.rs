//! LOG105 — Step Functions state machine without X-Ray tracing.

use palisade_core::Finding;

use crate::model::Attr;
use crate::rules::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// A state machine (`aws_sfn_state_machine`, `AWS::StepFunctions::StateMachine`, SAM
    /// `AWS::Serverless::StateMachine`) without X-Ray tracing (`tracing_configuration {
    /// enabled = true }`, `TracingConfiguration.Enabled`, `Tracing.Enabled`; off when
    /// unwritten). Values that cannot be evaluated are not judged.
    /// ## Why it matters
    /// Traces follow one request through the state machine into each function and service
    /// it calls. Without them, a slow or failing step, or an unexpected call, cannot be
    /// traced back to the execution that made it.
    /// ## Fix
    /// `tracing_configuration { enabled = true }`; the role needs `xray:PutTraceSegments`
    /// and `xray:PutTelemetryRecords`.
    /// ## References
    /// - https://docs.aws.amazon.com/step-functions/latest/dg/concepts-xray-tracing.html
    pub static RULE = {
        id: "LOG105", practice: Log, severity: Low, title: "State machine without X-Ray tracing",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for m in &ctx.platform().state_machines {
        if let Attr::Set(false, pos) = m.tracing {
            out.push(ctx.finding(
                &RULE,
                "state machine does not trace its executions (X-Ray tracing off)".to_string(),
                pos,
                &m.resource,
            ));
        }
    }
}
