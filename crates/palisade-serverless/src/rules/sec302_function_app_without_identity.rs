//! SEC302 — Azure function app without a managed identity.

use palisade_core::Finding;

use super::Context;
use crate::model::Attr;

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Terraform Azure function app (or slot) without an `identity` block of type
    /// `SystemAssigned` and/or `UserAssigned`.
    /// ## Why it matters
    /// An app without a managed identity reaches Key Vault, storage and databases with keys
    /// and connection strings kept in its app settings: long-lived secrets that leak with
    /// the configuration and are rarely rotated. A managed identity gets short-lived tokens
    /// from the platform instead.
    /// ## Fix
    /// Add `identity { type = "SystemAssigned" }`, grant it the roles it needs, and replace
    /// keys in app settings with Key Vault references or identity-based connections.
    /// ## References
    /// - https://learn.microsoft.com/azure/app-service/overview-managed-identity
    /// - https://learn.microsoft.com/azure/azure-functions/functions-reference#configure-an-identity-based-connection
    /// - Trivy AVD-AZU-0002
    pub static RULE = {
        id: "SEC302", practice: Sec, severity: Low, title: "Azure function app without managed identity",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for (f, site) in ctx.azure_sites() {
        let pos = match &site.managed_identity {
            Attr::Unset => site.pos,
            Attr::Set(false, pos) => *pos,
            _ => continue,
        };
        out.push(ctx.finding(
            &RULE,
            format!(
                "function app {} has no managed identity: it must use stored keys to reach other services",
                f.name
            ),
            pos,
            &f.resource,
        ));
    }
}
