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
    /// subnetworks cannot record flows and are not judged. An Azure virtual network
    /// (`azurerm_virtual_network`) is reported when no `azurerm_network_watcher_flow_log` of
    /// the module targets it (`target_resource_id`); flow logs on a network security group
    /// or a subnet record part of some network, so when the module has one, its virtual
    /// networks are not judged. A flow log written with `enabled = false` is reported
    /// itself.
    /// ## Why it matters
    /// Flow logs are the record of which addresses talked to the functions, clusters and
    /// databases in the VPC; without them data exfiltration, scanning or a compromised
    /// workload calling out cannot be seen or investigated, and GuardDuty has less to read.
    /// ## Fix
    /// Add an `aws_flow_log` (`AWS::EC2::FlowLog`) with `vpc_id = aws_vpc.<name>.id`,
    /// `traffic_type = "ALL"` and a CloudWatch Logs or S3 destination with a retention; on
    /// Google Cloud, a `log_config` block on each subnetwork; on Azure, an
    /// `azurerm_network_watcher_flow_log` with `target_resource_id` set to the virtual
    /// network (virtual network flow logs replace NSG flow logs, which Azure no longer
    /// creates since June 2025).
    /// ## References
    /// - https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs.html
    /// - https://cloud.google.com/vpc/docs/using-flow-logs
    /// - https://learn.microsoft.com/azure/network-watcher/vnet-flow-logs-overview
    pub static RULE = {
        id: "LOG102", practice: Log, severity: Medium, title: "Network without flow logs",
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
    for (resource, pos) in &ctx.platform().disabled_flow_logs {
        out.push(ctx.finding(
            &RULE,
            "flow log is switched off (enabled = false): it records nothing".to_string(),
            *pos,
            resource,
        ));
    }
}
