//! LOG102 — VPC without flow logs.

use palisade_core::Finding;

use crate::model::Attr;
use crate::rules::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// A VPC (`aws_vpc`, `AWS::EC2::VPC`) that no flow log of the same Terraform module or
    /// CloudFormation template records: no `aws_flow_log` whose `vpc_id` refers to it, no
    /// `AWS::EC2::FlowLog` with `ResourceType: VPC` whose `ResourceId` refers to it. Subnet
    /// and network-interface flow logs record part of the traffic only and do not count.
    /// When a flow log names a VPC Palisade cannot resolve (a variable, a parameter), no
    /// VPC of that module or template is judged. A Google Cloud subnetwork
    /// (`google_compute_subnetwork`) without a `log_config` block (or the older
    /// `enable_flow_logs = true`) is reported too; proxy-only and Private Service Connect
    /// subnetworks cannot record flows and are not judged.
    /// ## Why it matters
    /// Flow logs are the record of which addresses talked to the functions, clusters and
    /// databases in the VPC; without them data exfiltration, scanning or a compromised
    /// workload calling out cannot be seen or investigated, and GuardDuty has less to read.
    /// ## Fix
    /// Add an `aws_flow_log` (`AWS::EC2::FlowLog`) with `vpc_id = aws_vpc.<name>.id`,
    /// `traffic_type = "ALL"` and a CloudWatch Logs or S3 destination with a retention; on
    /// Google Cloud, a `log_config` block on each subnetwork.
    /// ## References
    /// - https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs.html
    /// - https://cloud.google.com/vpc/docs/using-flow-logs
    pub static RULE = {
        id: "LOG102", practice: Log, severity: Medium, title: "VPC or subnetwork without flow logs",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for v in &ctx.platform().vpcs {
        if let Attr::Set(false, pos) = &v.flow_logged {
            out.push(ctx.finding(
                &RULE,
                format!("{} has no flow log recording its traffic", v.kind),
                *pos,
                &v.resource,
            ));
        }
    }
}
