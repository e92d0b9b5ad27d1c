//! AUTH005 — Google Cloud Function or Cloud Run service invocable by `allUsers`.

use palisade_core::Finding;

use super::Context;
use crate::model::{Attr, EndpointAuth, EndpointKind};

palisade_core::declare_rule! {
    /// ## What it checks
    /// An IAM member or binding (`google_cloudfunctions_function_iam_*`,
    /// `google_cloudfunctions2_function_iam_*`, `google_cloud_run_service_iam_*`,
    /// `google_cloud_run_v2_service_iam_*`) granting an invoker role to `allUsers` or
    /// `allAuthenticatedUsers`.
    /// ## Why it matters
    /// `allUsers` is the whole internet; `allAuthenticatedUsers` is anyone with a Google
    /// account, which is not an access control either.
    /// ## Fix
    /// Grant the invoker role to the service accounts or groups that call the function, or
    /// front it with an authenticating proxy (IAP, API Gateway).
    /// ## References
    /// - https://cloud.google.com/functions/docs/securing/managing-access-iam
    pub static RULE = {
        id: "AUTH005", practice: Auth, severity: High, title: "Google function invocable by allUsers",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for e in ctx
        .inv
        .endpoints
        .iter()
        .filter(|e| e.kind == EndpointKind::GoogleInvoker)
    {
        if let Attr::Set(EndpointAuth::None, pos) = &e.auth {
            out.push(ctx.finding(
                &RULE,
                format!("invoker role granted to {}", e.route),
                *pos,
                &e.resource,
            ));
        }
    }
}
