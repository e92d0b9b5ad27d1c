//! LOG004 — asynchronously invoked function without a dead-letter queue or on-failure destination.

use palisade_core::Finding;

use super::Context;
use crate::model::TriggerKind;

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Lambda function with an asynchronous trigger in the template and neither a
    /// dead-letter queue (`DeadLetterConfig`, `DeadLetterQueue`, `dead_letter_config`,
    /// `onError`) nor an on-failure destination (`EventInvokeConfig`,
    /// `AWS::Lambda::EventInvokeConfig`, `destinations.onFailure`,
    /// `aws_lambda_function_event_invoke_config`). Asynchronous triggers are SAM and
    /// Serverless events (S3, SNS, EventBridge, schedules, IoT, CloudWatch Logs) and separate
    /// resources pointing at the function: `AWS::SNS::Subscription` / `Topic` subscriptions,
    /// S3 bucket notifications, `AWS::Events::Rule` and `AWS::Scheduler::Schedule` targets,
    /// log subscription filters, `AWS::Lambda::Permission` for those services (and the
    /// Terraform `aws_sns_topic_subscription`, `aws_s3_bucket_notification`,
    /// `aws_cloudwatch_event_target`, `aws_scheduler_schedule`,
    /// `aws_cloudwatch_log_subscription_filter`, `aws_lambda_permission`).
    ///
    /// Also a Kinesis or DynamoDB stream event source mapping without its own on-failure
    /// destination (`DestinationConfig.OnFailure`, `destination_config.on_failure`,
    /// `destinations.onFailure`). Queue pollers (SQS, Kafka, MQ) are not reported: failed
    /// messages go to the queue's own redrive policy.
    ///
    /// On deployed functions (`palisade cloud aws`), also where failed events are sent but
    /// lost: a dead-letter queue or on-failure destination that does not exist (an SQS
    /// queue or SNS topic, as those services say; a Lambda function of the account that is
    /// not among the region's functions), or that the function's execution role may not
    /// send to (`sqs:SendMessage`, `sns:Publish`, `lambda:InvokeFunction`, `events:PutEvents`
    /// on its ARN; for an S3 bucket, `s3:PutObject` on the objects Lambda writes under
    /// `aws/lambda/`, which a statement on the bucket ARN alone does not grant, and
    /// `s3:ListBucket` on the bucket; judged with
    /// the role's policies, `Deny` statements and permissions boundary); and an alias's or
    /// version's event invoke config without an
    /// on-failure destination when the function has no dead-letter queue (it replaces the
    /// function's config for invocations through the alias), located at the alias ARN.
    /// ## Why it matters
    /// After two retries a failed asynchronous event is dropped without a trace: lost
    /// orders, lost audit events, and no signal that anything went wrong. A stream batch
    /// that keeps failing blocks its shard until the records expire, and then they are gone.
    /// ## Fix
    /// Add an SQS dead-letter queue or an on-failure destination, and alarm on its depth.
    /// For stream mappings, set `DestinationConfig.OnFailure`, `MaximumRetryAttempts` and
    /// `BisectBatchOnFunctionError`.
    /// ## References
    /// - https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
    /// - https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html#services-kinesis-errors
    pub static RULE = {
        id: "LOG004", practice: Log, severity: Medium, title: "Async function without dead-letter queue",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for f in ctx.aws_functions() {
        if f.dead_letter.is_unset() {
            if let Some(t) = f.triggers.iter().find(|t| t.kind == TriggerKind::Async) {
                out.push(ctx.finding(
                    &RULE,
                    format!(
                        "function {} is invoked asynchronously by {} but failed events have nowhere to go",
                        f.name, t.source
                    ),
                    t.pos,
                    &f.resource,
                ));
            }
        }
        for t in f
            .triggers
            .iter()
            .filter(|t| t.kind == TriggerKind::Poll && t.stream && t.on_failure.is_unset())
        {
            out.push(ctx.finding(
                &RULE,
                format!(
                    "stream mapping {} of function {} has no on-failure destination: records that keep failing are dropped when they expire",
                    t.source, f.name
                ),
                t.pos,
                &f.resource,
            ));
        }
    }
}
