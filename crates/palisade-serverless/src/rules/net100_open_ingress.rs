//! NET100 — security group ingress open to the internet.

use palisade_core::{Finding, Severity};

use super::Context;
use crate::model::Direction;

palisade_core::declare_rule! {
    /// ## What it checks
    /// A security group ingress rule (inline or a separate `SecurityGroupIngress` /
    /// `aws_security_group_rule` / `aws_vpc_security_group_ingress_rule`) from `0.0.0.0/0`
    /// or `::/0`. Critical when it opens every port or an administration or database port
    /// (22, 3389, 3306, 5432, 1433, 1521, 6379, 11211, 27017, 9200, 5601, 2375, 2379);
    /// low when it opens only 80/443; high otherwise.
    /// ## Why it matters
    /// Functions in a VPC use security groups; an open group invites scanning and
    /// brute-force of whatever listens there, and the same group is often reused by
    /// databases and hosts.
    /// ## Fix
    /// Allow only the CIDRs or security groups that must connect; functions themselves need
    /// no ingress at all.
    /// ## References
    /// - https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html
    pub static RULE = {
        id: "NET100", practice: Net, severity: High, title: "Security group open to the internet",
    };
}

const ADMIN_PORTS: &[i64] = &[
    22, 3389, 3306, 5432, 1433, 1521, 6379, 11211, 27017, 9200, 5601, 2375, 2379,
];

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for sg in &ctx.inv.security_groups {
        for r in sg
            .rules
            .iter()
            .filter(|r| r.direction == Direction::Ingress && r.open_to_world())
        {
            let ports = match (r.from_port, r.to_port) {
                _ if r.all_ports() => "all ports".to_string(),
                (Some(f), Some(t)) if f == t => format!("port {f}"),
                (Some(f), Some(t)) => format!("ports {f}-{t}"),
                _ => "ports".to_string(),
            };
            let admin: Vec<i64> = ADMIN_PORTS
                .iter()
                .copied()
                .filter(|p| r.covers_port(*p))
                .collect();
            let web_only = !r.all_ports()
                && matches!(
                    (r.from_port, r.to_port),
                    (Some(80), Some(80)) | (Some(443), Some(443)) | (Some(80), Some(443))
                );
            let sev = if r.all_ports() || !admin.is_empty() {
                Severity::Critical
            } else if web_only {
                Severity::Low
            } else {
                Severity::High
            };
            let extra = if admin.is_empty() || r.all_ports() {
                String::new()
            } else {
                format!(
                    " (administration/database port {})",
                    admin
                        .iter()
                        .map(|p| p.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            out.push(ctx.finding_sev(
                &RULE,
                sev,
                format!("ingress from {} on {ports}{extra}", r.cidr),
                r.pos,
                &r.resource,
            ));
        }
    }
}
