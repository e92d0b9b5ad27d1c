//! NET202 — managed database that accepts plaintext connections or TLS below 1.2.

use palisade_core::Finding;

use crate::model::Attr;
use crate::rules::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// Managed databases whose connections may travel unencrypted or under old TLS:
    /// - Cloud SQL (`google_sql_database_instance`) whose `ip_configuration.ssl_mode` is
    ///   `ALLOW_UNENCRYPTED_AND_ENCRYPTED`, or that writes neither `ssl_mode` nor
    ///   `require_ssl = true` (the API default accepts plaintext);
    /// - Azure Database for PostgreSQL, MySQL and MariaDB single servers with
    ///   `ssl_enforcement_enabled = false`, or an `ssl_minimal_tls_version_enforced` of
    ///   `TLS1_0` or `TLS1_1`;
    /// - flexible servers whose `require_secure_transport` server parameter is set `OFF`
    ///   (`azurerm_postgresql_flexible_server_configuration`,
    ///   `azurerm_mysql_flexible_server_configuration`);
    /// - Azure SQL servers (`azurerm_mssql_server`) whose `minimum_tls_version` is `1.0`,
    ///   `1.1` or `Disabled`;
    /// - RDS parameter groups used by an instance or cluster of the same module or template
    ///   (`aws_db_parameter_group`, `aws_rds_cluster_parameter_group`,
    ///   `AWS::RDS::DBParameterGroup`, `AWS::RDS::DBClusterParameterGroup`) that leave
    ///   `rds.force_ssl` (PostgreSQL, Aurora PostgreSQL, SQL Server) or
    ///   `require_secure_transport` (MySQL, Aurora MySQL, MariaDB) off or unset — except
    ///   PostgreSQL 15 and later, whose default is on. Aurora engines are judged on their
    ///   cluster parameter groups, where these parameters live. Groups no resource uses and
    ///   instances on the engine's default group are not judged;
    /// - DAX clusters whose `cluster_endpoint_encryption_type` /
    ///   `ClusterEndpointEncryptionType` is `NONE` or unwritten (the default).
    /// Values that cannot be evaluated are not judged.
    /// ## Why it matters
    /// Functions and pods reach these databases over the network with credentials and
    /// query results in every packet. Without TLS, anyone on the path — a compromised
    /// neighbour in the VPC, a peered network — reads or changes them; TLS 1.0 and 1.1 have
    /// known weaknesses and fail most baselines.
    /// ## Fix
    /// Cloud SQL: `ssl_mode = "ENCRYPTED_ONLY"` (or `TRUSTED_CLIENT_CERTIFICATE_REQUIRED`).
    /// Azure single servers: `ssl_enforcement_enabled = true` and
    /// `ssl_minimal_tls_version_enforced = "TLS1_2"`; flexible servers: leave
    /// `require_secure_transport` on; Azure SQL: `minimum_tls_version = "1.2"`. RDS: a
    /// `parameter { name = "rds.force_ssl" value = "1" }` (or `require_secure_transport`)
    /// in the group the instance uses. DAX: `cluster_endpoint_encryption_type = "TLS"`
    /// (set at creation; the cluster is replaced).
    /// ## References
    /// - https://cloud.google.com/sql/docs/postgres/configure-ssl-instance
    /// - https://learn.microsoft.com/azure/postgresql/single-server/concepts-ssl-connection-security
    /// - https://learn.microsoft.com/azure/azure-sql/database/connectivity-settings#minimal-tls-version
    /// - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/PostgreSQL.Concepts.General.SSL.html
    /// - https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/DAXEncryptionInTransit.html
    pub static RULE = {
        id: "NET202", practice: Net, severity: Medium, title: "Database accepts plaintext or TLS below 1.2",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for d in &ctx.platform().database_transport {
        if let Attr::Set(true, pos) = d.plaintext_allowed {
            let detail = d
                .detail
                .as_ref()
                .map(|x| format!(" ({x})"))
                .unwrap_or_default();
            out.push(ctx.finding(
                &RULE,
                format!("{} accepts unencrypted connections{detail}", d.kind),
                pos,
                &d.resource,
            ));
        }
        if let Attr::Set(version, pos) = &d.min_tls {
            if version == "1.0" || version == "1.1" {
                out.push(ctx.finding(
                    &RULE,
                    format!("{} accepts TLS below 1.2 (TLS {version})", d.kind),
                    *pos,
                    &d.resource,
                ));
            }
        }
    }
}
