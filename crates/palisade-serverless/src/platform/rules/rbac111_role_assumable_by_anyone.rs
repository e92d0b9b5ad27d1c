//! RBAC111 — IAM role whose trust policy lets anyone assume it.

use palisade_core::Finding;

use crate::rules::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// An IAM role (`aws_iam_role` `assume_role_policy`, `AWS::IAM::Role`
    /// `AssumeRolePolicyDocument`) with an Allow statement whose principal is `*` or
    /// `{"AWS": "*"}` and that has no `Condition`. Service principals, accounts and
    /// statements narrowed by conditions (external id, organization id) are not reported.
    /// ## Why it matters
    /// Any AWS account in the world can call `sts:AssumeRole` on it and receive the role's
    /// permissions; the role's ARN is all an attacker needs, and ARNs leak in logs and code.
    /// ## Fix
    /// Name the accounts, roles or services that may assume the role, and add conditions
    /// such as `sts:ExternalId` or `aws:PrincipalOrgID` for cross-account access.
    /// ## References
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-user_externalid.html
    pub static RULE = {
        id: "RBAC111", practice: Rbac, severity: Critical, title: "IAM role assumable by anyone",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for (resource, pos) in &ctx.platform().public_trusts {
        out.push(ctx.finding(
            &RULE,
            "trust policy lets any AWS principal assume the role (Principal * without Condition)"
                .to_string(),
            *pos,
            resource,
        ));
    }
}
