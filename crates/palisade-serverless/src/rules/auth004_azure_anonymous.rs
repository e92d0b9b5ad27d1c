//! AUTH004 — Azure Functions HTTP trigger with `authLevel: anonymous`.

use palisade_core::Finding;

use super::Context;
use crate::model::{Attr, EndpointAuth, EndpointKind};

palisade_core::declare_rule! {
    /// ## What it checks
    /// An `httpTrigger` binding of an Azure Functions `function.json` with
    /// `authLevel: anonymous`.
    /// ## Why it matters
    /// Anyone who finds the URL can call the function; no function or host key is needed.
    /// ## Fix
    /// Use `authLevel: function` (a key per function) or put App Service authentication /
    /// API Management in front of the function app.
    /// ## References
    /// - https://learn.microsoft.com/azure/azure-functions/functions-bindings-http-webhook-trigger#http-auth
    pub static RULE = {
        id: "AUTH004", practice: Auth, severity: High, title: "Azure HTTP function allows anonymous access",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for e in ctx
        .inv
        .endpoints
        .iter()
        .filter(|e| e.kind == EndpointKind::AzureHttp)
    {
        if let Attr::Set(EndpointAuth::None, pos) = &e.auth {
            out.push(ctx.finding(
                &RULE,
                format!("{} has authLevel anonymous", e.route),
                *pos,
                &e.resource,
            ));
        }
    }
}
