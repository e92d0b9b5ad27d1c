//! NET251 — load balancer listener accepting TLS older than 1.2.

use palisade_core::Finding;

use crate::model::Attr;
use crate::rules::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// An `HTTPS` or `TLS` listener of an application or network load balancer
    /// (`aws_lb_listener`, `aws_alb_listener`, `AWS::ElasticLoadBalancingV2::Listener`)
    /// whose `ssl_policy` / `SslPolicy` is a predefined `ELBSecurityPolicy-...` that still
    /// accepts TLS 1.0 or 1.1 (`ELBSecurityPolicy-2016-08`, `-TLS-1-0-2015-04`,
    /// `-TLS-1-1-2017-01`, `-FS-2018-06`, `-TLS13-1-1-2021-06`...), or that names no policy:
    /// the Elastic Load Balancing API then applies `ELBSecurityPolicy-2016-08`. A predefined
    /// policy is taken as TLS 1.2 or later when its name carries `1-2` or `1-3`
    /// (`ELBSecurityPolicy-TLS13-1-2-2021-06`, `-FS-1-2-Res-2020-10`). Custom policy names and
    /// values that cannot be evaluated are not judged. On Azure and Google Cloud the policy
    /// itself is judged by the lowest version it accepts: an Application Gateway
    /// `ssl_policy` (`AppGwSslPolicy20150501` and `AppGwSslPolicy20170401`, or a custom
    /// `min_protocol_version` of `TLSv1_0` or `TLSv1_1`; a gateway without a policy gets
    /// the default of the API version its provider calls and is not judged), and a
    /// `google_compute_ssl_policy` whose `min_tls_version` is `TLS_1_0` (also when
    /// unwritten, the API default) or `TLS_1_1`.
    /// ## Why it matters
    /// TLS 1.0 and 1.1 have known weaknesses and weak cipher suites; a policy that offers them
    /// lets a network attacker downgrade clients, and fails PCI DSS and most baselines.
    /// ## Fix
    /// Set `ssl_policy = "ELBSecurityPolicy-TLS13-1-2-2021-06"` (or a `-TLS13-1-2-...-PQ`
    /// or FIPS variant); on Azure, `ssl_policy { policy_type = "Predefined", policy_name =
    /// "AppGwSslPolicy20220101S" }`; on Google Cloud, `min_tls_version = "TLS_1_2"` with
    /// the `MODERN` or `RESTRICTED` profile.
    /// ## References
    /// - https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html
    /// - https://docs.aws.amazon.com/elasticloadbalancing/latest/network/describe-ssl-policies.html
    /// - https://learn.microsoft.com/azure/application-gateway/application-gateway-ssl-policy-overview
    /// - https://cloud.google.com/load-balancing/docs/ssl-policies-concepts
    pub static RULE = {
        id: "NET251", practice: Net, severity: Medium, title: "Load balancer listener accepts TLS below 1.2",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for l in &ctx.platform().lb_listeners {
        let (Attr::Set(protocol, _), Some(policy)) = (&l.protocol, &l.ssl_policy) else {
            continue;
        };
        if protocol != "HTTPS" && protocol != "TLS" {
            continue;
        }
        let (message, pos) = match policy {
            Attr::Unset => (
                "load balancer listener accepts TLS 1.0 (no security policy named: ELBSecurityPolicy-2016-08 by default)"
                    .to_string(),
                l.pos,
            ),
            Attr::Set(name, pos) if below_tls12(name) => (
                format!("load balancer listener accepts TLS below 1.2 (security policy {name})"),
                *pos,
            ),
            _ => continue,
        };
        out.push(ctx.finding(&RULE, message, pos, &l.resource));
    }
    for t in &ctx.platform().tls_policies {
        if let Attr::Set(version, pos) = &t.min_version {
            if version == "1.0" || version == "1.1" {
                out.push(ctx.finding(
                    &RULE,
                    format!("TLS policy accepts TLS {version} (its lowest version)"),
                    *pos,
                    &t.resource,
                ));
            }
        }
    }
}

/// A predefined policy whose name does not carry a 1.2 or 1.3 minimum.
fn below_tls12(name: &str) -> bool {
    let n = name.trim().to_ascii_uppercase();
    n.starts_with("ELBSECURITYPOLICY-") && !(n.contains("-1-2-") || n.contains("-1-3-"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn predefined_policies_by_minimum_version() {
        for old in [
            "ELBSecurityPolicy-2016-08",
            "ELBSecurityPolicy-TLS-1-0-2015-04",
            "ELBSecurityPolicy-TLS-1-1-2017-01",
            "ELBSecurityPolicy-FS-2018-06",
            "ELBSecurityPolicy-FS-1-1-2019-08",
            "ELBSecurityPolicy-TLS13-1-1-2021-06",
            "ELBSecurityPolicy-TLS13-1-0-2021-06",
        ] {
            assert!(super::below_tls12(old), "{old}");
        }
        for new in [
            "ELBSecurityPolicy-TLS-1-2-2017-01",
            "ELBSecurityPolicy-TLS-1-2-Ext-2018-06",
            "ELBSecurityPolicy-FS-1-2-Res-2020-10",
            "ELBSecurityPolicy-TLS13-1-2-2021-06",
            "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06",
            "ELBSecurityPolicy-TLS13-1-3-2021-06",
            "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
            "my-custom-policy",
        ] {
            assert!(!super::below_tls12(new), "{new}");
        }
    }
}
