//! NET104 — Azure function app accepting TLS below 1.2.

use palisade_core::Finding;

use super::Context;
use crate::model::Attr;

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Terraform Azure function app (or slot) whose `site_config.minimum_tls_version`
    /// (`min_tls_version` in `azurerm_function_app`) or `scm_minimum_tls_version` is `1.0`
    /// or `1.1`. Unset means `1.2` and passes.
    /// ## Why it matters
    /// TLS 1.0 and 1.1 have known weaknesses (BEAST, weak ciphers and hashes) and are
    /// deprecated by RFC 8996; a client can be pushed down to them.
    /// ## Fix
    /// Set `minimum_tls_version = "1.2"` (or `"1.3"`), and the same for
    /// `scm_minimum_tls_version`, or remove both to get the default.
    /// ## References
    /// - https://learn.microsoft.com/azure/app-service/overview-tls
    /// - https://www.rfc-editor.org/rfc/rfc8996
    /// - Checkov CKV_AZURE_145, Trivy AVD-AZU-0006
    pub static RULE = {
        id: "NET104", practice: Net, severity: Medium, title: "Azure function app allows TLS below 1.2",
    };
}

fn outdated(version: &str) -> bool {
    matches!(version.trim(), "1.0" | "1.1" | "1" | "1.00" | "1.10")
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for (f, site) in ctx.azure_sites() {
        for (what, attr) in [
            ("minimum TLS version", &site.min_tls_version),
            (
                "deployment (SCM) minimum TLS version",
                &site.scm_min_tls_version,
            ),
        ] {
            if let Attr::Set(v, pos) = attr {
                if outdated(v) {
                    out.push(ctx.finding(
                        &RULE,
                        format!("function app {} has {what} {v}; use 1.2 or later", f.name),
                        *pos,
                        &f.resource,
                    ));
                }
            }
        }
    }
}
