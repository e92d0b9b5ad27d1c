//! SEC317 — EventBridge event bus encrypted with the key AWS owns, not a KMS key.

use palisade_core::Finding;

use crate::model::Attr;
use crate::rules::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// An EventBridge event bus (`aws_cloudwatch_event_bus`, `AWS::Events::EventBus`)
    /// without `kms_key_identifier` (`KmsKeyIdentifier`), or with an empty one: its events
    /// are encrypted with a key AWS owns. EventBridge has no AWS managed key; the choice is
    /// that key or a customer managed one. Keys that cannot be evaluated are not judged.
    /// ## Why it matters
    /// Events carry what functions act on — orders, user records, sometimes tokens. With
    /// the key AWS owns, every principal with EventBridge rights over the bus reaches them
    /// and no decryption is recorded; a customer managed key adds a key policy that names
    /// who may decrypt, a switch (disabling the key) that makes the stored events
    /// unreadable, and a CloudTrail record of each use.
    /// ## Fix
    /// `kms_key_identifier = aws_kms_key.events.arn` (`KmsKeyIdentifier: !GetAtt
    /// EventsKey.Arn`), with a key policy that lets `events.amazonaws.com` use the key for
    /// this bus (`kms:DescribeKey`, `kms:GenerateDataKey`, `kms:Decrypt`), a dead-letter
    /// queue on the bus's rules, and a customer managed key on its archives too. The key
    /// can be set on an existing bus; schema discovery does not work on such a bus.
    /// ## References
    /// - https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-encryption-at-rest-key-options.html
    /// - https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-encryption-event-bus-cmkey-configure.html
    pub static RULE = {
        id: "SEC317", practice: Sec, severity: Low, title: "Event bus not encrypted with a KMS key",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for bus in &ctx.platform().event_buses {
        if let Attr::Set(false, pos) = bus.customer_key {
            out.push(
                ctx.finding(
                    &RULE,
                    "EventBridge event bus is encrypted with a key AWS owns: no key policy limits \
                 who can decrypt its events and no key use is logged"
                        .to_string(),
                    pos,
                    &bus.resource,
                ),
            );
        }
    }
}
