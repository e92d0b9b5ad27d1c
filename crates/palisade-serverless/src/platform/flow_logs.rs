//! VPCs and Azure virtual networks, and the flow logs of the same Terraform module or
//! CloudFormation template that record their traffic; Google subnetworks, whose flow logs
//! are a setting of their own; Azure flow logs switched off or kept too briefly.

use super::model::*;
use super::SourceResource;
use crate::model::Attr;
use crate::value::{Value, ValueKind};

pub(super) const TERRAFORM_TYPES: &[&str] = &[
    "aws_vpc",
    "aws_flow_log",
    "google_compute_subnetwork",
    "azurerm_virtual_network",
    "azurerm_network_watcher_flow_log",
];

pub(super) const CFN_TYPES: &[&str] = &["AWS::EC2::VPC", "AWS::EC2::FlowLog"];

/// What the flow logs of a template name.
#[derive(Default)]
struct Covered<'a> {
    vpcs: Vec<&'a str>,
    /// A flow log names a VPC Palisade cannot resolve (a variable, a parameter): any VPC
    /// may be the one it records, so a missing flow log is not judged.
    unresolved: bool,
}

impl<'a> Covered<'a> {
    fn add(&mut self, v: &'a Value) {
        match &v.kind {
            ValueKind::Ref { target, .. } => self.vpcs.push(target),
            // A literal id names a VPC that exists outside the template.
            ValueKind::Str(_) => {}
            _ => self.unresolved = true,
        }
    }

    fn flow_logged(&self, key: &str, r: &SourceResource) -> Attr<bool> {
        if self.vpcs.contains(&key) {
            Attr::Set(true, r.pos)
        } else if self.unresolved {
            Attr::Unknown(r.pos)
        } else {
            Attr::Set(false, r.pos)
        }
    }
}

pub(super) fn terraform(resources: &[SourceResource], p: &mut Platform) {
    let mut covered = Covered::default();
    for r in resources.iter().filter(|r| r.rtype == "aws_flow_log") {
        if let Some(v) = r.body.get("vpc_id") {
            covered.add(v);
        }
    }
    for r in resources.iter().filter(|r| r.rtype == "aws_vpc") {
        p.vpcs.push(Vpc {
            resource: r.id.clone(),
            kind: "VPC",
            pos: r.pos,
            flow_logged: covered.flow_logged(r.key, r),
        });
    }
    azure(resources, p);
    for r in resources
        .iter()
        .filter(|r| r.rtype == "google_compute_subnetwork")
    {
        let Some(flow_logged) = subnetwork_flow_logs(r) else {
            continue;
        };
        p.vpcs.push(Vpc {
            resource: r.id.clone(),
            kind: "subnetwork",
            pos: r.pos,
            flow_logged,
        });
    }
}

/// Azure virtual networks and Network Watcher flow logs. A flow log on a virtual network
/// (`target_resource_id`) records it; one on a network security group or a subnet records
/// part of a network that cannot be told, so virtual networks are then not judged.
fn azure(resources: &[SourceResource], p: &mut Platform) {
    let mut covered = Covered::default();
    for r in resources
        .iter()
        .filter(|r| r.rtype == "azurerm_network_watcher_flow_log")
    {
        let b = r.body;
        let enabled = super::attr_bool(b.get("enabled"));
        if let Attr::Set(false, pos) = enabled {
            p.disabled_flow_logs.push((r.id.clone(), pos));
        }
        if let Some(retention) = super::blocks(b, "retention_policy").first() {
            p.flow_log_retention.push(FlowLogRetention {
                resource: r.id.clone(),
                pos: retention.pos,
                days: retention_days(retention),
            });
        }
        if let Attr::Set(false, _) = enabled {
            continue;
        }
        match b
            .get("target_resource_id")
            .or_else(|| b.get("network_security_group_id"))
            .map(|v| &v.kind)
        {
            Some(ValueKind::Ref { target, .. })
                if target.starts_with("azurerm_virtual_network.") =>
            {
                covered.vpcs.push(target)
            }
            // A literal id names a network outside the module.
            Some(ValueKind::Str(_)) | None => {}
            Some(_) => covered.unresolved = true,
        }
    }
    for r in resources
        .iter()
        .filter(|r| r.rtype == "azurerm_virtual_network")
    {
        p.vpcs.push(Vpc {
            resource: r.id.clone(),
            kind: "virtual network",
            pos: r.pos,
            flow_logged: covered.flow_logged(r.key, r),
        });
    }
}

/// Days a flow log's records are kept: `Set(None)` for ever (a retention policy switched
/// off, or `days = 0`), `Set(Some(n))` otherwise.
fn retention_days(retention: &Value) -> Attr<Option<i64>> {
    if retention.is_unknown() {
        return Attr::Unknown(retention.pos);
    }
    match super::attr_bool(retention.get("enabled")) {
        Attr::Set(false, pos) => return Attr::Set(None, pos),
        Attr::Unknown(pos) => return Attr::Unknown(pos),
        _ => {}
    }
    match retention.get("days") {
        None => Attr::Set(None, retention.pos),
        Some(d) => match d.as_i64() {
            Some(0) => Attr::Set(None, d.pos),
            Some(n) => Attr::Set(Some(n), d.pos),
            None => Attr::Unknown(d.pos),
        },
    }
}

/// A Google subnetwork records flows when it has a `log_config` block (or the older
/// `enable_flow_logs = true`); `None` for proxy-only and Private Service Connect
/// subnetworks, which carry no VM traffic and cannot have flow logs.
fn subnetwork_flow_logs(r: &SourceResource) -> Option<Attr<bool>> {
    let b = r.body;
    match b.get("purpose") {
        None => {}
        Some(v) => match v.as_str() {
            Some(p)
                if p.eq_ignore_ascii_case("PRIVATE")
                    || p.eq_ignore_ascii_case("PRIVATE_RFC_1918") => {}
            Some(_) => return None,
            None => return Some(Attr::Unknown(v.pos)),
        },
    }
    if let Some(c) = b.get("log_config") {
        return Some(if c.is_unknown() {
            Attr::Unknown(c.pos)
        } else {
            Attr::Set(true, c.pos)
        });
    }
    Some(match super::attr_bool(b.get("enable_flow_logs")) {
        Attr::Unset => Attr::Set(false, r.pos),
        other => other,
    })
}

pub(super) fn cfn(resources: &[SourceResource], p: &mut Platform) {
    let mut covered = Covered::default();
    for r in resources.iter().filter(|r| r.rtype == "AWS::EC2::FlowLog") {
        let kind = r.body.get("ResourceType");
        match kind.and_then(Value::as_str) {
            Some("VPC") => {}
            // Subnet and interface flow logs record part of a VPC only.
            Some(_) => continue,
            None => {
                covered.unresolved = true;
                continue;
            }
        }
        if let Some(v) = r.body.get("ResourceId") {
            covered.add(v);
        }
    }
    for r in resources.iter().filter(|r| r.rtype == "AWS::EC2::VPC") {
        p.vpcs.push(Vpc {
            resource: r.id.clone(),
            kind: "VPC",
            pos: r.pos,
            flow_logged: covered.flow_logged(r.key, r),
        });
    }
}
