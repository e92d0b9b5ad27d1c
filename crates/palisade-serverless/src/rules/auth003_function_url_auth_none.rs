//! AUTH003 — Lambda function URL with `AuthType: NONE`.

use palisade_core::Finding;

use super::Context;
use crate::model::Attr;

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Lambda function URL (`AWS::Lambda::Url`, SAM `FunctionUrlConfig`,
    /// `aws_lambda_function_url`, Serverless `url:`) whose auth type is `NONE`, on the
    /// function itself or on one of its aliases (`Qualifier`; live scans read every URL with
    /// `lambda:ListFunctionUrlConfigs`).
    /// ## Why it matters
    /// The function gets a public HTTPS address that anyone can call with no signature, no
    /// throttling plan and no WAF in front of it.
    /// ## Fix
    /// Use `AuthType: AWS_IAM` (Serverless: `url: { authorizer: aws_iam }`) and sign calls,
    /// or put the function behind API Gateway with an authorizer.
    /// ## References
    /// - https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html
    pub static RULE = {
        id: "AUTH003", practice: Auth, severity: High, title: "Function URL without authentication",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for f in &ctx.inv.functions {
        for (alias, url) in f.urls() {
            if let Attr::Set(t, pos) = &url.auth_type {
                if t.eq_ignore_ascii_case("NONE") {
                    let of = alias.map(|a| format!(" (alias {a})")).unwrap_or_default();
                    out.push(ctx.finding(
                        &RULE,
                        format!(
                            "function {}{of} has a public URL with AuthType NONE",
                            f.name
                        ),
                        *pos,
                        &f.resource,
                    ));
                }
            }
        }
    }
    for (resource, url) in &ctx.inv.detached_urls {
        if let Attr::Set(t, pos) = &url.auth_type {
            if t.eq_ignore_ascii_case("NONE") {
                out.push(ctx.finding(
                    &RULE,
                    "function URL with AuthType NONE".into(),
                    *pos,
                    resource,
                ));
            }
        }
    }
}
