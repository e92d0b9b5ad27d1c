//! AUTH002 — HTTP API route without an authorizer.

use palisade_core::Finding;

use super::Context;
use crate::model::{Attr, EndpointAuth, EndpointKind};

palisade_core::declare_rule! {
    /// ## What it checks
    /// An API Gateway HTTP API route (`AWS::ApiGatewayV2::Route`, `aws_apigatewayv2_route`,
    /// SAM `HttpApi` event, Serverless `httpApi` event) whose authorization type is `NONE`
    /// or unset and that has no authorizer (JWT, Lambda or IAM).
    /// ## Why it matters
    /// HTTP APIs have no API keys: without an authorizer the route is open to the internet.
    /// ## Fix
    /// Set `AuthorizationType: JWT`/`CUSTOM`/`AWS_IAM` with an `AuthorizerId`, or
    /// `Auth.DefaultAuthorizer` on the SAM `HttpApi`, or `authorizer:` on the Serverless event.
    /// ## References
    /// - https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-access-control.html
    pub static RULE = {
        id: "AUTH002", practice: Auth, severity: High, title: "HTTP API route without authorizer",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for e in ctx
        .inv
        .endpoints
        .iter()
        .filter(|e| e.kind == EndpointKind::HttpApi)
    {
        if let Attr::Set(EndpointAuth::None, pos) = &e.auth {
            out.push(ctx.finding(
                &RULE,
                format!("route {} has no authorizer: anyone can call it", e.route),
                *pos,
                &e.resource,
            ));
        }
    }
}
