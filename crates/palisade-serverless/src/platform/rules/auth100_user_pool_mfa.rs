//! AUTH100 — Cognito user pool without multi-factor authentication.

use palisade_core::Finding;

use crate::model::Attr;
use crate::rules::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Cognito user pool (`aws_cognito_user_pool`, `AWS::Cognito::UserPool`) whose
    /// `mfa_configuration` / `MfaConfiguration` is `OFF` or unwritten (the service default),
    /// and a pool that sets it `ON` or `OPTIONAL` without configuring any second factor
    /// (`sms_configuration`, `software_token_mfa_configuration { enabled = true }`,
    /// `email_mfa_configuration`; `SmsConfiguration` or `EnabledMfas`). `OPTIONAL` with a
    /// factor is a product decision and is not reported. Values that cannot be evaluated
    /// are not judged.
    /// ## Why it matters
    /// The pool signs users in to the APIs in front of functions. With a password as the
    /// only factor, credential stuffing and phishing turn into account takeover.
    /// ## Fix
    /// `mfa_configuration = "ON"` (or `"OPTIONAL"` while users enrol) with
    /// `software_token_mfa_configuration { enabled = true }`; SMS needs an
    /// `sms_configuration` with an SNS role.
    /// ## References
    /// - https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-mfa.html
    pub static RULE = {
        id: "AUTH100", practice: Auth, severity: Medium, title: "User pool without multi-factor authentication",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for pool in &ctx.platform().user_pools {
        let Attr::Set(mfa, pos) = &pool.mfa else {
            continue;
        };
        let message = if mfa == "OFF" {
            "Cognito user pool signs users in with a password only (MFA off)".to_string()
        } else if let Attr::Set(false, _) = pool.second_factor {
            format!(
                "Cognito user pool sets MFA {mfa} but configures no second factor (SMS, software token or email)"
            )
        } else {
            continue;
        };
        out.push(ctx.finding(&RULE, message, *pos, &pool.resource));
    }
}
