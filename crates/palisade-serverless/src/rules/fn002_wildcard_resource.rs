//! FN002 — function role grants write or sensitive actions on every resource (`*`).

use palisade_core::Finding;

use super::{is_full_wildcard, Context};

palisade_core::declare_rule! {
    /// ## What it checks
    /// An `Allow` statement of a function's role with `Resource: *` and at least one action
    /// that is not read-only (`Get*`, `List*`, `Describe*`...) and not one of the actions
    /// AWS only grants on `*` (CloudWatch Logs delivery, X-Ray, `cloudwatch:PutMetricData`,
    /// VPC network interfaces). Statements with `Action: *` are FN001's.
    /// ## Why it matters
    /// `s3:PutObject` on `*` lets the function overwrite any bucket of the account, not the one
    /// it was written for; a bug or an attacker in the function reaches every resource.
    /// ## Fix
    /// Name the resources: `arn:aws:s3:::my-bucket/*`, `!GetAtt Table.Arn`,
    /// `aws_dynamodb_table.t.arn`.
    /// ## References
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
    pub static RULE = {
        id: "FN002", practice: Fn, severity: Medium, title: "Function role grants actions on every resource",
    };
}

/// Actions that only exist on `*` or only deliver telemetry.
const STAR_ONLY: &[&str] = &[
    "logs:createloggroup",
    "logs:createlogstream",
    "logs:putlogevents",
    "xray:puttracesegments",
    "xray:puttelemetryrecords",
    "xray:getsamplingrules",
    "xray:getsamplingtargets",
    "cloudwatch:putmetricdata",
    "ec2:createnetworkinterface",
    "ec2:deletenetworkinterface",
    "ec2:assignprivateipaddresses",
    "ec2:unassignprivateipaddresses",
];

fn read_only(action: &str) -> bool {
    let Some((_, verb)) = action.split_once(':') else {
        return false;
    };
    ["Get", "List", "Describe", "BatchGet", "Head"]
        .iter()
        .any(|p| verb.starts_with(p))
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for (_, st, resource, users) in ctx.function_statements() {
        let Some(star) = st.resources.iter().find(|r| r.value == "*") else {
            continue;
        };
        if st.actions.iter().any(|a| is_full_wildcard(&a.value)) {
            continue;
        }
        let risky: Vec<&str> = st
            .actions
            .iter()
            .map(|a| a.value.as_str())
            .filter(|a| !STAR_ONLY.contains(&a.to_ascii_lowercase().as_str()) && !read_only(a))
            .collect();
        if risky.is_empty() {
            continue;
        }
        out.push(ctx.finding(
            &RULE,
            format!(
                "statement from {} allows {} on Resource `*` to {users}",
                st.source,
                risky.join(", ")
            ),
            star.pos,
            &resource,
        ));
    }
}
