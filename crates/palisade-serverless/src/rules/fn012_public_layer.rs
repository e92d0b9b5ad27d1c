//! FN012 — a function's layer is readable by any AWS account.

use palisade_core::Finding;

use super::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// A layer version a function uses whose resource policy lets any account
    /// (`Principal: *`) call `lambda:GetLayerVersion`, without an `aws:PrincipalOrgID`
    /// condition that keeps it inside the organization. The policy is read for the
    /// account's own layers by `palisade cloud aws`.
    /// ## Why it matters
    /// Anyone can download the layer: the function's shared code, its dependencies and
    /// whatever configuration or credentials were packaged with them, which maps the
    /// function's internals for an attacker.
    /// ## Fix
    /// Remove the public statement (`aws lambda remove-layer-version-permission`) and grant
    /// the accounts that need the layer by id, or the organization with `--organization-id`.
    /// ## References
    /// - https://docs.aws.amazon.com/lambda/latest/dg/permissions-layer-cross-account.html
    pub static RULE = {
        id: "FN012", practice: Fn, severity: Medium, title: "Function layer readable by any account",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for f in ctx.aws_functions() {
        for layer in f.layers.iter().filter(|l| l.public == Some(true)) {
            out.push(ctx.finding(
                &RULE,
                format!(
                    "layer {} of function {} may be read by any AWS account",
                    layer.arn.value, f.name
                ),
                layer.arn.pos,
                &f.resource,
            ));
        }
    }
}
