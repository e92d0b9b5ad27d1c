//! AUTH101 — Cognito identity pool that gives AWS credentials to unauthenticated users.

use palisade_core::Finding;

use crate::rules::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Cognito identity pool (`aws_cognito_identity_pool`, `AWS::Cognito::IdentityPool`)
    /// with `allow_unauthenticated_identities` / `AllowUnauthenticatedIdentities` set to
    /// `true`.
    /// ## Why it matters
    /// Anyone on the internet can call `GetId` and `GetCredentialsForIdentity` and receive
    /// temporary AWS credentials for the pool's unauthenticated role: whatever that role may
    /// do — invoke functions, read tables, write to buckets — is public.
    /// ## Fix
    /// Set it to `false`. Where guest access is a requirement, give the unauthenticated role
    /// only the narrowest actions on named resources, and turn on the basic (classic) flow
    /// only if needed.
    /// ## References
    /// - https://docs.aws.amazon.com/cognito/latest/developerguide/identity-pools.html
    pub static RULE = {
        id: "AUTH101", practice: Auth, severity: Medium, title: "Identity pool gives AWS credentials to unauthenticated users",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for (resource, pos) in &ctx.platform().guest_identity_pools {
        out.push(ctx.finding(
            &RULE,
            "Cognito identity pool hands AWS credentials to unauthenticated users (guest access on)"
                .to_string(),
            *pos,
            resource,
        ));
    }
}
