//! LOG104 — Step Functions state machine without execution logging.

use palisade_core::{Finding, Severity};

use crate::model::Attr;
use crate::rules::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// A state machine (`aws_sfn_state_machine`, `AWS::StepFunctions::StateMachine`, SAM
    /// `AWS::Serverless::StateMachine`) whose logging level is `OFF` or that writes no
    /// logging configuration (the service default). Express workflows are reported at
    /// medium severity: the service keeps no execution history for them, so their logs are
    /// the only record of what ran. Standard workflows keep 90 days of history in the service
    /// and are reported at low severity. `include_execution_data` is not required: it copies
    /// every input and output, secrets included, into the logs. Values that cannot be
    /// evaluated are not judged.
    /// ## Why it matters
    /// A state machine invokes functions and services with its own role. Without logs, a
    /// failed or abused execution leaves nothing to investigate once its history expires —
    /// or, for express workflows, at once.
    /// ## Fix
    /// `logging_configuration { level = "ERROR" (or "ALL"), log_destination =
    /// "${aws_cloudwatch_log_group.sfn.arn}:*" }` (`LoggingConfiguration` with `Level` and
    /// `Destinations`); the role needs the CloudWatch Logs delivery permissions.
    /// ## References
    /// - https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html
    pub static RULE = {
        id: "LOG104", practice: Log, severity: Medium, title: "State machine without execution logging",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for m in &ctx.platform().state_machines {
        let Attr::Set(level, pos) = &m.log_level else {
            continue;
        };
        if level != "OFF" {
            continue;
        }
        let (severity, message) = match m.express {
            Attr::Set(true, _) => (
                Severity::Medium,
                "express state machine writes no execution logs (logging level OFF), and the service keeps no history for it",
            ),
            Attr::Set(false, _) => (
                Severity::Low,
                "state machine writes no execution logs (logging level OFF): only 90 days of history remain",
            ),
            _ => continue,
        };
        out.push(ctx.finding_sev(&RULE, severity, message.to_string(), *pos, &m.resource));
    }
}
