//! IAM policy documents: statements from any front-end's value tree, and the AWS managed
//! policies that make a role an administrator. SAM policy templates are expanded by
//! [`crate::policy_templates`], other managed policies by [`crate::managed_policies`].

use crate::model::{PolicyStatement, Spanned};
use crate::value::{Value, ValueKind};

/// Statements of a policy document (`{Version, Statement: [...]}`) or of a bare statement list.
pub fn statements(document: &Value, source: &str) -> Vec<PolicyStatement> {
    let list = match document.get("Statement") {
        Some(s) => s.one_or_many(),
        None if matches!(document.kind, ValueKind::List(_)) => document.one_or_many(),
        None if document.get("Effect").is_some() => vec![document],
        None => return Vec::new(),
    };
    list.into_iter()
        .filter(|s| s.is_map())
        .map(|s| statement(s, source))
        .collect()
}

/// One statement; keys are matched case-insensitively (Serverless users write `effect`).
pub fn statement(s: &Value, source: &str) -> PolicyStatement {
    let mut st = PolicyStatement {
        allow: s
            .get_ci("Effect")
            .and_then(Value::as_str)
            .map(|e| e.eq_ignore_ascii_case("allow"))
            .unwrap_or(true),
        has_condition: s.get_ci("Condition").is_some(),
        source: source.to_string(),
        pos: s.pos,
        ..PolicyStatement::default()
    };
    let mut unknown = false;
    st.actions = strings(s.get_ci("Action"), &mut unknown);
    st.not_actions = strings(s.get_ci("NotAction"), &mut unknown);
    st.resources = strings(s.get_ci("Resource"), &mut unknown);
    st.not_resources = strings(s.get_ci("NotResource"), &mut unknown);
    st.has_unknown = unknown;
    st
}

fn strings(v: Option<&Value>, unknown: &mut bool) -> Vec<Spanned<String>> {
    let Some(v) = v else { return Vec::new() };
    let mut out = Vec::new();
    for item in v.one_or_many() {
        match item.as_str() {
            Some(s) => out.push(Spanned {
                value: s.to_string(),
                pos: item.pos,
            }),
            None => *unknown = true,
        }
    }
    out
}

/// How dangerous an AWS managed policy is when attached to a function role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ManagedPolicyRisk {
    /// Full administrator: `*` on `*`.
    Admin,
    /// Everything but IAM, or full IAM (which can grant itself everything).
    NearAdmin,
}

/// Classifies a managed policy by ARN or name.
pub fn managed_policy_risk(arn_or_name: &str) -> Option<(ManagedPolicyRisk, &'static str)> {
    let name = arn_or_name.rsplit('/').next().unwrap_or(arn_or_name);
    match name {
        "AdministratorAccess" => Some((ManagedPolicyRisk::Admin, "AdministratorAccess")),
        "PowerUserAccess" => Some((ManagedPolicyRisk::NearAdmin, "PowerUserAccess")),
        "IAMFullAccess" => Some((ManagedPolicyRisk::NearAdmin, "IAMFullAccess")),
        _ => None,
    }
}

/// Whether `pattern` (an IAM action with `*`/`?` wildcards) matches `action`, case-insensitively.
/// The pattern comes from the scanned template: the matcher never backtracks (see
/// [`palisade_core::text::wildcard_match`]).
pub fn action_matches(pattern: &str, action: &str) -> bool {
    palisade_core::text::wildcard_match(pattern, action, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_match_case_insensitively() {
        assert!(action_matches("iam:*", "iam:PassRole"));
        assert!(action_matches("IAM:pass*", "iam:PassRole"));
        assert!(action_matches("*", "s3:GetObject"));
        assert!(!action_matches("s3:Get*", "s3:PutObject"));
        assert!(action_matches("iam:?assRole", "iam:PassRole"));
    }

    #[test]
    fn thirty_stars_and_an_x_answer_at_once() {
        // exponential backtracking took over a minute for 14 stars; a regression hangs here
        let miss = format!("{}X", "*".repeat(30));
        assert!(!action_matches(&miss, "iam:PassRole"));
        assert!(!action_matches(&miss, "iam:CreatePolicyVersion"));
        let hit = format!("{}e", "*".repeat(30));
        assert!(action_matches(&hit, "iam:PassRole"));
        assert!(action_matches(&format!("iam:{}?", "*".repeat(40)), "iam:A"));
        assert!(!action_matches(
            &format!("iam:??{}", "*".repeat(40)),
            "iam:A"
        ));
    }
}
