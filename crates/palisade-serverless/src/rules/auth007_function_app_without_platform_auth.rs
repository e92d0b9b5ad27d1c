//! AUTH007 — Azure function app without App Service authentication.

use palisade_core::Finding;

use super::Context;
use crate::model::Attr;

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Terraform Azure function app (`azurerm_linux_function_app`,
    /// `azurerm_windows_function_app`, `azurerm_function_app` and their slots) whose App
    /// Service authentication is off: no `auth_settings` / `auth_settings_v2` block, or
    /// `auth_settings.enabled = false` / `auth_settings_v2.auth_enabled = false`.
    /// ## Why it matters
    /// Without platform authentication the app identifies no caller: its HTTP functions are
    /// protected at most by function keys, shared secrets that travel in URLs and logs, and
    /// not at all when a function is `authLevel: anonymous` (AUTH004).
    /// ## Fix
    /// Add `auth_settings_v2 { auth_enabled = true ... }` with an identity provider (Microsoft
    /// Entra ID, or another OpenID Connect issuer) and `require_authentication = true`, or
    /// put API Management with validated tokens in front of the app.
    /// ## References
    /// - https://learn.microsoft.com/azure/app-service/overview-authentication-authorization
    /// - https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/linux_function_app#auth_settings_v2
    /// - Checkov CKV_AZURE_56
    pub static RULE = {
        id: "AUTH007", practice: Auth, severity: Medium, title: "Azure function app without App Service authentication",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for (f, site) in ctx.azure_sites() {
        let (why, pos) = match &site.platform_auth {
            Attr::Unset => ("has no auth_settings block", site.pos),
            Attr::Set(false, pos) => ("has App Service authentication disabled", *pos),
            _ => continue,
        };
        out.push(ctx.finding(
            &RULE,
            format!(
                "function app {} {why}: callers are not authenticated by the platform",
                f.name
            ),
            pos,
            &f.resource,
        ));
    }
}
