//! FN011 — function runs a layer published by another account.

use palisade_core::Finding;

use super::Context;
use crate::model::arn_account;

palisade_core::declare_rule! {
    /// ## What it checks
    /// A function whose `Layers` include a layer version ARN of an account other than the
    /// function's own, unless that account is listed in `trusted_layer_accounts`
    /// (`[serverless]` in `palisade.toml`). The function's account is known for deployed
    /// functions (`palisade cloud aws`) and for templates that give the function's role as
    /// a literal ARN; a template that leaves it to deploy time is not judged, and neither is
    /// a layer of the template itself or one whose ARN is built at deploy time.
    /// ## Why it matters
    /// A layer's code runs inside the function, with its role, its environment variables
    /// and its event data. Its owner can publish a new version at any time, and the
    /// function's account cannot see or scan what that version contains before it is used.
    /// ## Fix
    /// Copy the layer into your own account (or build its content into the deployment
    /// package) and pin the version; if the publisher is trusted (a vendor, the
    /// organization's layer account) add its account id to `trusted_layer_accounts`.
    /// ## References
    /// - https://docs.aws.amazon.com/lambda/latest/dg/chapter-layers.html
    /// - https://docs.aws.amazon.com/lambda/latest/dg/permissions-layer-cross-account.html
    pub static RULE = {
        id: "FN011", practice: Fn, severity: Medium, title: "Function layer from another account",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for f in ctx.aws_functions() {
        let Some(own) = f.account() else {
            continue;
        };
        for layer in &f.layers {
            let Some(owner) = arn_account(&layer.arn.value) else {
                continue;
            };
            if owner == own
                || ctx
                    .settings
                    .trusted_layer_accounts
                    .iter()
                    .any(|t| t == owner)
            {
                continue;
            }
            out.push(ctx.finding(
                &RULE,
                format!(
                    "function {} runs layer {} published by account {owner}, not its own ({own})",
                    f.name, layer.arn.value
                ),
                layer.arn.pos,
                &f.resource,
            ));
        }
    }
}
