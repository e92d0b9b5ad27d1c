//! NET101 — security group egress to everywhere on every port.

use palisade_core::Finding;

use super::Context;
use crate::model::Direction;

palisade_core::declare_rule! {
    /// ## What it checks
    /// A security group egress rule to `0.0.0.0/0` or `::/0` on all protocols and ports.
    /// ## Why it matters
    /// A compromised function (or anything else in the group) can send data anywhere and
    /// reach any command-and-control server; the usual need is HTTPS to a few endpoints.
    /// ## Fix
    /// Allow only the ports and destinations needed (e.g. 443 to VPC endpoints or a proxy);
    /// use VPC endpoints for AWS services.
    /// ## References
    /// - https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html
    pub static RULE = {
        id: "NET101", practice: Net, severity: Low, title: "Unrestricted egress",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for sg in &ctx.inv.security_groups {
        for r in sg
            .rules
            .iter()
            .filter(|r| r.direction == Direction::Egress && r.open_to_world() && r.all_ports())
        {
            out.push(ctx.finding(
                &RULE,
                format!("egress to {} on all ports and protocols", r.cidr),
                r.pos,
                &r.resource,
            ));
        }
    }
}
