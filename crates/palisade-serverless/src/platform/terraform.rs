//! Terraform resources (AWS, Azure, Google providers) into the platform model.

use super::model::*;
use std::collections::HashMap;

use super::policy::{public_statements, writes};
use super::{attr_bool, attr_str, blocks, pos_of, SourceResource};
use crate::model::{Attr, Cloud, Direction, Spanned};
use crate::value::Value;

pub(super) fn wants(t: &str) -> bool {
    matches!(
        t,
        "aws_network_acl"
            | "aws_default_network_acl"
            | "aws_network_acl_rule"
            | "azurerm_network_security_group"
            | "azurerm_network_security_rule"
            | "google_compute_firewall"
            | "aws_db_instance"
            | "aws_rds_cluster_instance"
            | "aws_redshift_cluster"
            | "aws_dms_replication_instance"
            | "aws_mq_broker"
            | "aws_neptune_cluster_instance"
            | "google_sql_database_instance"
            | "aws_s3_bucket"
            | "aws_s3_bucket_acl"
            | "aws_s3_bucket_policy"
            | "aws_s3_bucket_public_access_block"
            | "aws_s3_bucket_versioning"
            | "google_storage_bucket"
            | "aws_s3_bucket_logging"
            | "aws_s3_account_public_access_block"
            | "aws_iam_policy_document"
            | "google_storage_bucket_iam_member"
            | "google_storage_bucket_iam_binding"
            | "google_storage_bucket_access_control"
            | "google_storage_default_object_access_control"
            | "google_storage_object_access_control"
            | "google_storage_bucket_acl"
            | "azurerm_storage_account"
            | "azurerm_storage_container"
    ) || (t.starts_with("azurerm_") && t.ends_with("_firewall_rule"))
        || super::clusters::TERRAFORM_TYPES.contains(&t)
        || super::identities::TERRAFORM_TYPES.contains(&t)
        || super::registries::TERRAFORM_TYPES.contains(&t)
        || super::messaging::TERRAFORM_TYPES.contains(&t)
        || super::apis::TERRAFORM_TYPES.contains(&t)
        || super::flow_logs::TERRAFORM_TYPES.contains(&t)
        || super::load_balancers::TERRAFORM_TYPES.contains(&t)
        || super::search_domains::TERRAFORM_TYPES.contains(&t)
        || super::tables::TERRAFORM_TYPES.contains(&t)
        || super::user_pools::TERRAFORM_TYPES.contains(&t)
        || super::state_machines::TERRAFORM_TYPES.contains(&t)
        || super::gateways::TERRAFORM_TYPES.contains(&t)
        || super::db_transport::TERRAFORM_TYPES.contains(&t)
}

pub(super) fn build(resources: Vec<SourceResource>) -> Platform {
    let mut p = Platform::default();
    storage(&resources, &mut p);
    super::identities::terraform(&resources, &mut p);
    let documents: HashMap<&str, &Value> = resources
        .iter()
        .filter(|r| r.rtype == "aws_iam_policy_document")
        .map(|r| (r.key, r.body))
        .collect();
    super::search_domains::terraform(&resources, &documents, &mut p);
    super::apis::terraform(&resources, &mut p);
    super::flow_logs::terraform(&resources, &mut p);
    super::load_balancers::terraform(&resources, &mut p);
    super::gateways::terraform(&resources, &mut p);
    super::db_transport::terraform_rds(&resources, &mut p);
    super::registries::google(&resources, &mut p);
    for r in &resources {
        super::clusters::terraform(r, &mut p);
        super::registries::terraform(r, &documents, &mut p);
        super::messaging::terraform(r, &documents, &mut p);
        super::template_secrets::terraform(r, &mut p);
        super::tables::terraform(r, &mut p);
        super::user_pools::terraform(r, &mut p);
        super::state_machines::terraform(r, &mut p);
        super::db_transport::terraform(r, &mut p);
        let b = r.body;
        match r.rtype {
            "aws_network_acl" | "aws_default_network_acl" => {
                for (key, dir) in [
                    ("ingress", Direction::Ingress),
                    ("egress", Direction::Egress),
                ] {
                    for e in blocks(b, key) {
                        p.network_rules.push(nacl_entry(
                            r,
                            e,
                            Attr::Set(dir, e.pos),
                            "action",
                            "rule_no",
                            Some(r.key.to_string()),
                        ));
                    }
                }
            }
            "aws_network_acl_rule" => {
                let direction = match attr_bool(b.get("egress")) {
                    Attr::Set(true, p) => Attr::Set(Direction::Egress, p),
                    Attr::Set(false, p) => Attr::Set(Direction::Ingress, p),
                    Attr::Unset => Attr::Set(Direction::Ingress, r.pos),
                    Attr::Unknown(p) => Attr::Unknown(p),
                };
                let group = b
                    .get("network_acl_id")
                    .and_then(Value::ref_target)
                    .map(str::to_string);
                p.network_rules.push(nacl_entry(
                    r,
                    b,
                    direction,
                    "rule_action",
                    "rule_number",
                    group,
                ));
            }
            "azurerm_network_security_group" => {
                for rule in blocks(b, "security_rule") {
                    p.network_rules
                        .push(nsg_rule(r, rule, Some(r.key.to_string())));
                }
            }
            "azurerm_network_security_rule" => {
                let group = b.get("network_security_group_name").map(Value::display);
                p.network_rules.push(nsg_rule(r, b, group));
            }
            "google_compute_firewall" => google_firewall(r, &mut p),
            "aws_db_instance"
            | "aws_rds_cluster_instance"
            | "aws_redshift_cluster"
            | "aws_dms_replication_instance"
            | "aws_mq_broker"
            | "aws_neptune_cluster_instance" => {
                let kind = match r.rtype {
                    "aws_db_instance" | "aws_rds_cluster_instance" => "RDS instance",
                    "aws_redshift_cluster" => "Redshift cluster",
                    "aws_dms_replication_instance" => "DMS replication instance",
                    "aws_mq_broker" => "Amazon MQ broker",
                    _ => "Neptune instance",
                };
                p.databases.push(Database {
                    resource: r.id.clone(),
                    kind,
                    publicly_accessible: attr_bool(b.get("publicly_accessible")),
                    open_networks: Vec::new(),
                    pos: r.pos,
                });
            }
            "google_sql_database_instance" => {
                let mut open = Vec::new();
                for s in blocks(b, "settings") {
                    for ip in blocks(s, "ip_configuration") {
                        for n in blocks(ip, "authorized_networks") {
                            if let Some(v) = n.get("value") {
                                if let Some(cidr) = v.as_str().filter(|c| is_internet(c)) {
                                    open.push(Spanned {
                                        value: cidr.to_string(),
                                        pos: v.pos,
                                    });
                                }
                            }
                        }
                    }
                }
                p.databases.push(Database {
                    resource: r.id.clone(),
                    kind: "Cloud SQL instance",
                    publicly_accessible: Attr::Unset,
                    open_networks: open,
                    pos: r.pos,
                });
            }
            t if t.starts_with("azurerm_") && t.ends_with("_firewall_rule") => {
                let start = b.get("start_ip_address").and_then(Value::as_str);
                let end = b.get("end_ip_address").and_then(Value::as_str);
                let open = match (start, end) {
                    (Some("0.0.0.0"), Some("255.255.255.255")) => vec![Spanned {
                        value: "0.0.0.0-255.255.255.255".to_string(),
                        pos: pos_of(b, "end_ip_address", r.pos),
                    }],
                    _ => Vec::new(),
                };
                let kind = if t.contains("postgresql") {
                    "Azure PostgreSQL server"
                } else if t.contains("mysql") {
                    "Azure MySQL server"
                } else if t.contains("sql") {
                    "Azure SQL server"
                } else {
                    "Azure database"
                };
                p.databases.push(Database {
                    resource: r.id.clone(),
                    kind,
                    publicly_accessible: Attr::Unset,
                    open_networks: open,
                    pos: r.pos,
                });
            }
            _ => {}
        }
    }
    p
}

fn nacl_entry(
    r: &SourceResource,
    e: &Value,
    direction: Attr<Direction>,
    action_key: &str,
    order_key: &str,
    group: Option<String>,
) -> NetworkRule {
    let protocol = match attr_str(e.get("protocol")) {
        Attr::Set(p, pos) => Attr::Set(normalize_protocol(&p), pos),
        other => other,
    };
    let ports = if protocol.value().is_some_and(|p| p == "all") {
        Attr::Set(Vec::new(), e.pos)
    } else {
        match (e.get("from_port"), e.get("to_port")) {
            (Some(f), Some(t)) => match (f.as_i64(), t.as_i64()) {
                (Some(0), Some(0)) => Attr::Set(Vec::new(), f.pos),
                (Some(f0), Some(t0)) => Attr::Set(vec![PortRange { from: f0, to: t0 }], f.pos),
                _ => Attr::Unknown(f.pos),
            },
            _ => Attr::Unknown(e.pos),
        }
    };
    NetworkRule {
        resource: r.id.clone(),
        firewall: Firewall::AwsNetworkAcl,
        cloud: Cloud::Aws,
        direction,
        allow: match attr_str(e.get(action_key)) {
            Attr::Set(a, pos) => Attr::Set(a.eq_ignore_ascii_case("allow"), pos),
            Attr::Unset => Attr::Unknown(e.pos),
            Attr::Unknown(pos) => Attr::Unknown(pos),
        },
        peers: literals(e, &["cidr_block", "ipv6_cidr_block"]),
        protocol,
        ports,
        order: e.get(order_key).and_then(Value::as_i64),
        group,
        pos: e
            .get("cidr_block")
            .or(e.get("ipv6_cidr_block"))
            .map(|c| c.pos)
            .unwrap_or(e.pos),
    }
}

fn nsg_rule(r: &SourceResource, b: &Value, group: Option<String>) -> NetworkRule {
    let direction = match attr_str(b.get("direction")) {
        Attr::Set(d, pos) if d.eq_ignore_ascii_case("inbound") => {
            Attr::Set(Direction::Ingress, pos)
        }
        Attr::Set(d, pos) if d.eq_ignore_ascii_case("outbound") => {
            Attr::Set(Direction::Egress, pos)
        }
        Attr::Set(_, pos) | Attr::Unknown(pos) => Attr::Unknown(pos),
        Attr::Unset => Attr::Unknown(b.pos),
    };
    let egress = direction.value() == Some(&Direction::Egress);
    let peer_keys: &[&str] = if egress {
        &["destination_address_prefix", "destination_address_prefixes"]
    } else {
        &["source_address_prefix", "source_address_prefixes"]
    };
    let protocol = match attr_str(b.get("protocol")) {
        Attr::Set(p, pos) => Attr::Set(normalize_protocol(&p), pos),
        other => other,
    };
    let mut ports = Vec::new();
    let mut unknown = None;
    let mut written = false;
    for key in ["destination_port_range", "destination_port_ranges"] {
        for v in b.get(key).map(Value::one_or_many).unwrap_or_default() {
            written = true;
            match v.as_text().as_deref().and_then(port_spec) {
                Some(range) => ports.push(range),
                None => unknown = Some(v.pos),
            }
        }
    }
    let ports = match unknown {
        Some(pos) => Attr::Unknown(pos),
        None if !written => Attr::Unknown(b.pos),
        None if ports.iter().any(PortRange::is_all) => Attr::Set(Vec::new(), b.pos),
        None => Attr::Set(ports, b.pos),
    };
    let peers = literals(b, peer_keys);
    NetworkRule {
        resource: r.id.clone(),
        firewall: Firewall::AzureNsg,
        cloud: Cloud::Azure,
        direction,
        allow: match attr_str(b.get("access")) {
            Attr::Set(a, pos) => Attr::Set(a.eq_ignore_ascii_case("allow"), pos),
            Attr::Unset => Attr::Unknown(b.pos),
            Attr::Unknown(pos) => Attr::Unknown(pos),
        },
        pos: peers.first().map(|p| p.pos).unwrap_or(b.pos),
        peers,
        protocol,
        ports,
        order: b.get("priority").and_then(Value::as_i64),
        group,
    }
}

fn google_firewall(r: &SourceResource, p: &mut Platform) {
    let b = r.body;
    if b.get("disabled").and_then(Value::as_bool) == Some(true) {
        return;
    }
    let direction = match attr_str(b.get("direction")) {
        Attr::Set(d, pos) if d.eq_ignore_ascii_case("ingress") => {
            Attr::Set(Direction::Ingress, pos)
        }
        Attr::Set(d, pos) if d.eq_ignore_ascii_case("egress") => Attr::Set(Direction::Egress, pos),
        Attr::Unset => Attr::Set(Direction::Ingress, r.pos),
        Attr::Set(_, pos) | Attr::Unknown(pos) => Attr::Unknown(pos),
    };
    let egress = direction.value() == Some(&Direction::Egress);
    let peers = if egress {
        match b.get("destination_ranges") {
            Some(_) => literals(b, &["destination_ranges"]),
            // Egress rules without destinations apply to every destination.
            None => vec![Spanned {
                value: "0.0.0.0/0".to_string(),
                pos: r.pos,
            }],
        }
    } else {
        let narrowed = ["source_tags", "source_service_accounts"]
            .iter()
            .any(|k| b.get(k).is_some());
        match b.get("source_ranges") {
            Some(_) => literals(b, &["source_ranges"]),
            // Without ranges, tags or service accounts Google applies 0.0.0.0/0.
            None if !narrowed => vec![Spanned {
                value: "0.0.0.0/0".to_string(),
                pos: r.pos,
            }],
            None => Vec::new(),
        }
    };
    for (key, allow) in [("allow", true), ("deny", false)] {
        for rule in blocks(b, key) {
            let protocol = match attr_str(rule.get("protocol")) {
                Attr::Set(p, pos) => Attr::Set(normalize_protocol(&p), pos),
                other => other,
            };
            let ports = match rule.get("ports") {
                None => Attr::Set(Vec::new(), rule.pos),
                Some(list) if list.is_unknown() => Attr::Unknown(list.pos),
                Some(list) => {
                    let parsed: Option<Vec<PortRange>> = list
                        .one_or_many()
                        .iter()
                        .map(|v| v.as_text().as_deref().and_then(port_spec))
                        .collect();
                    match parsed {
                        Some(v) if v.iter().any(PortRange::is_all) => {
                            Attr::Set(Vec::new(), list.pos)
                        }
                        Some(v) if v.is_empty() => Attr::Set(Vec::new(), list.pos),
                        Some(v) => Attr::Set(v, list.pos),
                        None => Attr::Unknown(list.pos),
                    }
                }
            };
            p.network_rules.push(NetworkRule {
                resource: r.id.clone(),
                firewall: Firewall::GoogleFirewall,
                cloud: Cloud::Google,
                direction: direction.clone(),
                allow: Attr::Set(allow, rule.pos),
                peers: peers.clone(),
                protocol,
                ports,
                order: b.get("priority").and_then(Value::as_i64),
                group: None,
                pos: peers.first().map(|p| p.pos).unwrap_or(rule.pos),
            });
        }
    }
}

/// Known literal strings under any of `keys` (a string or a list).
fn literals(v: &Value, keys: &[&str]) -> Vec<Spanned<String>> {
    keys.iter()
        .filter_map(|k| v.get(k))
        .flat_map(|x| x.one_or_many())
        .filter_map(|x| {
            x.as_str().map(|s| Spanned {
                value: s.to_string(),
                pos: x.pos,
            })
        })
        .collect()
}

/// `all` for every protocol, else the name in lower case (numbers as written).
pub(super) fn normalize_protocol(p: &str) -> String {
    let l = p.trim().to_ascii_lowercase();
    match l.as_str() {
        "-1" | "*" | "all" | "any" | "asterisk" => "all".to_string(),
        _ => l,
    }
}

/// `22`, `1000-2000` or `*` as a port range.
pub(super) fn port_spec(s: &str) -> Option<PortRange> {
    let s = s.trim();
    if s == "*" {
        return Some(PortRange { from: 0, to: 65535 });
    }
    match s.split_once('-') {
        Some((a, b)) => Some(PortRange {
            from: a.trim().parse().ok()?,
            to: b.trim().parse().ok()?,
        }),
        None => {
            let p = s.parse().ok()?;
            Some(PortRange { from: p, to: p })
        }
    }
}

const S3_PUBLIC_ACLS: &[(&str, bool)] = &[
    ("public-read", false),
    ("public-read-write", true),
    ("authenticated-read", false),
];

/// Buckets, containers and storage accounts of all three clouds.
fn storage(resources: &[SourceResource], p: &mut Platform) {
    let documents: HashMap<&str, &Value> = resources
        .iter()
        .filter(|r| r.rtype == "aws_iam_policy_document")
        .map(|r| (r.key, r.body))
        .collect();
    let mut blocks_by_bucket: HashMap<String, PublicAccessBlock> = HashMap::new();
    let mut unlinked_block = false;
    // `aws_s3_bucket_versioning` / `aws_s3_bucket_logging` by bucket; `None` as key when
    // one could not be tied to a bucket (then no bucket is judged on that setting).
    let mut versioning_by_bucket: HashMap<Option<String>, Attr<bool>> = HashMap::new();
    let mut logging_by_bucket: HashMap<Option<String>, Attr<bool>> = HashMap::new();
    let mut accounts_closed: Vec<&str> = Vec::new();
    for r in resources {
        let b = r.body;
        let bucket_key = b
            .get("bucket")
            .and_then(Value::ref_target)
            .map(str::to_string);
        let acl = |acl: Option<&Value>, p: &mut Platform| {
            let Some(v) = acl else { return };
            if let Some((name, write)) = v
                .as_str()
                .and_then(|a| S3_PUBLIC_ACLS.iter().find(|(n, _)| *n == a))
            {
                p.public_grants.push(PublicGrant {
                    resource: r.id.clone(),
                    cloud: Cloud::Aws,
                    target: "S3 bucket",
                    grant: format!("ACL {name}"),
                    write: *write,
                    via: GrantVia::Acl,
                    bucket: if r.rtype == "aws_s3_bucket" {
                        Some(r.key.to_string())
                    } else {
                        bucket_key.clone()
                    },
                    pos: v.pos,
                });
            }
        };
        match r.rtype {
            "aws_s3_bucket" => {
                let versioning = match blocks(b, "versioning").first() {
                    None => Attr::Set(false, r.pos),
                    Some(v) if v.is_unknown() => Attr::Unknown(v.pos),
                    Some(v) => match attr_bool(v.get("enabled")) {
                        Attr::Unset => Attr::Set(false, v.pos),
                        other => other,
                    },
                };
                let access_logs = match blocks(b, "logging").first() {
                    None => Attr::Set(false, r.pos),
                    Some(l) => {
                        if let Some(t) = l.get("target_bucket").and_then(Value::ref_target) {
                            p.s3_log_targets.insert(t.to_string());
                        }
                        Attr::Set(true, l.pos)
                    }
                };
                if b.get("acl").and_then(Value::as_str) == Some("log-delivery-write") {
                    p.s3_log_targets.insert(r.key.to_string());
                }
                p.s3_buckets.push(S3Bucket {
                    resource: r.id.clone(),
                    key: r.key.to_string(),
                    pos: r.pos,
                    public_access_block: Attr::Unset,
                    versioning,
                    access_logs,
                });
                acl(b.get("acl"), p);
                if let Some(policy) = b.get("policy") {
                    s3_policy(r, policy, Some(r.key.to_string()), &documents, p);
                }
            }
            "google_storage_bucket" => {
                let uniform = match attr_bool(b.get("uniform_bucket_level_access")) {
                    Attr::Unset => Attr::Set(false, r.pos),
                    other => other,
                };
                p.uniform_access.push((r.id.clone(), uniform));
            }
            "aws_s3_bucket_versioning" => {
                let status = match blocks(b, "versioning_configuration").first() {
                    None => Attr::Unknown(r.pos),
                    Some(c) => match attr_str(c.get("status")) {
                        Attr::Set(s, pos) => Attr::Set(s == "Enabled", pos),
                        Attr::Unset => Attr::Unknown(c.pos),
                        Attr::Unknown(pos) => Attr::Unknown(pos),
                    },
                };
                versioning_by_bucket.insert(bucket_key.clone(), status);
            }
            "aws_s3_bucket_logging" => {
                if let Some(t) = b.get("target_bucket").and_then(Value::ref_target) {
                    p.s3_log_targets.insert(t.to_string());
                }
                logging_by_bucket.insert(bucket_key.clone(), Attr::Set(true, r.pos));
            }
            "aws_s3_bucket_acl" => {
                if let (Some(k), Some("log-delivery-write")) =
                    (&bucket_key, b.get("acl").and_then(Value::as_str))
                {
                    p.s3_log_targets.insert(k.clone());
                }
                acl(b.get("acl"), p);
                for policy in blocks(b, "access_control_policy") {
                    for g in blocks(policy, "grant") {
                        for grantee in blocks(g, "grantee") {
                            let Some(uri) = grantee.get("uri").and_then(Value::as_str) else {
                                continue;
                            };
                            if !(uri.ends_with("/AllUsers") || uri.ends_with("/AuthenticatedUsers"))
                            {
                                continue;
                            }
                            let permission = g
                                .get("permission")
                                .and_then(Value::as_str)
                                .unwrap_or("READ");
                            p.public_grants.push(PublicGrant {
                                resource: r.id.clone(),
                                cloud: Cloud::Aws,
                                target: "S3 bucket",
                                grant: format!(
                                    "ACL grant {permission} to {}",
                                    uri.rsplit('/').next().unwrap_or(uri)
                                ),
                                write: permission != "READ" && permission != "READ_ACP",
                                via: GrantVia::Acl,
                                bucket: bucket_key.clone(),
                                pos: grantee.pos,
                            });
                        }
                    }
                }
            }
            "aws_s3_bucket_policy" => {
                if let Some(policy) = b.get("policy") {
                    s3_policy(r, policy, bucket_key.clone(), &documents, p);
                }
            }
            "aws_s3_bucket_public_access_block" => {
                let block = PublicAccessBlock {
                    resource: r.id.clone(),
                    switches: [
                        "block_public_acls",
                        "block_public_policy",
                        "ignore_public_acls",
                        "restrict_public_buckets",
                    ]
                    .iter()
                    .map(|k| (*k, attr_bool(b.get(k))))
                    .collect(),
                    pos: r.pos,
                };
                match bucket_key {
                    Some(k) => {
                        blocks_by_bucket.insert(k, block);
                    }
                    None => unlinked_block = true,
                }
            }
            "aws_s3_account_public_access_block" => unlinked_block = true,
            "google_storage_bucket_iam_member" | "google_storage_bucket_iam_binding"
                if super::registries::is_gcr_bucket(b.get("bucket")) => {}
            "google_storage_bucket_iam_member" | "google_storage_bucket_iam_binding" => {
                let role = b.get("role").and_then(Value::as_str).unwrap_or("");
                let write = !(role.ends_with("Viewer") || role.ends_with("Reader"));
                for m in ["member", "members"]
                    .iter()
                    .filter_map(|k| b.get(k))
                    .flat_map(Value::one_or_many)
                {
                    if let Some(who) = m.as_str().filter(|w| is_everyone_google(w)) {
                        p.public_grants.push(PublicGrant {
                            resource: r.id.clone(),
                            cloud: Cloud::Google,
                            target: "Cloud Storage bucket",
                            grant: format!("{role} to {who}"),
                            write,
                            via: GrantVia::Iam,
                            bucket: None,
                            pos: m.pos,
                        });
                    }
                }
            }
            "google_storage_bucket_access_control"
            | "google_storage_default_object_access_control"
            | "google_storage_object_access_control" => {
                if let Some(e) = b.get("entity") {
                    if let Some(who) = e.as_str().filter(|w| is_everyone_google(w)) {
                        let role = b.get("role").and_then(Value::as_str).unwrap_or("READER");
                        p.public_grants.push(PublicGrant {
                            resource: r.id.clone(),
                            cloud: Cloud::Google,
                            target: "Cloud Storage bucket",
                            grant: format!("{role} to {who}"),
                            write: role != "READER",
                            via: GrantVia::Acl,
                            bucket: None,
                            pos: e.pos,
                        });
                    }
                }
            }
            "google_storage_bucket_acl" => {
                for e in b
                    .get("role_entity")
                    .map(Value::one_or_many)
                    .unwrap_or_default()
                {
                    let Some((role, who)) = e.as_str().and_then(|t| t.split_once(':')) else {
                        continue;
                    };
                    if is_everyone_google(who) {
                        p.public_grants.push(PublicGrant {
                            resource: r.id.clone(),
                            cloud: Cloud::Google,
                            target: "Cloud Storage bucket",
                            grant: format!("{role} to {who}"),
                            write: role != "READER",
                            via: GrantVia::Acl,
                            bucket: None,
                            pos: e.pos,
                        });
                    }
                }
            }
            "azurerm_storage_account" => {
                let nested_public = match b.get("allow_nested_items_to_be_public") {
                    Some(v) => attr_bool(Some(v)),
                    None => attr_bool(b.get("allow_blob_public_access")),
                };
                if nested_public.value() == Some(&false) {
                    accounts_closed.push(r.key);
                }
                p.storage_accounts.push(StorageAccount {
                    resource: r.id.clone(),
                    pos: r.pos,
                    https_only: match b.get("https_traffic_only_enabled") {
                        Some(v) => attr_bool(Some(v)),
                        None => attr_bool(b.get("enable_https_traffic_only")),
                    },
                    min_tls_version: attr_str(b.get("min_tls_version")),
                    nested_public,
                });
            }
            _ => {}
        }
    }
    // Containers of an account that forbids public access stay private whatever they ask.
    for r in resources
        .iter()
        .filter(|r| r.rtype == "azurerm_storage_container")
    {
        let b = r.body;
        let account = ["storage_account_name", "storage_account_id"]
            .iter()
            .filter_map(|k| b.get(k))
            .find_map(Value::ref_target);
        if account.is_some_and(|a| accounts_closed.contains(&a)) {
            continue;
        }
        if let Some(v) = b.get("container_access_type") {
            if let Some(kind) = v.as_str().filter(|k| *k == "blob" || *k == "container") {
                p.public_grants.push(PublicGrant {
                    resource: r.id.clone(),
                    cloud: Cloud::Azure,
                    target: "storage container",
                    grant: format!("container_access_type = \"{kind}\""),
                    write: false,
                    via: GrantVia::Acl,
                    bucket: None,
                    pos: v.pos,
                });
            }
        }
    }
    for bucket in &mut p.s3_buckets {
        let key = Some(bucket.key.clone());
        for (by_bucket, setting) in [
            (&versioning_by_bucket, &mut bucket.versioning),
            (&logging_by_bucket, &mut bucket.access_logs),
        ] {
            if let Some(separate) = by_bucket.get(&key) {
                *setting = separate.clone();
            } else if by_bucket.contains_key(&None) && matches!(setting, Attr::Set(false, _)) {
                *setting = Attr::Unknown(bucket.pos);
            }
        }
        bucket.public_access_block = match blocks_by_bucket.remove(&bucket.key) {
            Some(block) => {
                let pos = block.pos;
                Attr::Set(block, pos)
            }
            None if unlinked_block => Attr::Unknown(bucket.pos),
            None => Attr::Unset,
        };
    }
    // Blocks of buckets declared elsewhere are still judged on their switches.
    let mut rest: Vec<(String, PublicAccessBlock)> = blocks_by_bucket.into_iter().collect();
    rest.sort_by(|a, b| a.1.resource.cmp(&b.1.resource));
    for (key, block) in rest {
        let pos = block.pos;
        p.s3_buckets.push(S3Bucket {
            resource: block.resource.clone(),
            key,
            pos,
            public_access_block: Attr::Set(block, pos),
            versioning: Attr::Unset,
            access_logs: Attr::Unset,
        });
    }
}

fn s3_policy(
    r: &SourceResource,
    policy: &Value,
    bucket: Option<String>,
    documents: &HashMap<&str, &Value>,
    p: &mut Platform,
) {
    for s in public_statements(policy, documents) {
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
            bucket: bucket.clone(),
            pos: s.pos,
        });
    }
}

fn is_everyone_google(member: &str) -> bool {
    member == "allUsers" || member == "allAuthenticatedUsers"
}
