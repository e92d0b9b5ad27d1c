//! Normalized platform resources: one shape per kind of thing, whatever the cloud or the
//! template language. A network ACL entry, an Azure NSG rule and a Google firewall rule are
//! one [`NetworkRule`]; an RDS instance and a Cloud SQL instance are one [`Database`].
//! Settings the template leaves out are [`Attr::Unset`] (the provider default applies);
//! settings written in a way that cannot be evaluated are [`Attr::Unknown`].

use crate::model::{Attr, Cloud, Direction, Spanned};
use crate::value::Pos;

/// Everything outside functions that the platform rules read, for one template or module.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Platform {
    pub network_rules: Vec<NetworkRule>,
    pub databases: Vec<Database>,
}

impl Platform {
    /// Whether the template declares any platform resource the rules read.
    pub fn is_empty(&self) -> bool {
        self.network_rules.is_empty() && self.databases.is_empty()
    }
}

/// Which firewall a [`NetworkRule`] belongs to (security groups stay in
/// [`crate::model::SecurityGroup`], judged by NET100/NET101).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Firewall {
    /// An AWS network ACL entry (`aws_network_acl`, `aws_network_acl_rule`,
    /// `AWS::EC2::NetworkAclEntry`).
    AwsNetworkAcl,
    /// An Azure network security group rule.
    AzureNsg,
    /// A Google Cloud VPC firewall rule.
    GoogleFirewall,
}

impl Firewall {
    pub fn name(self) -> &'static str {
        match self {
            Firewall::AwsNetworkAcl => "network ACL entry",
            Firewall::AzureNsg => "network security group rule",
            Firewall::GoogleFirewall => "firewall rule",
        }
    }
}

/// An inclusive range of destination ports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortRange {
    pub from: i64,
    pub to: i64,
}

impl PortRange {
    pub fn covers(&self, port: i64) -> bool {
        self.from <= port && port <= self.to
    }

    pub fn is_all(&self) -> bool {
        self.from <= 1 && self.to >= 65535
    }
}

/// One allow or deny rule of a stateless or stateful network firewall.
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkRule {
    pub resource: String,
    pub firewall: Firewall,
    pub cloud: Cloud,
    pub direction: Attr<Direction>,
    /// `true` for allow, `false` for deny.
    pub allow: Attr<bool>,
    /// Sources (ingress) or destinations (egress) as written; only known literals.
    pub peers: Vec<Spanned<String>>,
    /// Lower-case protocol name; `all` for every protocol (`-1`, `*`, `all`).
    pub protocol: Attr<String>,
    /// Destination ports; empty when the rule covers every port.
    pub ports: Attr<Vec<PortRange>>,
    /// Rule order where the firewall has one (NACL rule number, NSG or GCP priority):
    /// lower is evaluated first.
    pub order: Option<i64>,
    /// The firewall the rule belongs to (NACL or NSG address), for ordering among rules.
    pub group: Option<String>,
    pub pos: Pos,
}

impl NetworkRule {
    /// The protocol carries ports (TCP, UDP or every protocol).
    pub fn carries_ports(&self) -> Option<bool> {
        self.protocol.value().map(|p| {
            matches!(
                p.as_str(),
                "all" | "tcp" | "udp" | "6" | "17" | "sctp" | "132"
            )
        })
    }

    /// Every port of every port-carrying protocol.
    pub fn all_ports(&self) -> Option<bool> {
        let ports = self.ports.value()?;
        Some(ports.is_empty() || ports.iter().any(PortRange::is_all))
    }

    pub fn covers_port(&self, port: i64) -> Option<bool> {
        let ports = self.ports.value()?;
        Some(ports.is_empty() || ports.iter().any(|r| r.covers(port)))
    }
}

/// Whether a source or destination as written means "anywhere on the internet".
pub fn is_internet(peer: &str) -> bool {
    let p = peer.trim();
    matches!(p, "0.0.0.0/0" | "::/0" | "*" | "0.0.0.0" | "::" | "0::0/0")
        || p.eq_ignore_ascii_case("internet")
        || p.eq_ignore_ascii_case("any")
}

/// A managed database, warehouse or broker that can be given a public endpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct Database {
    pub resource: String,
    /// What it is, for messages: `RDS instance`, `Cloud SQL instance`...
    pub kind: &'static str,
    /// A public endpoint is switched on (`publicly_accessible`, `PubliclyAccessible`).
    pub publicly_accessible: Attr<bool>,
    /// Networks allowed to connect from anywhere (Cloud SQL authorized networks, Azure
    /// SQL firewall rules spanning every address), as written.
    pub open_networks: Vec<Spanned<String>>,
    pub pos: Pos,
}
