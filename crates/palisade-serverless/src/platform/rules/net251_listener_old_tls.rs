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
    /// values that cannot be evaluated are not judged.
    /// ## Why it matters
    /// TLS 1.0 and 1.1 have known weaknesses and weak cipher suites; a policy that offers them
    /// lets a network attacker downgrade clients, and fails PCI DSS and most baselines.
    /// ## Fix
    /// Set `ssl_policy = "ELBSecurityPolicy-TLS13-1-2-2021-06"` (or a `-TLS13-1-2-...-PQ`
    /// or FIPS variant).
    /// ## References
    /// - https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html
    /// - https://docs.aws.amazon.com/elasticloadbalancing/latest/network/describe-ssl-policies.html
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
