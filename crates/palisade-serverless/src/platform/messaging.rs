//! Queues, topics and event buses that trigger functions (SQS, SNS, EventBridge): the
//! resource policies that open them to anyone and the encryption of what they hold (for
//! event buses, which AWS always encrypts: whether a key of the account does).

use std::collections::HashMap;

use super::model::*;
use super::policy::{public_statements, writes, PublicStatement};
use super::{attr_bool, blocks, SourceResource};
use crate::model::{Attr, Cloud};
use crate::value::{Value, ValueKind};

pub(super) const TERRAFORM_TYPES: &[&str] = &[
    "aws_sqs_queue",
    "aws_sqs_queue_policy",
    "aws_sns_topic",
    "aws_sns_topic_policy",
    "aws_cloudwatch_event_bus",
    "aws_cloudwatch_event_bus_policy",
    "aws_cloudwatch_event_permission",
];

pub(super) const CFN_TYPES: &[&str] = &[
    "AWS::SQS::Queue",
    "AWS::SQS::QueuePolicy",
    "AWS::SNS::Topic",
    "AWS::SNS::TopicPolicy",
    "AWS::Events::EventBus",
    "AWS::Events::EventBusPolicy",
];

const QUEUE: &str = "SQS queue";
const TOPIC: &str = "SNS topic";
const BUS: &str = "EventBridge event bus";

pub(super) fn terraform(r: &SourceResource, documents: &HashMap<&str, &Value>, p: &mut Platform) {
    let b = r.body;
    let target = match r.rtype {
        "aws_sqs_queue" => {
            p.message_stores.push(MessageStore {
                resource: r.id.clone(),
                kind: QUEUE,
                pos: r.pos,
                encrypted: sqs_encrypted(
                    b.get("kms_master_key_id"),
                    b.get("sqs_managed_sse_enabled"),
                ),
            });
            QUEUE
        }
        "aws_sns_topic" => {
            p.message_stores.push(MessageStore {
                resource: r.id.clone(),
                kind: TOPIC,
                pos: r.pos,
                encrypted: sns_encrypted(r, b.get("kms_master_key_id")),
            });
            TOPIC
        }
        "aws_cloudwatch_event_bus" => {
            event_bus(r, b.get("kms_key_identifier"), p);
            return;
        }
        "aws_sqs_queue_policy" => QUEUE,
        "aws_sns_topic_policy" => TOPIC,
        "aws_cloudwatch_event_bus_policy" => BUS,
        "aws_cloudwatch_event_permission" => {
            event_permission(
                r,
                b.get("principal"),
                b.get("action"),
                !blocks(b, "condition").is_empty(),
                p,
            );
            return;
        }
        _ => return,
    };
    if let Some(policy) = b.get("policy") {
        grants(r, target, public_statements(policy, documents), p);
    }
}

pub(super) fn cfn(r: &SourceResource, p: &mut Platform) {
    let b = r.body;
    let none = HashMap::new();
    match r.rtype {
        "AWS::SQS::Queue" => p.message_stores.push(MessageStore {
            resource: r.id.clone(),
            kind: QUEUE,
            pos: r.pos,
            encrypted: sqs_encrypted(b.get("KmsMasterKeyId"), b.get("SqsManagedSseEnabled")),
        }),
        "AWS::SNS::Topic" => p.message_stores.push(MessageStore {
            resource: r.id.clone(),
            kind: TOPIC,
            pos: r.pos,
            encrypted: sns_encrypted(r, b.get("KmsMasterKeyId")),
        }),
        "AWS::SQS::QueuePolicy" | "AWS::SNS::TopicPolicy" => {
            let target = if r.rtype == "AWS::SQS::QueuePolicy" {
                QUEUE
            } else {
                TOPIC
            };
            if let Some(doc) = b.get("PolicyDocument") {
                grants(r, target, public_statements(doc, &none), p);
            }
        }
        "AWS::Events::EventBus" => {
            event_bus(r, b.get("KmsKeyIdentifier"), p);
            if let Some(doc) = b.get("Policy") {
                grants(r, BUS, public_statements(doc, &none), p);
            }
        }
        "AWS::Events::EventBusPolicy" => match b.get("Statement") {
            // The statement form: one IAM statement, without the document around it.
            Some(s) => {
                let doc = Value::new(
                    ValueKind::Map(vec![("Statement".to_string(), s.clone())]),
                    s.pos,
                );
                grants(r, BUS, public_statements(&doc, &none), p);
            }
            // The older form: a principal (an account or `*`) allowed `events:PutEvents`.
            None => event_permission(
                r,
                b.get("Principal"),
                b.get("Action"),
                b.get("Condition").is_some(),
                p,
            ),
        },
        _ => {}
    }
}

/// An SQS queue is encrypted when a KMS key is named or SQS-managed encryption is on; with
/// neither written, AWS encrypts new queues with SQS-managed keys (since October 2022).
fn sqs_encrypted(key: Option<&Value>, managed: Option<&Value>) -> Attr<bool> {
    match kms_key(key) {
        Attr::Set(true, pos) => return Attr::Set(true, pos),
        Attr::Unknown(pos) => return Attr::Unknown(pos),
        _ => {}
    }
    attr_bool(managed)
}

/// An SNS topic is encrypted only with a KMS key; there is no default encryption.
fn sns_encrypted(r: &SourceResource, key: Option<&Value>) -> Attr<bool> {
    match kms_key(key) {
        Attr::Unset => Attr::Set(false, r.pos),
        other => other,
    }
}

/// An event bus is encrypted with a key AWS owns unless a customer managed key is named
/// (EventBridge offers no AWS managed key).
fn event_bus(r: &SourceResource, key: Option<&Value>, p: &mut Platform) {
    p.event_buses.push(EventBus {
        resource: r.id.clone(),
        pos: r.pos,
        customer_key: match kms_key(key) {
            Attr::Unset => Attr::Set(false, r.pos),
            other => other,
        },
    });
}

/// Whether a KMS key is named: `Set(true)` for a key id, alias, ARN or reference,
/// `Set(false)` for an empty string or null, `Unset` when absent.
fn kms_key(v: Option<&Value>) -> Attr<bool> {
    let Some(v) = v else { return Attr::Unset };
    match &v.kind {
        ValueKind::Null => Attr::Set(false, v.pos),
        ValueKind::Str(s) => Attr::Set(!s.trim().is_empty(), v.pos),
        ValueKind::Ref { .. } => Attr::Set(true, v.pos),
        _ => Attr::Unknown(v.pos),
    }
}

/// An EventBridge permission (`aws_cloudwatch_event_permission`, the principal form of
/// `AWS::Events::EventBusPolicy`) for `*` without a condition.
fn event_permission(
    r: &SourceResource,
    principal: Option<&Value>,
    action: Option<&Value>,
    conditioned: bool,
    p: &mut Platform,
) {
    let Some(who) = principal.filter(|v| v.as_str() == Some("*")) else {
        return;
    };
    if conditioned {
        return;
    }
    let actions = vec![action
        .and_then(Value::as_str)
        .unwrap_or("events:PutEvents")
        .to_string()];
    grants(
        r,
        BUS,
        vec![PublicStatement {
            actions,
            pos: who.pos,
        }],
        p,
    );
}

fn grants(
    r: &SourceResource,
    target: &'static str,
    statements: Vec<PublicStatement>,
    p: &mut Platform,
) {
    for s in statements {
        p.message_grants.push(PublicGrant {
            resource: r.id.clone(),
            cloud: Cloud::Aws,
            target,
            grant: format!(
                "policy Principal * on {}",
                if s.actions.is_empty() {
                    "its actions".to_string()
                } else {
                    s.actions.join(", ")
                }
            ),
            write: writes(&s.actions),
            via: GrantVia::Policy,
            bucket: None,
            pos: s.pos,
        });
    }
}
