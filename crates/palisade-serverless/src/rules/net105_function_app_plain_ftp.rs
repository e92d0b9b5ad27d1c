//! NET105 — Azure function app accepting plain FTP deployments.

use palisade_core::Finding;

use super::Context;
use crate::model::Attr;

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Terraform Azure function app (or slot) whose `site_config.ftps_state` is
    /// `AllAllowed`, or is unset on `azurerm_function_app` / `azurerm_function_app_slot`,
    /// where unset means `AllAllowed`. (`azurerm_linux_function_app` and
    /// `azurerm_windows_function_app` default to `Disabled`.)
    /// ## Why it matters
    /// Plain FTP sends the deployment credentials and the app's code in clear text; anyone
    /// on the path can read them and deploy their own code to the app.
    /// ## Fix
    /// Set `ftps_state = "Disabled"` (or `"FtpsOnly"` if FTP deployment is really needed).
    /// ## References
    /// - https://learn.microsoft.com/azure/app-service/deploy-ftp#enforce-ftps
    /// - Checkov CKV_AZURE_78, Trivy AVD-AZU-0001
    pub static RULE = {
        id: "NET105", practice: Net, severity: Medium, title: "Azure function app allows plain FTP",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for (f, site) in ctx.azure_sites() {
        let (why, pos) = match &site.ftps_state {
            Attr::Set(s, pos) if s.eq_ignore_ascii_case("AllAllowed") => {
                ("sets ftps_state = \"AllAllowed\"", *pos)
            }
            Attr::Unset if site.ftp_allowed_by_default => {
                ("does not set ftps_state (default AllAllowed)", site.pos)
            }
            _ => continue,
        };
        out.push(ctx.finding(
            &RULE,
            format!(
                "function app {} {why}: deployments may use plain FTP",
                f.name
            ),
            pos,
            &f.resource,
        ));
    }
}
