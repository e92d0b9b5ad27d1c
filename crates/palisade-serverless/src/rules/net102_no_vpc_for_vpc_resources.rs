//! NET102 — function outside any VPC that talks to VPC-only resources.

use palisade_core::Finding;

use super::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Lambda function with no VPC configuration whose environment refers to a resource
    /// that only lives inside a VPC (RDS, ElastiCache, Redshift, DocumentDB, Neptune,
    /// MemoryDB, EFS). Informational.
    /// ## Why it matters
    /// To be reachable from a function outside the VPC, such a resource has to be made
    /// public; placing the function in the VPC keeps the database private.
    /// ## Fix
    /// Attach the function to private subnets with a security group allowed by the
    /// database's group (`VpcConfig`, `vpc_config`, `vpc:`).
    /// ## References
    /// - https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html
    pub static RULE = {
        id: "NET102", practice: Net, severity: Info, title: "Function outside VPC reaches VPC-only resource",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for f in ctx.aws_functions() {
        if !f.vpc.is_unset() {
            continue;
        }
        for t in &f.vpc_only_targets {
            out.push(ctx.finding(
                &RULE,
                format!("function {} is in no VPC but uses {}", f.name, t.value),
                t.pos,
                &f.resource,
            ));
        }
    }
}
