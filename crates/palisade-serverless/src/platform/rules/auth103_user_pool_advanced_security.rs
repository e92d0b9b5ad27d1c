//! AUTH103 — Cognito user pool without advanced security enforced.

use palisade_core::Finding;

use crate::model::Attr;
use crate::rules::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Cognito user pool (`aws_cognito_user_pool`, `AWS::Cognito::UserPool`) whose
    /// advanced security mode (`user_pool_add_ons.advanced_security_mode`,
    /// `UserPoolAddOns.AdvancedSecurityMode`) is not `ENFORCED`: `OFF`, unwritten (the
    /// default) or `AUDIT`, which only records risks. Values that cannot be evaluated are
    /// not judged.
    /// ## Why it matters
    /// Enforced advanced security (threat protection) blocks sign-ins with credentials
    /// known to be compromised and challenges risky sign-ins; without it a stolen password
    /// works until the user changes it.
    /// ## Fix
    /// `user_pool_add_ons { advanced_security_mode = "ENFORCED" }` (CloudFormation:
    /// `UserPoolAddOns: { AdvancedSecurityMode: ENFORCED }`); it needs the Plus feature
    /// plan and is billed per active user.
    /// ## References
    /// - https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-settings-threat-protection.html
    pub static RULE = {
        id: "AUTH103", practice: Auth, severity: Low, title: "User pool without advanced security enforced",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for pool in &ctx.platform().user_pools {
        let Attr::Set(mode, pos) = &pool.advanced_security else {
            continue;
        };
        if mode == "ENFORCED" {
            continue;
        }
        out.push(ctx.finding(
            &RULE,
            format!(
                "Cognito user pool does not block compromised credentials or risky sign-ins (advanced security {mode})"
            ),
            *pos,
            &pool.resource,
        ));
    }
}
