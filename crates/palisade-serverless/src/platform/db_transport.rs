//! How managed databases take connections: whether they refuse plaintext and which TLS
//! versions they accept (Azure SQL, Azure Database for PostgreSQL, MySQL and MariaDB,
//! Google Cloud SQL, the RDS parameter groups attached to a module's instances and
//! clusters, DAX cluster endpoints).

use super::model::*;
use super::{attr_bool, attr_str, blocks, SourceResource};
use crate::model::Attr;
use crate::value::Value;

pub(super) const TERRAFORM_TYPES: &[&str] = &[
    "azurerm_mssql_server",
    "azurerm_sql_server",
    "azurerm_postgresql_server",
    "azurerm_mysql_server",
    "azurerm_mariadb_server",
    "azurerm_postgresql_flexible_server_configuration",
    "azurerm_mysql_flexible_server_configuration",
    "google_sql_database_instance",
    "aws_dax_cluster",
    "aws_db_parameter_group",
    "aws_rds_cluster_parameter_group",
    "aws_db_instance",
    "aws_rds_cluster",
    "aws_rds_cluster_instance",
];

pub(super) const CFN_TYPES: &[&str] = &[
    "AWS::DAX::Cluster",
    "AWS::RDS::DBParameterGroup",
    "AWS::RDS::DBClusterParameterGroup",
    "AWS::RDS::DBInstance",
    "AWS::RDS::DBCluster",
];

pub(super) fn terraform(r: &SourceResource, p: &mut Platform) {
    let b = r.body;
    let transport = match r.rtype {
        "azurerm_mssql_server" | "azurerm_sql_server" => DatabaseTransport {
            resource: r.id.clone(),
            kind: "Azure SQL server",
            pos: r.pos,
            // TDS always negotiates encryption on Azure SQL; the setting is the floor.
            plaintext_allowed: Attr::Unset,
            // The provider's default is 1.2.
            min_tls: match attr_str(b.get("minimum_tls_version")) {
                Attr::Set(v, pos) => match v.trim() {
                    "1.0" | "1.1" | "1.2" | "1.3" => Attr::Set(v.trim().to_string(), pos),
                    // `Disabled` lets every version in, 1.0 included.
                    d if d.eq_ignore_ascii_case("Disabled") => Attr::Set("1.0".to_string(), pos),
                    _ => Attr::Unknown(pos),
                },
                other => other,
            },
            detail: None,
        },
        "azurerm_postgresql_server" | "azurerm_mysql_server" | "azurerm_mariadb_server" => {
            let kind = match r.rtype {
                "azurerm_postgresql_server" => "Azure Database for PostgreSQL server",
                "azurerm_mysql_server" => "Azure Database for MySQL server",
                _ => "Azure Database for MariaDB server",
            };
            let enforced = attr_bool(b.get("ssl_enforcement_enabled"));
            DatabaseTransport {
                resource: r.id.clone(),
                kind,
                pos: r.pos,
                plaintext_allowed: match enforced {
                    Attr::Set(on, pos) => Attr::Set(!on, pos),
                    other => other,
                },
                min_tls: match attr_str(b.get("ssl_minimal_tls_version_enforced")) {
                    Attr::Set(v, pos) => match v.trim().to_ascii_uppercase().as_str() {
                        "TLS1_0" => Attr::Set("1.0".to_string(), pos),
                        "TLS1_1" => Attr::Set("1.1".to_string(), pos),
                        "TLS1_2" => Attr::Set("1.2".to_string(), pos),
                        // No TLS floor: what plaintext_allowed already says.
                        "TLSENFORCEMENTDISABLED" => Attr::Unset,
                        _ => Attr::Unknown(pos),
                    },
                    other => other,
                },
                detail: None,
            }
        }
        "azurerm_postgresql_flexible_server_configuration"
        | "azurerm_mysql_flexible_server_configuration" => {
            let name = b.get("name").and_then(Value::as_str).unwrap_or("");
            if !name.eq_ignore_ascii_case("require_secure_transport") {
                return;
            }
            DatabaseTransport {
                resource: r.id.clone(),
                kind: if r.rtype.contains("postgresql") {
                    "Azure Database for PostgreSQL flexible server"
                } else {
                    "Azure Database for MySQL flexible server"
                },
                pos: r.pos,
                plaintext_allowed: match attr_str(b.get("value")) {
                    Attr::Set(v, pos) => Attr::Set(v.trim().eq_ignore_ascii_case("off"), pos),
                    Attr::Unknown(pos) => Attr::Unknown(pos),
                    Attr::Unset => Attr::Unset,
                },
                min_tls: Attr::Unset,
                detail: None,
            }
        }
        "google_sql_database_instance" => DatabaseTransport {
            resource: r.id.clone(),
            kind: "Cloud SQL instance",
            pos: r.pos,
            plaintext_allowed: cloud_sql_plaintext(r),
            min_tls: Attr::Unset,
            detail: None,
        },
        "aws_dax_cluster" => dax(r, b.get("cluster_endpoint_encryption_type")),
        _ => return,
    };
    p.database_transport.push(transport);
}

pub(super) fn cfn(r: &SourceResource, p: &mut Platform) {
    if r.rtype == "AWS::DAX::Cluster" {
        p.database_transport
            .push(dax(r, r.body.get("ClusterEndpointEncryptionType")));
    }
}

/// DAX endpoints speak plaintext unless the cluster was created with `TLS` (the default is
/// `NONE`).
fn dax(r: &SourceResource, encryption: Option<&Value>) -> DatabaseTransport {
    DatabaseTransport {
        resource: r.id.clone(),
        kind: "DAX cluster",
        pos: r.pos,
        plaintext_allowed: match attr_str(encryption) {
            Attr::Set(t, pos) => Attr::Set(!t.trim().eq_ignore_ascii_case("TLS"), pos),
            Attr::Unset => Attr::Set(true, r.pos),
            Attr::Unknown(pos) => Attr::Unknown(pos),
        },
        min_tls: Attr::Unset,
        detail: Some("cluster endpoint encryption is not TLS".to_string()),
    }
}

/// The argument names of one template language for RDS parameter groups and what uses them.
struct RdsSchema {
    /// The instance parameter group type, then the cluster parameter group type.
    groups: [&'static str; 2],
    family: &'static str,
    /// `(resource type, argument naming its parameter group)`.
    users: &'static [(&'static str, &'static str)],
}

const RDS_TERRAFORM: RdsSchema = RdsSchema {
    groups: ["aws_db_parameter_group", "aws_rds_cluster_parameter_group"],
    family: "family",
    users: &[
        ("aws_db_instance", "parameter_group_name"),
        ("aws_rds_cluster_instance", "db_parameter_group_name"),
        ("aws_rds_cluster", "db_cluster_parameter_group_name"),
    ],
};

const RDS_CFN: RdsSchema = RdsSchema {
    groups: [
        "AWS::RDS::DBParameterGroup",
        "AWS::RDS::DBClusterParameterGroup",
    ],
    family: "Family",
    users: &[
        ("AWS::RDS::DBInstance", "DBParameterGroupName"),
        ("AWS::RDS::DBCluster", "DBClusterParameterGroupName"),
    ],
};

pub(super) fn terraform_rds(resources: &[SourceResource], p: &mut Platform) {
    rds_parameter_groups(resources, &RDS_TERRAFORM, p);
}

pub(super) fn cfn_rds(resources: &[SourceResource], p: &mut Platform) {
    rds_parameter_groups(resources, &RDS_CFN, p);
}

/// RDS parameter groups that an instance or cluster of the same module or template uses,
/// judged on the parameter that makes the engine refuse plaintext. Groups nothing uses are
/// not judged (they protect nothing yet), nor instances left on the default group (its
/// setting depends on the engine version).
fn rds_parameter_groups(resources: &[SourceResource], schema: &RdsSchema, p: &mut Platform) {
    let groups: Vec<&SourceResource> = resources
        .iter()
        .filter(|r| schema.groups.contains(&r.rtype))
        .collect();
    if groups.is_empty() {
        return;
    }
    // Each group once, with the first resource that uses it.
    let mut used: Vec<(&SourceResource, &SourceResource)> = Vec::new();
    for r in resources {
        let Some((_, arg)) = schema.users.iter().find(|(t, _)| *t == r.rtype) else {
            continue;
        };
        let Some(named) = r.body.get(arg) else {
            continue;
        };
        let group = match named.ref_target() {
            Some(target) => groups.iter().find(|g| g.key == target),
            None => named.as_str().and_then(|name| {
                groups.iter().find(|g| {
                    g.body
                        .get("name")
                        .or_else(|| g.body.get("DBParameterGroupName"))
                        .or_else(|| g.body.get("DBClusterParameterGroupName"))
                        .and_then(Value::as_str)
                        == Some(name)
                })
            }),
        };
        if let Some(g) = group {
            if !used.iter().any(|(u, _)| u.key == g.key) {
                used.push((g, r));
            }
        }
    }
    for (group, user) in used {
        if let Some(t) = rds_group_transport(group, user, schema) {
            p.database_transport.push(t);
        }
    }
}

fn rds_group_transport(
    group: &SourceResource,
    user: &SourceResource,
    schema: &RdsSchema,
) -> Option<DatabaseTransport> {
    let family = group
        .body
        .get(schema.family)
        .and_then(Value::as_str)?
        .trim()
        .to_ascii_lowercase();
    let (kind, parameter, default_on) = if let Some(v) = family.strip_prefix("postgres") {
        // RDS for PostgreSQL 15 and later ships with rds.force_ssl = 1.
        let major: u32 = v.split('.').next()?.parse().ok()?;
        ("PostgreSQL parameter group", "rds.force_ssl", major >= 15)
    } else if family.starts_with("aurora-postgresql") {
        ("Aurora PostgreSQL parameter group", "rds.force_ssl", false)
    } else if family.starts_with("sqlserver") {
        ("SQL Server parameter group", "rds.force_ssl", false)
    } else if family.starts_with("aurora-mysql") || family.starts_with("aurora5") {
        (
            "Aurora MySQL parameter group",
            "require_secure_transport",
            false,
        )
    } else if family.starts_with("mysql") {
        ("MySQL parameter group", "require_secure_transport", false)
    } else if family.starts_with("mariadb") {
        ("MariaDB parameter group", "require_secure_transport", false)
    } else {
        return None;
    };
    // Aurora keeps these parameters in the cluster's group; an instance group of an Aurora
    // family cannot set them.
    if family.starts_with("aurora") && group.rtype != schema.groups[1] {
        return None;
    }
    let value = rds_parameter(group, parameter);
    let plaintext_allowed = match value {
        Some(v) => match attr_str(Some(v)) {
            Attr::Set(text, pos) => match text.trim().to_ascii_lowercase().as_str() {
                "1" | "on" | "true" => Attr::Set(false, pos),
                "0" | "off" | "false" => Attr::Set(true, pos),
                _ => Attr::Unknown(pos),
            },
            Attr::Unknown(pos) => Attr::Unknown(pos),
            Attr::Unset if default_on => Attr::Unset,
            Attr::Unset => Attr::Set(true, v.pos),
        },
        None if default_on => Attr::Unset,
        None => Attr::Set(true, group.pos),
    };
    Some(DatabaseTransport {
        resource: group.id.clone(),
        kind,
        pos: group.pos,
        plaintext_allowed,
        min_tls: Attr::Unset,
        detail: Some(format!(
            "{parameter} is not {}; used by {}",
            if parameter == "rds.force_ssl" {
                "1"
            } else {
                "ON"
            },
            user.id
        )),
    })
}

/// The value a parameter group gives `name`: a Terraform `parameter { name, value }` block
/// or a CloudFormation `Parameters` entry. `None` when the group does not set it; a group
/// whose parameters cannot be evaluated gives an unknown value.
fn rds_parameter<'v>(group: &'v SourceResource, name: &str) -> Option<&'v Value> {
    let b = group.body;
    if let Some(params) = b.get("Parameters") {
        if params.is_unknown() {
            return Some(params);
        }
        return params
            .entries()
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v);
    }
    if let Some(list) = b.get("parameter") {
        if list.is_unknown() {
            return Some(list);
        }
    }
    for block in blocks(b, "parameter") {
        if block.is_unknown() {
            return Some(block);
        }
        match block.get("name") {
            Some(n) if n.as_str().is_some_and(|n| n.eq_ignore_ascii_case(name)) => {
                return block.get("value").or(Some(n));
            }
            Some(n) if n.as_str().is_none() => return Some(n),
            _ => {}
        }
    }
    None
}

/// `ssl_mode` decides when written; else the older `require_ssl`; else the API default,
/// `ALLOW_UNENCRYPTED_AND_ENCRYPTED`.
fn cloud_sql_plaintext(r: &SourceResource) -> Attr<bool> {
    let Some(settings) = blocks(r.body, "settings").first().copied() else {
        return Attr::Set(true, r.pos);
    };
    if settings.is_unknown() {
        return Attr::Unknown(settings.pos);
    }
    let Some(ip) = blocks(settings, "ip_configuration").first().copied() else {
        return Attr::Set(true, settings.pos);
    };
    if ip.is_unknown() {
        return Attr::Unknown(ip.pos);
    }
    match attr_str(ip.get("ssl_mode")) {
        Attr::Set(mode, pos) => {
            return Attr::Set(
                mode.trim()
                    .eq_ignore_ascii_case("ALLOW_UNENCRYPTED_AND_ENCRYPTED"),
                pos,
            )
        }
        Attr::Unknown(pos) => return Attr::Unknown(pos),
        Attr::Unset => {}
    }
    match attr_bool(ip.get("require_ssl")) {
        Attr::Set(required, pos) => Attr::Set(!required, pos),
        Attr::Unknown(pos) => Attr::Unknown(pos),
        Attr::Unset => Attr::Set(true, ip.pos),
    }
}
