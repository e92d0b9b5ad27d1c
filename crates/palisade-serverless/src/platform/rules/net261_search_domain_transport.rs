//! NET261 — search domain accepting plain HTTP or TLS older than 1.2.

use palisade_core::{Finding, Severity};

use crate::model::Attr;
use crate::rules::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// An OpenSearch or Elasticsearch domain that does not enforce HTTPS (high):
    /// `enforce_https = false` in `domain_endpoint_options`, or `EnforceHTTPS` false or
    /// unwritten in CloudFormation, where the service default is off (a Terraform block that
    /// leaves it out gets the provider's `true`; a Terraform domain without the block is not
    /// judged). And a domain whose TLS security policy (`tls_security_policy`,
    /// `TLSSecurityPolicy`) accepts TLS 1.0 or 1.1 (medium): `Policy-Min-TLS-1-0-2019-07`,
    /// written or left to the service default. Values that cannot be evaluated are not
    /// judged.
    /// ## Why it matters
    /// Queries and results — often the very records functions indexed — and the credentials
    /// or signed requests that carry them cross the network in clear over HTTP; TLS 1.0 and
    /// 1.1 have known weaknesses.
    /// ## Fix
    /// Set `enforce_https = true` and `tls_security_policy = "Policy-Min-TLS-1-2-2019-07"`
    /// (or `Policy-Min-TLS-1-2-PFS-2023-10`).
    /// ## References
    /// - https://docs.aws.amazon.com/opensearch-service/latest/developerguide/infrastructure-security.html
    pub static RULE = {
        id: "NET261", practice: Net, severity: High, title: "Search domain accepts plain HTTP or old TLS",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for d in &ctx.platform().search_domains {
        if let Attr::Set(false, pos) = d.enforce_https {
            out.push(ctx.finding_sev(
                &RULE,
                Severity::High,
                format!("{} accepts plain HTTP (HTTPS is not enforced)", d.kind),
                pos,
                &d.resource,
            ));
        }
        let old_tls = match &d.tls_policy {
            Attr::Unset => Some((
                "no security policy named: Policy-Min-TLS-1-0-2019-07 by default".to_string(),
                d.pos,
            )),
            Attr::Set(policy, pos) => {
                let upper = policy.to_ascii_uppercase();
                (upper.contains("TLS-1-0") || upper.contains("TLS-1-1"))
                    .then(|| (format!("security policy {policy}"), *pos))
            }
            Attr::Unknown(_) => None,
        };
        if let Some((why, pos)) = old_tls {
            out.push(ctx.finding_sev(
                &RULE,
                Severity::Medium,
                format!("{} accepts TLS below 1.2 ({why})", d.kind),
                pos,
                &d.resource,
            ));
        }
    }
}
