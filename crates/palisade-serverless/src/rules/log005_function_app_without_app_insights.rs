//! LOG005 — Azure function app without Application Insights.

use palisade_core::Finding;

use super::Context;
use crate::model::Attr;

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Terraform Azure function app with no Application Insights connection: neither
    /// `site_config.application_insights_connection_string` /
    /// `application_insights_key` nor an `APPLICATIONINSIGHTS_CONNECTION_STRING` /
    /// `APPINSIGHTS_INSTRUMENTATIONKEY` app setting. App settings that cannot be evaluated
    /// (a variable without default, `merge(...)`) are not judged.
    /// ## Why it matters
    /// Application Insights is where a function app's invocations, failures, dependencies
    /// and traces go. Without it there is no record of who called what, and failed or
    /// abused invocations go unnoticed.
    /// ## Fix
    /// Create an `azurerm_application_insights` resource and set
    /// `site_config { application_insights_connection_string = azurerm_application_insights.x.connection_string }`.
    /// ## References
    /// - https://learn.microsoft.com/azure/azure-functions/configure-monitoring
    /// - https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/linux_function_app#application_insights_connection_string
    pub static RULE = {
        id: "LOG005", practice: Log, severity: Low, title: "Azure function app without Application Insights",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for (f, site) in ctx.azure_sites() {
        let pos = match &site.app_insights {
            Attr::Unset => site.pos,
            Attr::Set(false, pos) => *pos,
            _ => continue,
        };
        out.push(ctx.finding(
            &RULE,
            format!(
                "function app {} sends no telemetry to Application Insights",
                f.name
            ),
            pos,
            &f.resource,
        ));
    }
}
