//! NET241 — internet-facing REST API stage without a web application firewall.

use palisade_core::Finding;

use crate::model::Attr;
use crate::rules::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// An API Gateway REST stage (`aws_api_gateway_stage`) of an API declared in the same
    /// module whose endpoint is not `PRIVATE` (`EDGE`, the default, or `REGIONAL`), when no
    /// `aws_wafv2_web_acl_association` or `aws_wafregional_web_acl_association` of the
    /// module names the stage in `resource_arn`. When an association's target cannot be
    /// resolved, or the API is declared elsewhere, the stage is not judged.
    /// ## Why it matters
    /// The stage hands every request to the functions behind it. Without a web ACL nothing
    /// in front of them rate-limits abusive clients or blocks the common injection and
    /// scanning payloads that AWS managed rule groups recognise; every such request runs,
    /// and is billed, as a function invocation.
    /// ## Fix
    /// Associate an `aws_wafv2_web_acl` of scope `REGIONAL` (with the AWS managed core rule
    /// set and a rate-based rule): `aws_wafv2_web_acl_association { resource_arn =
    /// aws_api_gateway_stage.<name>.arn, web_acl_arn = aws_wafv2_web_acl.<name>.arn }`.
    /// ## References
    /// - https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-control-access-aws-waf.html
    pub static RULE = {
        id: "NET241", practice: Net, severity: Low, title: "Internet-facing API stage without a web application firewall",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for s in &ctx.platform().api_stage_waf {
        if let Attr::Set(false, pos) = s.web_acl {
            out.push(ctx.finding(
                &RULE,
                "internet-facing REST API stage has no WAF web ACL associated".to_string(),
                pos,
                &s.resource,
            ));
        }
    }
}
