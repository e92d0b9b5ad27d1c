//! How managed databases take connections: whether they refuse plaintext and which TLS
//! versions they accept (Azure SQL, Azure Database for PostgreSQL, MySQL and MariaDB,
//! Google Cloud SQL).

use super::model::*;
use super::{attr_bool, attr_text, blocks, SourceResource};
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
            min_tls: match attr_text(b.get("minimum_tls_version")) {
                Attr::Set(v, pos) => match v.trim() {
                    "1.0" | "1.1" | "1.2" | "1.3" => Attr::Set(v.trim().to_string(), pos),
                    // `Disabled` lets every version in, 1.0 included.
                    d if d.eq_ignore_ascii_case("Disabled") => Attr::Set("1.0".to_string(), pos),
                    _ => Attr::Unknown(pos),
                },
                other => other,
            },
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
                min_tls: match attr_text(b.get("ssl_minimal_tls_version_enforced")) {
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
                plaintext_allowed: match attr_text(b.get("value")) {
                    Attr::Set(v, pos) => Attr::Set(v.trim().eq_ignore_ascii_case("off"), pos),
                    Attr::Unknown(pos) => Attr::Unknown(pos),
                    Attr::Unset => Attr::Unset,
                },
                min_tls: Attr::Unset,
            }
        }
        "google_sql_database_instance" => DatabaseTransport {
            resource: r.id.clone(),
            kind: "Cloud SQL instance",
            pos: r.pos,
            plaintext_allowed: cloud_sql_plaintext(r),
            min_tls: Attr::Unset,
        },
        _ => return,
    };
    p.database_transport.push(transport);
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
    match attr_text(ip.get("ssl_mode")) {
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
