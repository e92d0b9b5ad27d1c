//! The tables functions keep their data in: DynamoDB tables (also SAM `SimpleTable` and
//! global tables) and DAX caches — their encryption at rest and point-in-time recovery.

use super::model::*;
use super::{attr_bool, blocks, section_switch, SourceResource};
use crate::model::Attr;
use crate::value::{Pos, Value};

pub(super) const TERRAFORM_TYPES: &[&str] = &["aws_dynamodb_table", "aws_dax_cluster"];

pub(super) const CFN_TYPES: &[&str] = &[
    "AWS::DynamoDB::Table",
    "AWS::DynamoDB::GlobalTable",
    "AWS::Serverless::SimpleTable",
    "AWS::DAX::Cluster",
];

const TABLE: &str = "DynamoDB table";
const GLOBAL_TABLE: &str = "DynamoDB global table";
const DAX: &str = "DAX cluster";

pub(super) fn terraform(r: &SourceResource, p: &mut Platform) {
    let b = r.body;
    let sse = blocks(b, "server_side_encryption").first().copied();
    let table = match r.rtype {
        "aws_dynamodb_table" => Table {
            resource: r.id.clone(),
            kind: TABLE,
            pos: r.pos,
            at_rest: at_rest(sse, "enabled", AtRest::ServiceOwnedKey, r.pos),
            point_in_time_recovery: section_switch(
                blocks(b, "point_in_time_recovery").first().copied(),
                "enabled",
                r.pos,
            ),
        },
        "aws_dax_cluster" => Table {
            resource: r.id.clone(),
            kind: DAX,
            pos: r.pos,
            at_rest: at_rest(sse, "enabled", AtRest::Unencrypted, r.pos),
            point_in_time_recovery: Attr::Unset,
        },
        _ => return,
    };
    p.tables.push(table);
}

pub(super) fn cfn(r: &SourceResource, p: &mut Platform) {
    let b = r.body;
    let sse = b.get("SSESpecification");
    let table = match r.rtype {
        "AWS::DynamoDB::Table" => Table {
            resource: r.id.clone(),
            kind: TABLE,
            pos: r.pos,
            at_rest: at_rest(sse, "SSEEnabled", AtRest::ServiceOwnedKey, r.pos),
            point_in_time_recovery: section_switch(
                b.get("PointInTimeRecoverySpecification"),
                "PointInTimeRecoveryEnabled",
                r.pos,
            ),
        },
        "AWS::DynamoDB::GlobalTable" => Table {
            resource: r.id.clone(),
            kind: GLOBAL_TABLE,
            pos: r.pos,
            at_rest: at_rest(sse, "SSEEnabled", AtRest::ServiceOwnedKey, r.pos),
            point_in_time_recovery: replicas_recovery(b, r.pos),
        },
        // SAM's table has no recovery setting: only its encryption is judged.
        "AWS::Serverless::SimpleTable" => Table {
            resource: r.id.clone(),
            kind: TABLE,
            pos: r.pos,
            at_rest: at_rest(sse, "SSEEnabled", AtRest::ServiceOwnedKey, r.pos),
            point_in_time_recovery: Attr::Unset,
        },
        "AWS::DAX::Cluster" => Table {
            resource: r.id.clone(),
            kind: DAX,
            pos: r.pos,
            at_rest: at_rest(sse, "SSEEnabled", AtRest::Unencrypted, r.pos),
            point_in_time_recovery: Attr::Unset,
        },
        _ => return,
    };
    p.tables.push(table);
}

/// Encryption from a server-side encryption section: switched on, it is a KMS key of the
/// account (DynamoDB) or the service's encryption (DAX); off or unwritten, `default`.
fn at_rest(section: Option<&Value>, enabled: &str, default: AtRest, fallback: Pos) -> Attr<AtRest> {
    let Some(s) = section else {
        return Attr::Set(default, fallback);
    };
    if s.is_unknown() {
        return Attr::Unknown(s.pos);
    }
    match attr_bool(s.get(enabled)) {
        Attr::Set(true, pos) => Attr::Set(AtRest::Kms, pos),
        Attr::Set(false, pos) => Attr::Set(default, pos),
        Attr::Unset => Attr::Set(default, s.pos),
        Attr::Unknown(pos) => Attr::Unknown(pos),
    }
}

/// A global table recovers only where every replica has recovery on: the first replica
/// without it (or the table, without replicas) is where it is reported.
fn replicas_recovery(b: &Value, fallback: Pos) -> Attr<bool> {
    let Some(replicas) = b.get("Replicas") else {
        return Attr::Set(false, fallback);
    };
    if replicas.is_unknown() {
        return Attr::Unknown(replicas.pos);
    }
    let mut unknown = None;
    for replica in replicas.items() {
        match section_switch(
            replica.get("PointInTimeRecoverySpecification"),
            "PointInTimeRecoveryEnabled",
            replica.pos,
        ) {
            Attr::Set(false, pos) => return Attr::Set(false, pos),
            Attr::Unknown(pos) => unknown = unknown.or(Some(pos)),
            _ => {}
        }
    }
    match unknown {
        Some(pos) => Attr::Unknown(pos),
        None if replicas.items().is_empty() => Attr::Set(false, replicas.pos),
        None => Attr::Set(true, replicas.pos),
    }
}
