//! The platform rules, one per file, each written against [`crate::platform::Platform`].
//!
//! They share the serverless rules' contract ([`crate::rules::Rule`], [`Context`]): the
//! crate runs both lists on every inventory. Settings left unknown are never judged.

use crate::rules::{Context, Rule};

mod auth100_user_pool_mfa;
mod auth101_identity_pool_guests;
mod auth102_user_pool_weak_password_policy;
mod auth103_user_pool_advanced_security;
mod dep100_cluster_version_unsupported;
mod dep101_cluster_without_release_channel;
mod img200_ecr_mutable_tags;
mod img201_ecr_scan_on_push;
mod img202_registry_open_to_anyone;
mod img203_registry_admin_user;
mod img204_registry_public_network;
mod img205_ecr_without_kms;
mod iso100_node_metadata_exposed;
mod iso101_cluster_nodes_not_shielded;
mod iso102_cluster_without_admission_policy;
mod log100_cluster_control_plane_logs;
mod log101_api_execution_logging;
mod log102_vpc_flow_logs;
mod log103_load_balancer_access_logs;
mod log104_state_machine_logging;
mod log105_state_machine_tracing;
mod log106_flow_log_retention;
mod log107_bucket_access_logging;
mod net200_firewall_open_to_internet;
mod net201_public_database;
mod net202_database_transport;
mod net210_public_bucket;
mod net211_s3_public_access_block;
mod net212_storage_account_transport;
mod net213_bucket_object_acls;
mod net220_cluster_network_policy;
mod net221_node_group_ssh_open;
mod net222_cluster_public_nodes;
mod net230_messaging_open_to_anyone;
mod net240_api_domain_old_tls;
mod net241_api_stage_without_waf;
mod net250_listener_plain_http;
mod net251_listener_old_tls;
mod net260_search_domain_open;
mod net261_search_domain_transport;
mod rbac100_cluster_api_open;
mod rbac101_cluster_weak_auth;
mod rbac102_cluster_dashboard;
mod rbac103_nodes_default_service_account;
mod rbac110_iam_broad_grant;
mod rbac111_role_assumable_by_anyone;
mod rbac112_iam_user_credentials;
mod rbac113_broad_scope_binding;
mod rbac114_role_manager_without_boundary;
mod sec310_cluster_secrets_kms;
mod sec311_template_secret;
mod sec312_messages_unencrypted;
mod sec313_search_domain_unencrypted;
mod sec314_table_encryption;
mod sec315_table_recovery;
mod sec316_bucket_versioning;
mod sec317_event_bus_without_kms;

macro_rules! rules {
    ($($m:ident),* $(,)?) => {
        /// Every platform rule, in id order.
        pub static ALL: &[Rule] = &[$(Rule { meta: &$m::RULE, check: $m::check }),*];
    };
}

rules!(
    auth100_user_pool_mfa,
    auth101_identity_pool_guests,
    auth102_user_pool_weak_password_policy,
    auth103_user_pool_advanced_security,
    dep100_cluster_version_unsupported,
    dep101_cluster_without_release_channel,
    img200_ecr_mutable_tags,
    img201_ecr_scan_on_push,
    img202_registry_open_to_anyone,
    img203_registry_admin_user,
    img204_registry_public_network,
    img205_ecr_without_kms,
    iso100_node_metadata_exposed,
    iso101_cluster_nodes_not_shielded,
    iso102_cluster_without_admission_policy,
    log100_cluster_control_plane_logs,
    log101_api_execution_logging,
    log102_vpc_flow_logs,
    log103_load_balancer_access_logs,
    log104_state_machine_logging,
    log105_state_machine_tracing,
    log106_flow_log_retention,
    log107_bucket_access_logging,
    net200_firewall_open_to_internet,
    net201_public_database,
    net202_database_transport,
    net210_public_bucket,
    net211_s3_public_access_block,
    net212_storage_account_transport,
    net213_bucket_object_acls,
    net220_cluster_network_policy,
    net221_node_group_ssh_open,
    net222_cluster_public_nodes,
    net230_messaging_open_to_anyone,
    net240_api_domain_old_tls,
    net241_api_stage_without_waf,
    net250_listener_plain_http,
    net251_listener_old_tls,
    net260_search_domain_open,
    net261_search_domain_transport,
    rbac100_cluster_api_open,
    rbac101_cluster_weak_auth,
    rbac102_cluster_dashboard,
    rbac103_nodes_default_service_account,
    rbac110_iam_broad_grant,
    rbac111_role_assumable_by_anyone,
    rbac112_iam_user_credentials,
    rbac113_broad_scope_binding,
    rbac114_role_manager_without_boundary,
    sec310_cluster_secrets_kms,
    sec311_template_secret,
    sec312_messages_unencrypted,
    sec313_search_domain_unencrypted,
    sec314_table_encryption,
    sec315_table_recovery,
    sec316_bucket_versioning,
    sec317_event_bus_without_kms,
);

/// Administration and database ports, with what usually listens there.
pub(crate) const SENSITIVE_PORTS: &[(i64, &str)] = &[
    (20, "FTP data"),
    (21, "FTP"),
    (22, "SSH"),
    (23, "Telnet"),
    (445, "SMB"),
    (1433, "SQL Server"),
    (1521, "Oracle"),
    (2375, "Docker API"),
    (2376, "Docker API"),
    (2379, "etcd"),
    (3306, "MySQL"),
    (3389, "RDP"),
    (5432, "PostgreSQL"),
    (5601, "Kibana"),
    (5900, "VNC"),
    (6379, "Redis"),
    (9200, "Elasticsearch"),
    (11211, "Memcached"),
    (27017, "MongoDB"),
];

impl Context<'_> {
    pub(crate) fn platform(&self) -> &crate::platform::Platform {
        &self.inv.platform
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_are_unique_sorted_and_documented() {
        let ids: Vec<&str> = super::ALL.iter().map(|r| r.meta.id).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(ids, sorted);
        for r in super::ALL {
            for section in ["What it checks", "Why it matters", "Fix"] {
                assert!(
                    r.meta.section(section).is_some(),
                    "{} lacks ## {section}",
                    r.meta.id
                );
            }
        }
    }
}
