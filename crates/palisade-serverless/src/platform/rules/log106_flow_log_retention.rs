//! LOG106 — flow logs kept for less than 90 days.

use palisade_core::Finding;

use crate::model::Attr;
use crate::rules::Context;

/// Days of flow records an investigation needs: incidents are often found weeks after the
/// first connection (CIS Azure Foundations asks for more than 90).
const MIN_DAYS: i64 = 90;

palisade_core::declare_rule! {
    /// ## What it checks
    /// An Azure Network Watcher flow log (`azurerm_network_watcher_flow_log`) whose
    /// `retention_policy` is on with fewer than 90 `days`. A retention policy switched off,
    /// or `days = 0`, keeps the records for ever and is not reported; values that cannot be
    /// evaluated are not judged.
    /// ## Why it matters
    /// Intrusions are usually found weeks after they start. Flow records deleted after a
    /// week cannot show when a workload first talked to an attacker's address, or what
    /// else it reached.
    /// ## Fix
    /// `retention_policy { enabled = true, days = 90 }` (or more), or ship the records to a
    /// Log Analytics workspace with its own retention through traffic analytics.
    /// ## References
    /// - https://learn.microsoft.com/azure/network-watcher/vnet-flow-logs-overview
    pub static RULE = {
        id: "LOG106", practice: Log, severity: Low, title: "Flow logs kept for less than 90 days",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for r in &ctx.platform().flow_log_retention {
        if let Attr::Set(Some(days), pos) = r.days {
            if days < MIN_DAYS {
                out.push(ctx.finding(
                    &RULE,
                    format!("flow log keeps its records {days} days (fewer than {MIN_DAYS})"),
                    pos,
                    &r.resource,
                ));
            }
        }
    }
}
