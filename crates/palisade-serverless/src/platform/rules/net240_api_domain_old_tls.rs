//! NET240 — API custom domain accepting TLS older than 1.2.

use palisade_core::Finding;

use crate::model::Attr;
use crate::rules::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// A REST API custom domain name (`aws_api_gateway_domain_name`,
    /// `AWS::ApiGateway::DomainName`) whose `security_policy` / `SecurityPolicy` is
    /// `TLS_1_0` — written, or left out, which API Gateway reads as `TLS_1_0` — or an
    /// enhanced policy whose minimum version is TLS 1.0 or 1.1
    /// (`SecurityPolicy_TLS13_1_0_...`, `..._1_1_...`). Policies that cannot be evaluated
    /// are not judged.
    /// ## Why it matters
    /// The domain is what clients of the functions behind the API connect to; TLS 1.0 and
    /// 1.1 have known weaknesses (BEAST, weak cipher suites) and are no longer accepted by
    /// PCI DSS or most compliance baselines.
    /// ## Fix
    /// Set `security_policy = "TLS_1_2"` (or a `SecurityPolicy_TLS13_1_2_...` policy).
    /// ## References
    /// - https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-custom-domain-tls-version.html
    pub static RULE = {
        id: "NET240", practice: Net, severity: Medium, title: "API custom domain accepts TLS below 1.2",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for d in &ctx.platform().api_domains {
        let message = match &d.security_policy {
            Attr::Unset => {
                "API custom domain accepts TLS 1.0 (no security_policy: TLS_1_0 by default)"
                    .to_string()
            }
            Attr::Set(policy, _) if below_tls12(policy) => {
                format!("API custom domain accepts TLS below 1.2 (security policy {policy})")
            }
            _ => continue,
        };
        let pos = d.security_policy.pos().unwrap_or(d.pos);
        out.push(ctx.finding(&RULE, message, pos, &d.resource));
    }
}

/// `TLS_1_0`, or an enhanced policy (`SecurityPolicy_TLS13_1_0_2021_06`) whose minimum
/// version — the two numbers after the family — is 1.0 or 1.1.
fn below_tls12(policy: &str) -> bool {
    let p = policy.trim().to_ascii_uppercase();
    if p == "TLS_1_0" || p == "TLS_1_1" {
        return true;
    }
    let Some(rest) = p.strip_prefix("SECURITYPOLICY_") else {
        return false;
    };
    let mut parts = rest.split('_').skip(1);
    matches!(
        (parts.next(), parts.next()),
        (Some("1"), Some("0")) | (Some("1"), Some("1"))
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn minimum_versions_of_policy_names() {
        for old in [
            "TLS_1_0",
            "tls_1_0",
            "SecurityPolicy_TLS13_1_0_2021_06",
            "SecurityPolicy_TLS12_1_1_2021_06",
        ] {
            assert!(super::below_tls12(old), "{old}");
        }
        for new in [
            "TLS_1_2",
            "SecurityPolicy_TLS13_1_2_2021_06",
            "SecurityPolicy_TLS13_1_3_2025_09",
            "SecurityPolicy_TLS12_PFS_2025_EDGE",
        ] {
            assert!(!super::below_tls12(new), "{new}");
        }
    }
}
