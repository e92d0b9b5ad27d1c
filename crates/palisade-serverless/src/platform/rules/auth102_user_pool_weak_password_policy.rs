//! AUTH102 — Cognito user pool with a weak password policy.

use palisade_core::{Finding, Severity};

use crate::model::Attr;
use crate::rules::Context;

/// The length CIS and the peers' checks ask for.
const MIN_LENGTH: i64 = 14;

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Cognito user pool (`aws_cognito_user_pool`, `AWS::Cognito::UserPool`) whose
    /// password policy (`password_policy`, `Policies.PasswordPolicy`) does not require
    /// every character class — lowercase, uppercase, numbers and symbols (medium) — or
    /// allows passwords shorter than 14 characters (low). A pool without a policy gets
    /// Cognito's default (8 characters, every class) and is reported at low; in a written
    /// policy an unwritten `require_*` switch is off. Values that cannot be evaluated are
    /// not judged.
    /// ## Why it matters
    /// Short passwords and passwords from a small alphabet fall to guessing and credential
    /// stuffing; for a pool that signs users in to the APIs in front of functions, that is
    /// account takeover.
    /// ## Fix
    /// `password_policy { minimum_length = 14, require_lowercase = true,
    /// require_uppercase = true, require_numbers = true, require_symbols = true }` (or the
    /// `Policies.PasswordPolicy` properties), together with MFA (AUTH100).
    /// ## References
    /// - https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-policies.html
    /// - https://www.cisecurity.org/benchmark/amazon_web_services
    pub static RULE = {
        id: "AUTH102", practice: Auth, severity: Medium, title: "User pool with a weak password policy",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for pool in &ctx.platform().user_pools {
        let Attr::Set(policy, pos) = &pool.password_policy else {
            continue;
        };
        let mut weak = Vec::new();
        if !policy.missing_classes.is_empty() {
            weak.push(format!(
                "does not require {}",
                policy.missing_classes.join(", ")
            ));
        }
        if policy.min_length < MIN_LENGTH {
            weak.push(format!(
                "accepts passwords of {} characters (fewer than {MIN_LENGTH})",
                policy.min_length
            ));
        }
        if weak.is_empty() {
            continue;
        }
        let severity = if policy.missing_classes.is_empty() {
            Severity::Low
        } else {
            Severity::Medium
        };
        out.push(ctx.finding_sev(
            &RULE,
            severity,
            format!("Cognito user pool password policy {}", weak.join("; ")),
            *pos,
            &pool.resource,
        ));
    }
}
