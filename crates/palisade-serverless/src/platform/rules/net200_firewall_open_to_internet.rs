//! NET200 — network ACL, NSG or VPC firewall rule open to the internet on a sensitive port.

use palisade_core::{Finding, Severity};

use super::SENSITIVE_PORTS;
use crate::model::Direction;
use crate::platform::{is_internet, NetworkRule};
use crate::rules::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// An allow rule of an AWS network ACL (`aws_network_acl`, `aws_network_acl_rule`,
    /// `AWS::EC2::NetworkAclEntry`), an Azure network security group
    /// (`azurerm_network_security_group`, `azurerm_network_security_rule`) or a Google
    /// Cloud firewall (`google_compute_firewall`) that admits traffic from `0.0.0.0/0`,
    /// `::/0`, `*`, `Any` or `Internet` on every port, or on an administration or database
    /// port (SSH 22, RDP 3389, FTP 20/21, Telnet, SMB, SQL Server, Oracle, MySQL,
    /// PostgreSQL, Redis, Memcached, MongoDB, Elasticsearch, Kibana, VNC, Docker, etcd).
    /// A Google rule without `source_ranges`, tags or service accounts applies to
    /// `0.0.0.0/0`. A network ACL entry shadowed by a lower-numbered deny of the same
    /// traffic is not reported; rules whose source, protocol or ports cannot be evaluated
    /// are not judged. Security groups are NET100's.
    /// ## Why it matters
    /// Administration and database ports reachable from anywhere are scanned within
    /// minutes of being exposed and brute-forced or exploited; a rule for every port
    /// exposes whatever happens to listen on the hosts behind it.
    /// ## Fix
    /// Admit only the address ranges that must connect (a bastion, a VPN, a load
    /// balancer's subnet); reach hosts through Session Manager, Azure Bastion or IAP
    /// instead of opening SSH or RDP.
    /// ## References
    /// - https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html
    /// - https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview
    /// - https://cloud.google.com/firewall/docs/firewalls
    pub static RULE = {
        id: "NET200", practice: Net, severity: Critical, title: "Firewall rule open to the internet on a sensitive port",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    let rules = &ctx.platform().network_rules;
    for r in rules {
        if r.direction.value() != Some(&Direction::Ingress)
            || r.allow.value() != Some(&true)
            || r.carries_ports() != Some(true)
        {
            continue;
        }
        let Some(peer) = r.peers.iter().find(|p| is_internet(&p.value)) else {
            continue;
        };
        let all_ports = r.all_ports() == Some(true);
        // The listed services speak TCP: a UDP-only rule is judged only when it opens
        // every port.
        let tcp = r.protocol.value().is_some_and(|p| p != "udp" && p != "17");
        let what = if all_ports && !shadowed(r, rules, None) {
            "every port".to_string()
        } else {
            let open: Vec<String> = SENSITIVE_PORTS
                .iter()
                .filter(|_| tcp)
                .filter(|(port, _)| r.covers_port(*port) == Some(true))
                .filter(|(port, _)| !shadowed(r, rules, Some(*port)))
                .map(|(port, name)| format!("{port} ({name})"))
                .collect();
            if open.is_empty() {
                continue;
            }
            let more = if all_ports {
                " and every other port not denied before it"
            } else {
                ""
            };
            format!("port {}{more}", open.join(", "))
        };
        out.push(ctx.finding_sev(
            &RULE,
            Severity::Critical,
            format!(
                "{} allows ingress from {} on {what}",
                r.firewall.name(),
                peer.value
            ),
            peer.pos,
            &r.resource,
        ));
    }
}

/// A deny of the same traffic from the internet in the same ACL or NSG, evaluated first.
fn shadowed(r: &NetworkRule, all: &[NetworkRule], port: Option<i64>) -> bool {
    let (Some(group), Some(order)) = (&r.group, r.order) else {
        return false;
    };
    all.iter().any(|d| {
        d.group.as_ref() == Some(group)
            && d.allow.value() == Some(&false)
            && d.direction.value() == Some(&Direction::Ingress)
            && d.order.is_some_and(|o| o < order)
            && d.peers.iter().any(|p| is_internet(&p.value))
            && match (d.protocol.value().map(String::as_str), port) {
                (Some("all"), _) => true,
                // The sensitive ports are TCP services: a TCP deny shields them.
                (Some("tcp" | "6"), Some(_)) => true,
                (p, _) => p.is_some() && p == r.protocol.value().map(String::as_str),
            }
            && match port {
                Some(p) => d.covers_port(p) == Some(true),
                None => d.all_ports() == Some(true),
            }
    })
}
