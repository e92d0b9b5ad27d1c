//! LOG002 — log group without retention, or with retention below the minimum.

use palisade_core::Finding;

use super::Context;
use crate::model::{Attr, Format};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A CloudWatch log group (`AWS::Logs::LogGroup`, `aws_cloudwatch_log_group`, and the one
    /// the Serverless Framework creates for each function when neither `logRetentionInDays`
    /// nor a log group resource of the function's own sets it) without a retention period,
    /// and any log group or function (`logRetentionInDays` in the
    /// Serverless Framework) whose retention is shorter than `min_log_retention_days` of
    /// `[serverless]` in `palisade.toml` (default 30 days).
    /// ## Why it matters
    /// Unset retention keeps logs (and any secrets printed into them) forever at growing
    /// cost; too short a retention destroys the evidence an investigation needs.
    /// ## Fix
    /// Set `RetentionInDays` / `retention_in_days` / `logRetentionInDays` to what your
    /// incident-response and compliance rules ask for (commonly 90 to 365 days).
    /// ## References
    /// - https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/Working-with-log-groups-and-streams.html#SettingLogRetention
    pub static RULE = {
        id: "LOG002", practice: Log, severity: Low, title: "Log retention unset or too short",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    let min = ctx.settings.min_log_retention_days;
    for g in &ctx.inv.log_groups {
        match &g.retention_days {
            Attr::Unset => out.push(ctx.finding(
                &RULE,
                match g.resource.strip_prefix("serverless:function/") {
                    Some(name) => format!(
                        "the log group the Serverless Framework creates for function {name} has no \
                         retention (no logRetentionInDays, no log group resource of its own): \
                         logs are kept forever"
                    ),
                    None => "log group has no retention: logs are kept forever".into(),
                },
                g.pos,
                &g.resource,
            )),
            Attr::Set(d, pos) if *d < min => out.push(ctx.finding(
                &RULE,
                format!("log group keeps logs {d} days, less than the minimum of {min}"),
                *pos,
                &g.resource,
            )),
            _ => {}
        }
    }
    for f in ctx.aws_functions() {
        if let Attr::Set(d, pos) = &f.log_retention_days {
            if *d < min && ctx.inv.format == Format::ServerlessFramework {
                out.push(ctx.finding(
                    &RULE,
                    format!(
                        "function {} keeps logs {d} days, less than the minimum of {min}",
                        f.name
                    ),
                    *pos,
                    &f.resource,
                ));
            }
        }
    }
}
