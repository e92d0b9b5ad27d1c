//! Dead-letter queues and on-failure destinations: each SQS queue and SNS topic that a
//! function's `DeadLetterConfig`, an event invoke config or an event source mapping names is
//! read once, in its own region, for whether it exists, its encryption and its resource
//! policy. Other destinations (Lambda functions, EventBridge event buses, S3 buckets) are
//! not read here: [`crate::map`] judges them from the inventory and the role alone.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use aws_config::{Region, SdkConfig};
use aws_sdk_sqs::types::QueueAttributeName;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::http::Response as HttpResponse;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::data::{RegionData, TargetData, TargetKind};
use super::tally::Tally;
use crate::error::{CallError, CallErrorKind};

/// Every SQS and SNS target (the kinds that are read) the functions and mappings of `regions` name.
pub(super) fn target_arns(regions: &[RegionData]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for r in regions {
        for f in &r.functions {
            out.extend(f.dead_letter.iter().cloned());
            out.extend(f.on_failure.iter().cloned());
            out.extend(
                f.qualified_invoke_configs
                    .iter()
                    .filter_map(|(_, d)| d.clone()),
            );
        }
        out.extend(r.mappings.iter().filter_map(|m| m.on_failure.clone()));
    }
    out.retain(|arn| TargetKind::of(arn).is_some_and(TargetKind::is_read) && parts(arn).is_some());
    out
}

/// `(region, account, name)` of `arn:PARTITION:sqs|sns:REGION:ACCOUNT:NAME`.
fn parts(arn: &str) -> Option<(&str, &str, &str)> {
    let mut it = arn.splitn(6, ':');
    let (_, _, _, region, account, name) = (
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
    );
    (!region.is_empty() && !account.is_empty() && !name.is_empty() && !name.contains(':'))
        .then_some((region, account, name))
}

/// Reads every target in its own region, in parallel (at most `per_call` at a time).
pub(super) async fn read_targets(
    base: &SdkConfig,
    account: &str,
    arns: BTreeSet<String>,
    tally: &Tally,
    per_call: usize,
) -> BTreeMap<String, TargetData> {
    let limit = Arc::new(Semaphore::new(per_call));
    let mut tasks = JoinSet::new();
    let mut configs: BTreeMap<String, SdkConfig> = BTreeMap::new();
    for arn in arns {
        let Some((region, _, _)) = parts(&arn) else {
            continue;
        };
        let config = configs
            .entry(region.to_string())
            .or_insert_with(|| {
                base.to_builder()
                    .region(Region::new(region.to_string()))
                    .build()
            })
            .clone();
        let (tally, limit, account) = (tally.clone(), limit.clone(), account.to_string());
        tasks.spawn(async move {
            let _permit = limit.acquire_owned().await;
            let data = read_target(&config, &account, &arn, &tally).await;
            (arn, data)
        });
    }
    let mut out = BTreeMap::new();
    while let Some(done) = tasks.join_next().await {
        if let Ok((arn, Some(data))) = done {
            out.insert(arn, data);
        }
    }
    out
}

async fn read_target(
    config: &SdkConfig,
    account: &str,
    arn: &str,
    tally: &Tally,
) -> Option<TargetData> {
    let (region, owner, name) = parts(arn)?;
    let foreign = owner != account;
    match TargetKind::of(arn)? {
        TargetKind::Queue => {
            let sqs = aws_sdk_sqs::Client::new(config);
            let mut ask = sqs.get_queue_url().queue_name(name);
            if foreign {
                ask = ask.queue_owner_aws_account_id(owner);
            }
            tally.count();
            let url = match ask.send().await {
                Ok(out) => out.queue_url().unwrap_or_default().to_string(),
                Err(e) => {
                    return gone(
                        tally,
                        "sqs:GetQueueUrl",
                        region,
                        arn,
                        foreign,
                        &e,
                        e.as_service_error()
                            .is_some_and(|s| s.is_queue_does_not_exist()),
                    )
                }
            };
            tally.count();
            let result = sqs
                .get_queue_attributes()
                .queue_url(url)
                .attribute_names(QueueAttributeName::KmsMasterKeyId)
                .attribute_names(QueueAttributeName::SqsManagedSseEnabled)
                .attribute_names(QueueAttributeName::Policy)
                .send()
                .await;
            match result {
                Ok(out) => {
                    let attr = |k: QueueAttributeName| {
                        out.attributes()
                            .and_then(|a| a.get(&k))
                            .filter(|v| !v.is_empty())
                            .cloned()
                    };
                    Some(TargetData::Found {
                        kms_key: attr(QueueAttributeName::KmsMasterKeyId),
                        managed_sse: attr(QueueAttributeName::SqsManagedSseEnabled)
                            .is_some_and(|v| v.eq_ignore_ascii_case("true")),
                        policy: attr(QueueAttributeName::Policy),
                    })
                }
                Err(e) => gone(
                    tally,
                    "sqs:GetQueueAttributes",
                    region,
                    arn,
                    foreign,
                    &e,
                    e.as_service_error()
                        .is_some_and(|s| s.is_queue_does_not_exist()),
                ),
            }
        }
        // Never asked for: `target_arns` keeps only the kinds that are read.
        TargetKind::Function | TargetKind::EventBus | TargetKind::Bucket => None,
        TargetKind::Topic => {
            let sns = aws_sdk_sns::Client::new(config);
            tally.count();
            match sns.get_topic_attributes().topic_arn(arn).send().await {
                Ok(out) => {
                    let attr = |k: &str| {
                        out.attributes()
                            .and_then(|a| a.get(k))
                            .filter(|v| !v.is_empty())
                            .cloned()
                    };
                    Some(TargetData::Found {
                        kms_key: attr("KmsMasterKeyId"),
                        managed_sse: false,
                        policy: attr("Policy"),
                    })
                }
                Err(e) => gone(
                    tally,
                    "sns:GetTopicAttributes",
                    region,
                    arn,
                    foreign,
                    &e,
                    e.as_service_error()
                        .is_some_and(|s| s.is_not_found_exception()),
                ),
            }
        }
    }
}

/// A target whose read failed: `Missing` when the service says it does not exist in this
/// account; otherwise the error is kept and the target stays unread. Another account's
/// target that does not answer (SQS says "does not exist or you do not have access" for
/// both) is a warning: these credentials are not expected to read it.
fn gone<E>(
    tally: &Tally,
    action: &str,
    region: &str,
    arn: &str,
    foreign: bool,
    err: &SdkError<E, HttpResponse>,
    not_found: bool,
) -> Option<TargetData>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let mut e = CallError::from_sdk(action, region, Some(arn), err);
    if foreign && (not_found || e.kind == CallErrorKind::AccessDenied) {
        e.kind = CallErrorKind::OtherAccount;
        tally.push(e);
        return None;
    }
    if not_found {
        return Some(TargetData::Missing(e.message));
    }
    tally.push(e);
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_queue_and_topic_arns() {
        assert_eq!(
            parts("arn:aws:sqs:eu-west-1:123456789012:dlq"),
            Some(("eu-west-1", "123456789012", "dlq"))
        );
        assert_eq!(parts("arn:aws:sqs:eu-west-1:123456789012"), None);
        assert_eq!(parts("arn:aws:sns:us-east-1::t"), None);
        assert_eq!(
            TargetKind::of("arn:aws:sns:us-east-1:1:t"),
            Some(TargetKind::Topic)
        );
        assert_eq!(
            TargetKind::of("arn:aws:lambda:us-east-1:1:function:f"),
            Some(TargetKind::Function)
        );
        assert_eq!(
            TargetKind::of("arn:aws:events:us-east-1:1:event-bus/default"),
            Some(TargetKind::EventBus)
        );
        assert_eq!(
            TargetKind::of("arn:aws:s3:::failed-batches"),
            Some(TargetKind::Bucket)
        );
        assert_eq!(TargetKind::of("arn:aws:lambda:us-east-1:1:layer:l:1"), None);
        assert_eq!(TargetKind::of("arn:aws:s3:::"), None);
        // Only queues and topics are asked about.
        let regions = [RegionData {
            functions: vec![super::super::data::FunctionData {
                dead_letter: Some("arn:aws:sqs:us-east-1:1:dlq".into()),
                on_failure: Some("arn:aws:lambda:us-east-1:1:function:f".into()),
                qualified_invoke_configs: vec![(
                    "arn:aws:lambda:us-east-1:1:function:g:live".into(),
                    Some("arn:aws:s3:::failed-batches".into()),
                )],
                ..Default::default()
            }],
            ..Default::default()
        }];
        assert_eq!(
            target_arns(&regions).into_iter().collect::<Vec<_>>(),
            ["arn:aws:sqs:us-east-1:1:dlq"]
        );
    }
}
