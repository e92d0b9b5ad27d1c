//! IMG203 — Azure Container Registry with the admin user enabled.

use palisade_core::Finding;

use crate::model::Attr;
use crate::rules::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// An `azurerm_container_registry` with `admin_enabled = true` (the default is off).
    /// ## Why it matters
    /// The admin user is one shared username with two passwords that can push and pull
    /// every repository; it cannot be scoped, is not tied to a person or workload, and
    /// ends up copied into pipelines and cluster secrets.
    /// ## Fix
    /// Set `admin_enabled = false` and give pipelines and clusters their own identities
    /// (managed identities, service principals with `AcrPull`/`AcrPush`, repository-scoped
    /// tokens).
    /// ## References
    /// - https://learn.microsoft.com/azure/container-registry/container-registry-authentication#admin-account
    pub static RULE = {
        id: "IMG203", practice: Img, severity: Medium, title: "Registry admin user enabled",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for r in &ctx.platform().registries {
        if let Some(Attr::Set(true, pos)) = &r.admin_user {
            out.push(ctx.finding(
                &RULE,
                format!(
                    "{} has the admin user enabled (a shared push and pull credential)",
                    r.kind
                ),
                *pos,
                &r.resource,
            ));
        }
    }
}
