//! NET230 — queue, topic or event bus that anyone can use.

use palisade_core::{Finding, Severity};

use crate::rules::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// A resource policy of an SQS queue (`aws_sqs_queue.policy`, `aws_sqs_queue_policy`,
    /// `AWS::SQS::QueuePolicy`), an SNS topic (`aws_sns_topic.policy`,
    /// `aws_sns_topic_policy`, `AWS::SNS::TopicPolicy`) or an EventBridge event bus
    /// (`aws_cloudwatch_event_bus_policy`, `aws_cloudwatch_event_permission`,
    /// `AWS::Events::EventBus` `Policy`, `AWS::Events::EventBusPolicy`) with an Allow
    /// statement for `Principal: *` (`{"AWS": "*"}`) and no `Condition` (or only
    /// `ForAllValues:` conditions, which an anonymous request satisfies). Critical when
    /// anyone may send, publish, put events, delete or change the policy; high when anyone
    /// may only read or subscribe. Policies that cannot be evaluated are not judged.
    ///
    /// On deployed functions (`palisade cloud aws`), the policies of the queues and topics
    /// that dead-letter configs and on-failure destinations name are read and reported at
    /// the function and the field that names them.
    /// ## Why it matters
    /// Queues, topics and buses are how events reach functions: a public one lets anyone
    /// inject messages the functions trust and act on, read or subscribe to the data flowing
    /// through, or drive up cost. Conditions such as `aws:SourceArn`, `aws:SourceAccount` or
    /// `aws:PrincipalOrgID` are how a service or organization is given access safely.
    /// ## Fix
    /// Name the accounts, roles or service principals that may use the resource, or narrow
    /// `Principal: *` with a condition (`aws:SourceArn` of the SNS topic or EventBridge rule
    /// that feeds the queue, `aws:PrincipalOrgID` for an organization).
    /// ## References
    /// - https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-basic-examples-of-sqs-policies.html
    /// - https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html
    /// - https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-bus-perms.html
    pub static RULE = {
        id: "NET230", practice: Net, severity: High, title: "Queue, topic or event bus open to anyone",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for g in &ctx.platform().message_grants {
        let (severity, verb) = if g.write {
            (Severity::Critical, "writable")
        } else {
            (Severity::High, "readable")
        };
        out.push(ctx.finding_sev(
            &RULE,
            severity,
            format!("{} is {verb} by anyone: {}", g.target, g.grant),
            g.pos,
            &g.resource,
        ));
    }
}
