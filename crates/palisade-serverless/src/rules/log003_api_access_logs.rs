//! LOG003 — API stage without access logging.

use palisade_core::Finding;

use super::Context;
use crate::model::Attr;

palisade_core::declare_rule! {
    /// ## What it checks
    /// An API Gateway stage (`AWS::ApiGateway::Stage`, `AWS::ApiGatewayV2::Stage`,
    /// `aws_api_gateway_stage`, `aws_apigatewayv2_stage`), a SAM `Api`/`HttpApi` (explicit
    /// or the implicit one its events create, `Globals` included) or a Serverless service
    /// with `http`/`httpApi` events, that sends no access logs (`AccessLogSetting`,
    /// `access_log_settings`, `provider.logs.restApi` / `httpApi`).
    /// ## Why it matters
    /// Access logs are the record of who called which route from where; without them abuse
    /// of a public API cannot be traced or even noticed.
    /// ## Fix
    /// Configure an access log destination (a log group ARN) and format on the stage.
    /// ## References
    /// - https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html
    pub static RULE = {
        id: "LOG003", practice: Log, severity: Medium, title: "API stage without access logging",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for s in &ctx.inv.stages {
        if let Attr::Set(false, pos) = &s.access_logging {
            out.push(ctx.finding(
                &RULE,
                "API stage sends no access logs".into(),
                *pos,
                &s.resource,
            ));
        }
    }
}
