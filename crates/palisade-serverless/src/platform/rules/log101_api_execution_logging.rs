//! LOG101 — API stage without execution logging.

use palisade_core::Finding;

use crate::model::Attr;
use crate::rules::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// A REST API stage (`aws_api_gateway_stage`, `AWS::ApiGateway::Stage`) whose method
    /// settings (`aws_api_gateway_method_settings` naming the stage, `MethodSettings`) leave
    /// `logging_level` / `LoggingLevel` at `OFF`, empty or unwritten, or that no method
    /// settings name at all; and a WebSocket API stage (`aws_apigatewayv2_stage`,
    /// `AWS::ApiGatewayV2::Stage` of an API with `protocol_type = "WEBSOCKET"`) whose
    /// `default_route_settings` / `DefaultRouteSettings` does the same. HTTP API stages have
    /// no execution logs and are not judged (access logs are LOG003's). Method settings that
    /// cannot be tied to a stage, and levels that cannot be evaluated, are not judged.
    /// ## Why it matters
    /// Execution logs record what API Gateway did with each request — authorizer decisions,
    /// throttling, integration errors and timeouts with the backing function. Access logs
    /// say who called; without execution logs an attack on an authorizer or a failing
    /// integration leaves no trace of why requests were let through or dropped.
    /// ## Fix
    /// Add method settings for `*/*` with `logging_level = "ERROR"` (or `INFO`, without
    /// `data_trace_enabled` on production stages, which logs full payloads), or
    /// `default_route_settings { logging_level = "ERROR" }` on WebSocket stages; the account
    /// needs an API Gateway CloudWatch role (`aws_api_gateway_account`).
    /// ## References
    /// - https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html
    pub static RULE = {
        id: "LOG101", practice: Log, severity: Low, title: "API stage without execution logging",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for s in &ctx.platform().api_stages {
        if let Attr::Set(level, pos) = &s.logging_level {
            if level == "OFF" {
                out.push(ctx.finding(
                    &RULE,
                    "API stage writes no execution logs (logging level OFF)".to_string(),
                    *pos,
                    &s.resource,
                ));
            }
        }
    }
}
