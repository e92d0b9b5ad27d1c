//! AUTH001 — REST API method anyone can call (no authorizer, no API key).

use palisade_core::Finding;

use super::Context;
use crate::model::{Attr, EndpointAuth, EndpointKind};

palisade_core::declare_rule! {
    /// ## What it checks
    /// An API Gateway REST API method (`AWS::ApiGateway::Method` with
    /// `AuthorizationType: NONE`, `aws_api_gateway_method` with `authorization = "NONE"`, a
    /// SAM `Api` event or a Serverless `http` event) with neither an authorizer (IAM,
    /// Cognito, Lambda) nor a required API key. `OPTIONS` (CORS preflight) is skipped.
    /// ## Why it matters
    /// Anyone on the internet can invoke the function behind it: data exposure, abuse of
    /// its role, and a bill driven by strangers.
    /// ## Fix
    /// Add an authorizer (`Auth.DefaultAuthorizer` on the SAM API, `authorizer:` on the
    /// Serverless event, `AuthorizationType: AWS_IAM`/`COGNITO_USER_POOLS`/`CUSTOM`); if the
    /// endpoint is public on purpose, suppress the finding with the reason.
    /// ## References
    /// - https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-control-access-to-api.html
    pub static RULE = {
        id: "AUTH001", practice: Auth, severity: High, title: "REST API method without authorization",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for e in ctx
        .inv
        .endpoints
        .iter()
        .filter(|e| e.kind == EndpointKind::RestApi)
    {
        if let Attr::Set(EndpointAuth::None, pos) = &e.auth {
            out.push(ctx.finding(
                &RULE,
                format!(
                    "{} has no authorizer and no API key: anyone can call it",
                    e.route
                ),
                *pos,
                &e.resource,
            ));
        }
    }
}
