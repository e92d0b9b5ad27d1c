//! CloudFormation resources into the platform model.

use super::model::*;
use super::terraform::normalize_protocol;
use std::collections::HashMap;

use super::policy::{public_statements, writes};
use super::{attr_bool, attr_str, SourceResource};
use crate::model::{Attr, Cloud, Direction, Spanned};
use crate::value::Value;

pub(super) fn wants(t: &str) -> bool {
    matches!(
        t,
        "AWS::EC2::NetworkAclEntry"
            | "AWS::RDS::DBInstance"
            | "AWS::Redshift::Cluster"
            | "AWS::DMS::ReplicationInstance"
            | "AWS::AmazonMQ::Broker"
            | "AWS::S3::Bucket"
            | "AWS::S3::BucketPolicy"
    ) || super::clusters::CFN_TYPES.contains(&t)
        || super::identities::CFN_TYPES.contains(&t)
        || super::registries::CFN_TYPES.contains(&t)
        || super::messaging::CFN_TYPES.contains(&t)
        || super::apis::CFN_TYPES.contains(&t)
        || super::flow_logs::CFN_TYPES.contains(&t)
        || super::load_balancers::CFN_TYPES.contains(&t)
        || super::search_domains::CFN_TYPES.contains(&t)
        || super::tables::CFN_TYPES.contains(&t)
        || super::user_pools::CFN_TYPES.contains(&t)
        || super::state_machines::CFN_TYPES.contains(&t)
        || super::db_transport::CFN_TYPES.contains(&t)
}

pub(super) fn build(resources: Vec<SourceResource>) -> Platform {
    let mut p = Platform::default();
    super::identities::cfn(&resources, &mut p);
    super::apis::cfn(&resources, &mut p);
    super::flow_logs::cfn(&resources, &mut p);
    super::load_balancers::cfn(&resources, &mut p);
    super::db_transport::cfn_rds(&resources, &mut p);
    for r in &resources {
        super::db_transport::cfn(r, &mut p);
        super::clusters::cfn(r, &mut p);
        super::registries::cfn(r, &mut p);
        super::messaging::cfn(r, &mut p);
        super::search_domains::cfn(r, &mut p);
        super::template_secrets::cfn(r, &mut p);
        super::tables::cfn(r, &mut p);
        super::user_pools::cfn(r, &mut p);
        super::state_machines::cfn(r, &mut p);
        let b = r.body;
        match r.rtype {
            "AWS::EC2::NetworkAclEntry" => p.network_rules.push(nacl_entry(r, b)),
            "AWS::S3::Bucket" => s3_bucket(r, b, &mut p),
            "AWS::S3::BucketPolicy" => {
                if let Some(doc) = b.get("PolicyDocument") {
                    for s in public_statements(doc, &HashMap::new()) {
                        p.public_grants.push(PublicGrant {
                            resource: r.id.clone(),
                            cloud: Cloud::Aws,
                            target: "S3 bucket",
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
                            bucket: b
                                .get("Bucket")
                                .and_then(Value::ref_target)
                                .map(str::to_string),
                            pos: s.pos,
                        });
                    }
                }
            }
            "AWS::RDS::DBInstance"
            | "AWS::Redshift::Cluster"
            | "AWS::DMS::ReplicationInstance"
            | "AWS::AmazonMQ::Broker" => {
                let kind = match r.rtype {
                    "AWS::RDS::DBInstance" => "RDS instance",
                    "AWS::Redshift::Cluster" => "Redshift cluster",
                    "AWS::DMS::ReplicationInstance" => "DMS replication instance",
                    _ => "Amazon MQ broker",
                };
                p.databases.push(Database {
                    resource: r.id.clone(),
                    kind,
                    publicly_accessible: attr_bool(b.get("PubliclyAccessible")),
                    open_networks: Vec::new(),
                    pos: r.pos,
                });
            }
            _ => {}
        }
    }
    p
}

fn nacl_entry(r: &SourceResource, b: &Value) -> NetworkRule {
    let direction = match attr_bool(b.get("Egress")) {
        Attr::Set(true, p) => Attr::Set(Direction::Egress, p),
        Attr::Set(false, p) => Attr::Set(Direction::Ingress, p),
        Attr::Unset => Attr::Set(Direction::Ingress, r.pos),
        Attr::Unknown(p) => Attr::Unknown(p),
    };
    let protocol = match attr_str(b.get("Protocol")) {
        Attr::Set(p, pos) => Attr::Set(normalize_protocol(&p), pos),
        other => other,
    };
    let ports = if protocol.value().is_some_and(|p| p == "all") {
        Attr::Set(Vec::new(), r.pos)
    } else {
        match b.get("PortRange") {
            None => Attr::Unknown(r.pos),
            Some(range) => match (
                range.get("From").and_then(Value::as_i64),
                range.get("To").and_then(Value::as_i64),
            ) {
                (Some(f), Some(t)) => Attr::Set(vec![PortRange { from: f, to: t }], range.pos),
                _ => Attr::Unknown(range.pos),
            },
        }
    };
    let peers: Vec<Spanned<String>> = ["CidrBlock", "Ipv6CidrBlock"]
        .iter()
        .filter_map(|k| b.get(k))
        .filter_map(|v| {
            v.as_str().map(|s| Spanned {
                value: s.to_string(),
                pos: v.pos,
            })
        })
        .collect();
    NetworkRule {
        resource: r.id.clone(),
        firewall: Firewall::AwsNetworkAcl,
        cloud: Cloud::Aws,
        direction,
        allow: match attr_str(b.get("RuleAction")) {
            Attr::Set(a, pos) => Attr::Set(a.eq_ignore_ascii_case("allow"), pos),
            Attr::Unset => Attr::Unknown(r.pos),
            Attr::Unknown(pos) => Attr::Unknown(pos),
        },
        pos: peers.first().map(|p| p.pos).unwrap_or(r.pos),
        peers,
        protocol,
        ports,
        order: b.get("RuleNumber").and_then(Value::as_i64),
        group: b
            .get("NetworkAclId")
            .and_then(Value::ref_target)
            .map(str::to_string),
    }
}

fn s3_bucket(r: &SourceResource, b: &Value, p: &mut Platform) {
    if let Some(v) = b.get("AccessControl") {
        let public = match v.as_str() {
            Some("PublicRead") => Some(("PublicRead", false)),
            Some("PublicReadWrite") => Some(("PublicReadWrite", true)),
            Some("AuthenticatedRead") => Some(("AuthenticatedRead", false)),
            _ => None,
        };
        if let Some((name, write)) = public {
            p.public_grants.push(PublicGrant {
                resource: r.id.clone(),
                cloud: Cloud::Aws,
                target: "S3 bucket",
                grant: format!("AccessControl {name}"),
                write,
                via: GrantVia::Acl,
                bucket: Some(r.key.to_string()),
                pos: v.pos,
            });
        }
    }
    let block = match b.get("PublicAccessBlockConfiguration") {
        None => Attr::Unset,
        Some(c) if c.is_unknown() => Attr::Unknown(c.pos),
        Some(c) => Attr::Set(
            PublicAccessBlock {
                resource: r.id.clone(),
                switches: [
                    ("block_public_acls", "BlockPublicAcls"),
                    ("block_public_policy", "BlockPublicPolicy"),
                    ("ignore_public_acls", "IgnorePublicAcls"),
                    ("restrict_public_buckets", "RestrictPublicBuckets"),
                ]
                .iter()
                .map(|(name, key)| (*name, attr_bool(c.get(key))))
                .collect(),
                pos: c.pos,
            },
            c.pos,
        ),
    };
    let versioning = match b.get("VersioningConfiguration") {
        None => Attr::Set(false, r.pos),
        Some(v) if v.is_unknown() => Attr::Unknown(v.pos),
        Some(v) => match attr_str(v.get("Status")) {
            Attr::Set(status, pos) => Attr::Set(status == "Enabled", pos),
            Attr::Unset => Attr::Set(false, v.pos),
            Attr::Unknown(pos) => Attr::Unknown(pos),
        },
    };
    let access_logs = match b.get("LoggingConfiguration") {
        None => Attr::Set(false, r.pos),
        Some(l) if l.is_null() => Attr::Set(false, l.pos),
        Some(l) => {
            if let Some(target) = l.get("DestinationBucketName").and_then(Value::ref_target) {
                p.s3_log_targets.insert(target.to_string());
            }
            Attr::Set(true, l.pos)
        }
    };
    if b.get("AccessControl").and_then(Value::as_str) == Some("LogDeliveryWrite") {
        p.s3_log_targets.insert(r.key.to_string());
    }
    p.s3_buckets.push(S3Bucket {
        resource: r.id.clone(),
        key: r.key.to_string(),
        pos: r.pos,
        public_access_block: block,
        versioning,
        access_logs,
    });
}
