//! FN008 — anyone may invoke the function (resource policy with Principal `*`).

use palisade_core::Finding;

use super::Context;
use crate::model::Attr;

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Lambda resource-based policy (`AWS::Lambda::Permission`, `aws_lambda_permission`)
    /// whose `Principal` is `*` without `SourceArn`, `SourceAccount` or `PrincipalOrgID` to
    /// narrow it. Permissions that exist to make a `NONE`-auth function URL public are
    /// reported by AUTH003 instead.
    /// ## Why it matters
    /// Any AWS account in the world can invoke the function: it runs, and bills, on
    /// strangers' requests, with whatever its role can reach.
    /// ## Fix
    /// Name the calling service or account as principal and add `SourceArn` (the bucket,
    /// topic or API) and `SourceAccount`.
    /// ## References
    /// - https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html
    pub static RULE = {
        id: "FN008", practice: Fn, severity: High, title: "Function invocable by any principal",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for p in &ctx.inv.permissions {
        if let Attr::Set(principal, pos) = &p.principal {
            if principal == "*"
                && !p.source_arn
                && !p.source_account
                && !p.principal_org
                && !p.for_public_url
            {
                out.push(ctx.finding(&RULE, "Principal `*` may invoke the function and no SourceArn, SourceAccount or PrincipalOrgID limits it".into(), *pos, &p.resource));
            }
        }
    }
}
