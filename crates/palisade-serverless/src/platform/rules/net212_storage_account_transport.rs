//! NET212 — Azure storage account accepting plain HTTP or TLS older than 1.2.

use palisade_core::{Finding, Severity};

use crate::rules::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// An `azurerm_storage_account` with `https_traffic_only_enabled` (or the older
    /// `enable_https_traffic_only`) set to `false` (high), or `min_tls_version` `TLS1_0` or
    /// `TLS1_1` (medium). Unset values are the provider's defaults (HTTPS only, TLS 1.2).
    /// ## Why it matters
    /// Plain HTTP exposes the account's data and shared-access signatures on the wire; TLS
    /// 1.0 and 1.1 have known weaknesses and are being retired by Azure.
    /// ## Fix
    /// Set `https_traffic_only_enabled = true` and `min_tls_version = "TLS1_2"`.
    /// ## References
    /// - https://learn.microsoft.com/azure/storage/common/storage-require-secure-transfer
    /// - https://learn.microsoft.com/azure/storage/common/transport-layer-security-configure-minimum-version
    pub static RULE = {
        id: "NET212", practice: Net, severity: High, title: "Storage account accepts plain HTTP or old TLS",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for a in &ctx.platform().storage_accounts {
        if let (Some(false), Some(pos)) = (a.https_only.value(), a.https_only.pos()) {
            out.push(ctx.finding_sev(
                &RULE,
                Severity::High,
                "storage account accepts plain HTTP (HTTPS-only transfer is off)".to_string(),
                pos,
                &a.resource,
            ));
        }
        if let (Some(v), Some(pos)) = (a.min_tls_version.value(), a.min_tls_version.pos()) {
            if matches!(v.as_str(), "TLS1_0" | "TLS1_1") {
                out.push(ctx.finding_sev(
                    &RULE,
                    Severity::Medium,
                    format!("storage account accepts {v} (minimum TLS version below 1.2)"),
                    pos,
                    &a.resource,
                ));
            }
        }
    }
}
