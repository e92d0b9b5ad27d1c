//! NET103 — Azure function app served over plain HTTP.

use palisade_core::Finding;

use super::Context;
use crate::model::Attr;

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Terraform Azure function app (or slot) whose `https_only` is not `true`; the
    /// provider's default is `false`.
    /// ## Why it matters
    /// The app answers plain HTTP as well: function keys in `?code=` query strings, bearer
    /// tokens and the payload itself cross the network unencrypted and can be read or
    /// changed on the way.
    /// ## Fix
    /// Set `https_only = true` (HTTP requests are then redirected to HTTPS).
    /// ## References
    /// - https://learn.microsoft.com/azure/app-service/configure-ssl-bindings#enforce-https
    /// - https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/linux_function_app#https_only
    /// - Checkov CKV_AZURE_70, Trivy AVD-AZU-0004
    pub static RULE = {
        id: "NET103", practice: Net, severity: Medium, title: "Azure function app accepts plain HTTP",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for (f, site) in ctx.azure_sites() {
        let (why, pos) = match &site.https_only {
            Attr::Unset => ("does not set https_only (default false)", site.pos),
            Attr::Set(false, pos) => ("sets https_only = false", *pos),
            _ => continue,
        };
        out.push(ctx.finding(
            &RULE,
            format!("function app {} {why}: it also answers plain HTTP", f.name),
            pos,
            &f.resource,
        ));
    }
}
