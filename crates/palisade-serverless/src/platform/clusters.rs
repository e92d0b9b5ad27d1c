//! Managed Kubernetes (EKS, AKS, GKE) from Terraform and CloudFormation into
//! [`Cluster`]s and [`NodePool`]s. Unwritten settings take the provider's default, which
//! for all three clouds is a public API server.

use super::model::*;
use super::{attr_bool, attr_str, blocks, pos_of, SourceResource};
use crate::model::{Attr, Cloud, Spanned};
use crate::value::{Pos, Value};

/// The control-plane log types EKS can send to CloudWatch.
pub const EKS_LOG_TYPES: &[&str] = &[
    "api",
    "audit",
    "authenticator",
    "controllerManager",
    "scheduler",
];

pub(super) const TERRAFORM_TYPES: &[&str] = &[
    "aws_eks_cluster",
    "aws_eks_node_group",
    "azurerm_kubernetes_cluster",
    "google_container_cluster",
    "google_container_node_pool",
    "aws_launch_template",
    "aws_launch_configuration",
    "aws_instance",
];

pub(super) const CFN_TYPES: &[&str] = &[
    "AWS::EKS::Cluster",
    "AWS::EKS::Nodegroup",
    "AWS::EC2::LaunchTemplate",
    "AWS::AutoScaling::LaunchConfiguration",
];

pub(super) fn terraform(r: &SourceResource, p: &mut Platform) {
    let b = r.body;
    match r.rtype {
        "aws_eks_cluster" => {
            let vpc = blocks(b, "vpc_config").into_iter().next();
            p.clusters.push(Cluster {
                resource: r.id.clone(),
                cloud: Cloud::Aws,
                kind: "EKS cluster",
                pos: r.pos,
                api_open: eks_endpoint(
                    vpc.and_then(|v| v.get("endpoint_public_access")),
                    vpc.and_then(|v| v.get("public_access_cidrs")),
                    vpc.map(|v| v.pos).unwrap_or(r.pos),
                ),
                weak_auth: Vec::new(),
                log_types: Some(log_types(b.get("enabled_cluster_log_types"), None, r)),
                secrets_kms: Some(eks_encryption(
                    blocks(b, "encryption_config"),
                    "resources",
                    |c| {
                        blocks(c, "provider")
                            .first()
                            .and_then(|pr| pr.get("key_arn"))
                            .filter(|k| !k.is_null())
                            .is_some()
                    },
                    r,
                )),
                network_policy: None,
                workload_identity: None,
                version: Some(super::attr_str(b.get("version"))),
                telemetry_off: Vec::new(),
                public_nodes: None,
                shielded_nodes: None,
                dashboard: None,
                policy_addon: None,
                release_channel: None,
            });
        }
        "aws_eks_node_group" => p.node_pools.push(NodePool {
            resource: r.id.clone(),
            cloud: Cloud::Aws,
            pos: r.pos,
            ssh_from_anywhere: ssh_open(
                blocks(b, "remote_access").first().copied(),
                "ec2_ssh_key",
                "source_security_group_ids",
            ),
            metadata_exposed: Vec::new(),
            default_identity: Attr::Unset,
        }),
        "aws_launch_template" | "aws_launch_configuration" | "aws_instance" => {
            let options = blocks(b, "metadata_options").first().copied();
            p.node_pools
                .push(ec2_nodes(r, options, "http_endpoint", "http_tokens"));
        }
        "azurerm_kubernetes_cluster" => aks(r, p),
        "google_container_cluster" => gke(r, p),
        "google_container_node_pool" => {
            let nc = blocks(b, "node_config").first().copied();
            p.node_pools.push(NodePool {
                resource: r.id.clone(),
                cloud: Cloud::Google,
                pos: r.pos,
                ssh_from_anywhere: Attr::Unset,
                metadata_exposed: nc.map(gke_metadata).unwrap_or_default(),
                default_identity: gke_node_identity(nc, "node_config", r.pos),
            });
        }
        _ => {}
    }
}

pub(super) fn cfn(r: &SourceResource, p: &mut Platform) {
    let b = r.body;
    match r.rtype {
        "AWS::EKS::Cluster" => {
            let vpc = b.get("ResourcesVpcConfig");
            let log_list = b.path(&["Logging", "ClusterLogging", "EnabledTypes"]);
            p.clusters.push(Cluster {
                resource: r.id.clone(),
                cloud: Cloud::Aws,
                kind: "EKS cluster",
                pos: r.pos,
                api_open: eks_endpoint(
                    vpc.and_then(|v| v.get("EndpointPublicAccess")),
                    vpc.and_then(|v| v.get("PublicAccessCidrs")),
                    vpc.map(|v| v.pos).unwrap_or(r.pos),
                ),
                weak_auth: Vec::new(),
                log_types: Some(log_types(log_list, Some("Type"), r)),
                secrets_kms: Some(eks_encryption(
                    b.get("EncryptionConfig")
                        .map(Value::one_or_many)
                        .unwrap_or_default(),
                    "Resources",
                    |c| {
                        c.path(&["Provider", "KeyArn"])
                            .filter(|k| !k.is_null())
                            .is_some()
                    },
                    r,
                )),
                network_policy: None,
                workload_identity: None,
                version: Some(super::attr_str(b.get("Version"))),
                telemetry_off: Vec::new(),
                public_nodes: None,
                shielded_nodes: None,
                dashboard: None,
                policy_addon: None,
                release_channel: None,
            });
        }
        "AWS::EKS::Nodegroup" => p.node_pools.push(NodePool {
            resource: r.id.clone(),
            cloud: Cloud::Aws,
            pos: r.pos,
            ssh_from_anywhere: ssh_open(b.get("RemoteAccess"), "Ec2SshKey", "SourceSecurityGroups"),
            metadata_exposed: Vec::new(),
            default_identity: Attr::Unset,
        }),
        "AWS::EC2::LaunchTemplate" => {
            let options = b.path(&["LaunchTemplateData", "MetadataOptions"]);
            p.node_pools
                .push(ec2_nodes(r, options, "HttpEndpoint", "HttpTokens"));
        }
        "AWS::AutoScaling::LaunchConfiguration" => {
            let options = b.get("MetadataOptions");
            p.node_pools
                .push(ec2_nodes(r, options, "HttpEndpoint", "HttpTokens"));
        }
        _ => {}
    }
}

/// EC2 machines (instances, launch templates and configurations: the nodes of EKS node
/// groups and self-managed clusters) whose metadata service answers without a session
/// token (IMDSv1): `http_tokens` unwritten is `optional`; an endpoint switched off
/// answers nothing.
fn ec2_nodes(
    r: &SourceResource,
    options: Option<&Value>,
    endpoint: &str,
    tokens: &str,
) -> NodePool {
    let setting = |key: &str| attr_str(options.and_then(|o| o.get(key)));
    let mut metadata_exposed = Vec::new();
    let judged = !options.is_some_and(Value::is_unknown)
        && match setting(endpoint) {
            Attr::Set(e, _) => e != "disabled",
            Attr::Unset => true,
            Attr::Unknown(_) => false,
        };
    if judged {
        let why = match setting(tokens) {
            Attr::Set(t, pos) if t == "optional" => Some((format!("{tokens} = optional"), pos)),
            Attr::Unset => Some((
                format!("{tokens} unwritten, optional by default"),
                options.map(|o| o.pos).unwrap_or(r.pos),
            )),
            _ => None,
        };
        if let Some((why, pos)) = why {
            metadata_exposed.push(Spanned {
                value: format!("instance metadata answers without a session token, IMDSv1 ({why})"),
                pos,
            });
        }
    }
    NodePool {
        resource: r.id.clone(),
        cloud: Cloud::Aws,
        pos: r.pos,
        ssh_from_anywhere: Attr::Unset,
        metadata_exposed,
        default_identity: Attr::Unset,
    }
}

/// EKS: the endpoint is public unless switched off, and open to 0.0.0.0/0 unless CIDRs say
/// otherwise.
fn eks_endpoint(
    public: Option<&Value>,
    cidrs: Option<&Value>,
    pos: crate::value::Pos,
) -> Attr<Option<String>> {
    match attr_bool(public) {
        Attr::Unknown(p) => return Attr::Unknown(p),
        Attr::Set(false, p) => return Attr::Set(None, p),
        _ => {}
    }
    let public_pos = public.map(|v| v.pos).unwrap_or(pos);
    allowed_networks(
        cidrs,
        public_pos,
        "public endpoint without public_access_cidrs (open to 0.0.0.0/0)",
    )
}

/// A list of allowed networks: open when missing, empty or containing "anywhere".
fn allowed_networks(
    list: Option<&Value>,
    pos: crate::value::Pos,
    missing: &str,
) -> Attr<Option<String>> {
    let Some(list) = list.filter(|l| !l.is_null()) else {
        return Attr::Set(Some(missing.to_string()), pos);
    };
    if list.is_unknown() {
        return Attr::Unknown(list.pos);
    }
    let items = list.one_or_many();
    if items.is_empty() {
        return Attr::Set(Some(missing.to_string()), pos);
    }
    if let Some(open) = items.iter().find(|i| i.as_str().is_some_and(is_internet)) {
        return Attr::Set(
            Some(format!(
                "API server allowed from {}",
                open.as_str().unwrap_or("*")
            )),
            open.pos,
        );
    }
    if let Some(u) = items.iter().find(|i| i.as_str().is_none()) {
        return Attr::Unknown(u.pos);
    }
    Attr::Set(None, list.pos)
}

/// Enabled log types: a list of strings, or of maps with the type under `key`.
fn log_types(v: Option<&Value>, key: Option<&str>, r: &SourceResource) -> Attr<Vec<String>> {
    let Some(v) = v.filter(|v| !v.is_null()) else {
        return Attr::Set(Vec::new(), r.pos);
    };
    if v.is_unknown() {
        return Attr::Unknown(v.pos);
    }
    let mut out = Vec::new();
    for item in v.one_or_many() {
        let t = match key {
            Some(k) => item.get(k),
            None => Some(item),
        };
        match t.and_then(Value::as_str) {
            Some(s) => out.push(s.to_string()),
            None => return Attr::Unknown(item.pos),
        }
    }
    Attr::Set(out, v.pos)
}

/// Whether one encryption configuration covers `secrets` with a key.
fn eks_encryption(
    configs: Vec<&Value>,
    resources_key: &str,
    has_key: impl Fn(&Value) -> bool,
    r: &SourceResource,
) -> Attr<bool> {
    let mut pos = r.pos;
    for c in configs {
        pos = c.pos;
        let Some(res) = c.get(resources_key) else {
            continue;
        };
        if res.is_unknown() || res.one_or_many().iter().any(|x| x.as_str().is_none()) {
            return Attr::Unknown(res.pos);
        }
        if res
            .one_or_many()
            .iter()
            .any(|x| x.as_str() == Some("secrets"))
            && has_key(c)
        {
            return Attr::Set(true, c.pos);
        }
    }
    Attr::Set(false, pos)
}

/// SSH remote access with a key pair and no source security groups.
fn ssh_open(remote: Option<&Value>, key: &str, sources: &str) -> Attr<bool> {
    let Some(remote) = remote.filter(|v| !v.is_null()) else {
        return Attr::Unset;
    };
    if remote.is_unknown() {
        return Attr::Unknown(remote.pos);
    }
    match remote.get(key) {
        None => return Attr::Set(false, remote.pos),
        Some(k) if k.is_null() => return Attr::Set(false, remote.pos),
        _ => {}
    }
    match remote.get(sources) {
        Some(s) if s.is_unknown() => Attr::Unknown(s.pos),
        Some(s) if !s.one_or_many().is_empty() => Attr::Set(false, s.pos),
        _ => Attr::Set(true, pos_of(remote, key, remote.pos)),
    }
}

fn aks(r: &SourceResource, p: &mut Platform) {
    let b = r.body;
    let api_open = match attr_bool(b.get("private_cluster_enabled")) {
        Attr::Set(true, pos) => Attr::Set(None, pos),
        Attr::Unknown(pos) => Attr::Unknown(pos),
        _ => {
            let ranges = blocks(b, "api_server_access_profile")
                .first()
                .and_then(|a| a.get("authorized_ip_ranges"))
                .or(b.get("api_server_authorized_ip_ranges"));
            allowed_networks(
                ranges,
                pos_of(b, "private_cluster_enabled", r.pos),
                "public API server without authorized IP ranges",
            )
        }
    };
    let mut weak_auth = Vec::new();
    let rbac = match b.get("role_based_access_control_enabled") {
        Some(v) => attr_bool(Some(v)),
        None => attr_bool(
            blocks(b, "role_based_access_control")
                .first()
                .and_then(|x| x.get("enabled")),
        ),
    };
    if let Attr::Set(false, pos) = rbac {
        weak_auth.push(WeakAuth {
            what: "Kubernetes RBAC disabled".to_string(),
            bypasses_rbac: true,
            pos,
        });
    }
    let entra = !blocks(b, "azure_active_directory_role_based_access_control").is_empty()
        || blocks(b, "role_based_access_control")
            .first()
            .is_some_and(|x| x.get("azure_active_directory").is_some());
    match attr_bool(b.get("local_account_disabled")) {
        Attr::Set(true, _) | Attr::Unknown(_) => {}
        Attr::Set(false, pos) => weak_auth.push(WeakAuth {
            what: local_accounts_text(entra),
            bypasses_rbac: false,
            pos,
        }),
        Attr::Unset => weak_auth.push(WeakAuth {
            what: local_accounts_text(entra),
            bypasses_rbac: false,
            pos: r.pos,
        }),
    }
    let profile = blocks(b, "network_profile").into_iter().next();
    let network_policy = match profile.map(|np| attr_str(np.get("network_policy"))) {
        None | Some(Attr::Unset) => Attr::Set(false, profile.map(|x| x.pos).unwrap_or(r.pos)),
        Some(Attr::Set(v, pos)) => Attr::Set(!v.eq_ignore_ascii_case("none"), pos),
        Some(Attr::Unknown(pos)) => Attr::Unknown(pos),
    };
    p.clusters.push(Cluster {
        resource: r.id.clone(),
        cloud: Cloud::Azure,
        kind: "AKS cluster",
        pos: r.pos,
        api_open,
        weak_auth,
        log_types: None,
        secrets_kms: None,
        network_policy: Some(network_policy),
        workload_identity: None,
        version: None,
        telemetry_off: aks_telemetry_off(b, r),
        public_nodes: Some(aks_public_nodes(b)),
        shielded_nodes: None,
        dashboard: Some(aks_addon(b, None, "kube_dashboard", r)),
        policy_addon: Some(aks_addon(
            b,
            Some("azure_policy_enabled"),
            "azure_policy",
            r,
        )),
        release_channel: None,
    });
}

/// An AKS add-on: the top-level switch of current providers (`azure_policy_enabled`) or
/// `addon_profile { NAME { enabled } }` of older ones; off when neither is written.
fn aks_addon(b: &Value, switch: Option<&str>, legacy: &str, r: &SourceResource) -> Attr<bool> {
    if let Some(v) = switch.and_then(|k| b.get(k)).filter(|v| !v.is_null()) {
        return attr_bool(Some(v));
    }
    let Some(profile) = blocks(b, "addon_profile").first().copied() else {
        return Attr::Set(false, r.pos);
    };
    if profile.is_unknown() {
        return Attr::Unknown(profile.pos);
    }
    match blocks(profile, legacy).first().copied() {
        None => Attr::Set(false, profile.pos),
        Some(addon) if addon.is_unknown() => Attr::Unknown(addon.pos),
        Some(addon) => match attr_bool(addon.get("enabled")) {
            Attr::Unset => Attr::Set(false, addon.pos),
            other => other,
        },
    }
}

/// `release_channel { channel = ... }`; no block means no channel.
fn gke_release_channel(b: &Value, r: &SourceResource) -> Attr<String> {
    match blocks(b, "release_channel").first().copied() {
        None => Attr::Set("UNSPECIFIED".to_string(), r.pos),
        Some(c) if c.is_unknown() => Attr::Unknown(c.pos),
        Some(c) => match attr_str(c.get("channel")) {
            Attr::Set(v, pos) => Attr::Set(v.trim().to_ascii_uppercase(), pos),
            Attr::Unset => Attr::Set("UNSPECIFIED".to_string(), c.pos),
            Attr::Unknown(pos) => Attr::Unknown(pos),
        },
    }
}

fn local_accounts_text(entra: bool) -> String {
    if entra {
        "local accounts enabled (local_account_disabled is not true)".to_string()
    } else {
        "local accounts enabled and no Entra ID integration".to_string()
    }
}

/// An AKS cluster without Container Insights: no `oms_agent` block (or, in older
/// providers, `addon_profile { oms_agent { enabled = true } }`).
fn aks_telemetry_off(b: &Value, r: &SourceResource) -> Vec<TelemetryGap> {
    let legacy = blocks(b, "addon_profile")
        .first()
        .and_then(|a| blocks(a, "oms_agent").first().copied());
    let on = match (blocks(b, "oms_agent").first(), legacy) {
        (Some(agent), _) => (!agent.is_unknown()).then_some(true),
        (None, Some(agent)) if agent.is_unknown() => None,
        (None, Some(agent)) => match attr_bool(agent.get("enabled")) {
            Attr::Set(on, _) => Some(on),
            Attr::Unknown(_) => None,
            Attr::Unset => Some(false),
        },
        (None, None) => Some(false),
    };
    if on != Some(false) {
        return Vec::new();
    }
    vec![TelemetryGap {
        what: "sends no container logs or metrics to Azure Monitor (no oms_agent: Container Insights off)".to_string(),
        pos: legacy.map(|a| a.pos).unwrap_or(r.pos),
        control_plane: false,
    }]
}

/// Whether the default node pool hands its nodes public IPs (`node_public_ip_enabled`, or
/// `enable_node_public_ip` of older providers); off by default.
fn aks_public_nodes(b: &Value) -> Attr<bool> {
    let Some(pool) = blocks(b, "default_node_pool").first().copied() else {
        return Attr::Unset;
    };
    if pool.is_unknown() {
        return Attr::Unknown(pool.pos);
    }
    match attr_bool(
        pool.get("node_public_ip_enabled")
            .or_else(|| pool.get("enable_node_public_ip")),
    ) {
        Attr::Unset => Attr::Set(false, pool.pos),
        other => other,
    }
}

/// GKE nodes get external IPs unless `private_cluster_config.enable_private_nodes` is on.
fn gke_public_nodes(b: &Value, r: &SourceResource) -> Attr<bool> {
    let Some(config) = blocks(b, "private_cluster_config").first().copied() else {
        return Attr::Set(true, r.pos);
    };
    if config.is_unknown() {
        return Attr::Unknown(config.pos);
    }
    match attr_bool(config.get("enable_private_nodes")) {
        Attr::Set(private, pos) => Attr::Set(!private, pos),
        Attr::Unset => Attr::Set(true, config.pos),
        Attr::Unknown(pos) => Attr::Unknown(pos),
    }
}

/// `logging_service` and `monitoring_service` set to `none`, or to the retired legacy
/// Stackdriver backends.
fn gke_telemetry_off(b: &Value) -> Vec<TelemetryGap> {
    let mut off = Vec::new();
    for (key, what, legacy) in [
        ("logging_service", "logs", "logging.googleapis.com"),
        ("monitoring_service", "metrics", "monitoring.googleapis.com"),
    ] {
        let Some(v) = b.get(key) else { continue };
        let Some(service) = v.as_str() else { continue };
        let message = if service.eq_ignore_ascii_case("none") {
            format!("sends no {what} ({key} = \"none\")")
        } else if service == legacy {
            format!(
                "sends {what} to the retired legacy backend ({key} = \"{legacy}\"; use \"{legacy}/kubernetes\")"
            )
        } else {
            continue;
        };
        off.push(TelemetryGap {
            what: message,
            pos: v.pos,
            // GKE's logging service carries the control plane's logs too.
            control_plane: key == "logging_service",
        });
    }
    off
}

fn gke(r: &SourceResource, p: &mut Platform) {
    let b = r.body;
    let autopilot = attr_bool(b.get("enable_autopilot"));
    let is_autopilot = autopilot.value() == Some(&true);
    let private_endpoint = blocks(b, "private_cluster_config")
        .first()
        .map(|c| attr_bool(c.get("enable_private_endpoint")))
        .unwrap_or(Attr::Unset);
    let api_open = match private_endpoint {
        Attr::Set(true, pos) => Attr::Set(None, pos),
        Attr::Unknown(pos) => Attr::Unknown(pos),
        _ => match blocks(b, "master_authorized_networks_config").first() {
            None => Attr::Set(
                Some("no master authorized networks (public endpoint open to all)".to_string()),
                r.pos,
            ),
            Some(c) if c.is_unknown() => Attr::Unknown(c.pos),
            Some(c) => {
                let cidrs: Vec<&Value> = blocks(c, "cidr_blocks")
                    .into_iter()
                    .filter_map(|x| x.get("cidr_block"))
                    .collect();
                if let Some(open) = cidrs.iter().find(|x| x.as_str().is_some_and(is_internet)) {
                    Attr::Set(
                        Some(format!(
                            "master authorized network {}",
                            open.as_str().unwrap_or("*")
                        )),
                        open.pos,
                    )
                } else if let Some(u) = cidrs.iter().find(|x| x.as_str().is_none()) {
                    Attr::Unknown(u.pos)
                } else {
                    Attr::Set(None, c.pos)
                }
            }
        },
    };
    let mut weak_auth = Vec::new();
    if let Attr::Set(true, pos) = attr_bool(b.get("enable_legacy_abac")) {
        weak_auth.push(WeakAuth {
            what: "legacy ABAC (enable_legacy_abac = true)".to_string(),
            bypasses_rbac: true,
            pos,
        });
    }
    if let Some(auth) = blocks(b, "master_auth").first() {
        if let Some(u) = auth
            .get("username")
            .filter(|u| u.as_str().is_some_and(|s| !s.is_empty()))
        {
            weak_auth.push(WeakAuth {
                what: "basic authentication (master_auth username and password)".to_string(),
                bypasses_rbac: true,
                pos: u.pos,
            });
        }
        if let Some(cc) = blocks(auth, "client_certificate_config").first() {
            if let Attr::Set(true, pos) = attr_bool(cc.get("issue_client_certificate")) {
                weak_auth.push(WeakAuth {
                    what: "client certificate issued (issue_client_certificate = true)".to_string(),
                    bypasses_rbac: true,
                    pos,
                });
            }
        }
    }
    let network_policy = if is_autopilot {
        Attr::Set(true, pos_of(b, "enable_autopilot", r.pos))
    } else if let Some(d) = b.get("datapath_provider").filter(|d| !d.is_null()) {
        match d.as_str() {
            Some("ADVANCED_DATAPATH") => Attr::Set(true, d.pos),
            Some(_) => gke_network_policy(b, r),
            None => Attr::Unknown(d.pos),
        }
    } else {
        gke_network_policy(b, r)
    };
    let workload_identity = if is_autopilot {
        Attr::Set(true, pos_of(b, "enable_autopilot", r.pos))
    } else if autopilot.is_unknown() {
        Attr::Unknown(pos_of(b, "enable_autopilot", r.pos))
    } else {
        match blocks(b, "workload_identity_config").first() {
            None => Attr::Set(false, r.pos),
            Some(w) => match w.get("workload_pool").or(w.get("identity_namespace")) {
                Some(v) if v.is_null() => Attr::Set(false, w.pos),
                _ => Attr::Set(true, w.pos),
            },
        }
    };
    p.clusters.push(Cluster {
        resource: r.id.clone(),
        cloud: Cloud::Google,
        kind: "GKE cluster",
        pos: r.pos,
        api_open,
        weak_auth,
        log_types: None,
        secrets_kms: None,
        network_policy: Some(if autopilot.is_unknown() {
            Attr::Unknown(pos_of(b, "enable_autopilot", r.pos))
        } else {
            network_policy
        }),
        workload_identity: Some(workload_identity),
        version: None,
        telemetry_off: gke_telemetry_off(b),
        public_nodes: Some(gke_public_nodes(b, r)),
        shielded_nodes: Some(match attr_bool(b.get("enable_shielded_nodes")) {
            // On by default since GKE 1.18.
            Attr::Unset => Attr::Set(true, r.pos),
            other => other,
        }),
        dashboard: None,
        policy_addon: None,
        release_channel: Some(if autopilot.is_unknown() {
            Attr::Unknown(pos_of(b, "enable_autopilot", r.pos))
        } else if is_autopilot {
            // Autopilot clusters are always enrolled in a channel.
            Attr::Unset
        } else {
            gke_release_channel(b, r)
        }),
    });
    if let Some(nc) = blocks(b, "node_config").first() {
        if !is_autopilot {
            p.node_pools.push(NodePool {
                resource: r.id.clone(),
                cloud: Cloud::Google,
                pos: nc.pos,
                ssh_from_anywhere: Attr::Unset,
                metadata_exposed: gke_metadata(nc),
                default_identity: gke_node_identity(Some(nc), "node_config", nc.pos),
            });
        }
    }
    // Node auto-provisioning (and Autopilot) creates pools with the identity of
    // `cluster_autoscaling.auto_provisioning_defaults`.
    let autoscaling = blocks(b, "cluster_autoscaling").first().copied();
    let provisioning = match autoscaling {
        _ if is_autopilot => Attr::Set(true, pos_of(b, "enable_autopilot", r.pos)),
        Some(a) => attr_bool(a.get("enabled")),
        None => Attr::Unset,
    };
    if let Attr::Set(true, pos) = provisioning {
        {
            let defaults =
                autoscaling.and_then(|a| blocks(a, "auto_provisioning_defaults").first().copied());
            p.node_pools.push(NodePool {
                resource: r.id.clone(),
                cloud: Cloud::Google,
                pos: defaults.map(|d| d.pos).unwrap_or(pos),
                ssh_from_anywhere: Attr::Unset,
                metadata_exposed: Vec::new(),
                default_identity: gke_node_identity(
                    defaults,
                    "cluster_autoscaling.auto_provisioning_defaults",
                    pos,
                ),
            });
        }
    }
}

/// Whether GKE nodes configured by `section` (a `node_config` or the auto-provisioning
/// defaults) run as the Compute Engine default service account: when `service_account` is
/// unwritten, `"default"`, or the project's `…-compute@developer.gserviceaccount.com`.
fn gke_node_identity(section: Option<&Value>, name: &str, fallback: Pos) -> Attr<Option<String>> {
    if section.is_some_and(|s| s.is_unknown()) {
        return Attr::Unknown(section.map(|s| s.pos).unwrap_or(fallback));
    }
    match attr_str(section.and_then(|s| s.get("service_account"))) {
        Attr::Unset => Attr::Set(
            Some(format!("no service_account in {name}")),
            section.map(|s| s.pos).unwrap_or(fallback),
        ),
        Attr::Unknown(pos) => Attr::Unknown(pos),
        Attr::Set(account, pos) => {
            let default = account == "default"
                || account
                    .strip_suffix("-compute@developer.gserviceaccount.com")
                    .is_some_and(|n| !n.is_empty() && n.bytes().all(|c| c.is_ascii_digit()));
            Attr::Set(
                default.then(|| format!("{name}.service_account = \"{account}\"")),
                pos,
            )
        }
    }
}

fn gke_network_policy(b: &Value, r: &SourceResource) -> Attr<bool> {
    match blocks(b, "network_policy").first() {
        None => Attr::Set(false, r.pos),
        Some(np) => match attr_bool(np.get("enabled")) {
            Attr::Unset => Attr::Set(false, np.pos),
            other => other,
        },
    }
}

/// Legacy metadata endpoints switched back on, or the node's metadata passed to pods.
fn gke_metadata(nc: &Value) -> Vec<Spanned<String>> {
    let mut out = Vec::new();
    if let Some(v) = nc
        .get("metadata")
        .and_then(|m| m.get("disable-legacy-endpoints"))
    {
        if v.as_bool() == Some(false) {
            out.push(Spanned {
                value: "legacy metadata endpoints on (disable-legacy-endpoints = false)"
                    .to_string(),
                pos: v.pos,
            });
        }
    }
    for (block, key) in [
        ("workload_metadata_config", "mode"),
        ("workload_metadata_config", "node_metadata"),
    ] {
        if let Some(v) = blocks(nc, block).first().and_then(|w| w.get(key)) {
            if let Some(mode) = v
                .as_str()
                .filter(|m| matches!(*m, "GCE_METADATA" | "EXPOSE"))
            {
                out.push(Spanned {
                    value: format!("node metadata exposed to pods ({key} = {mode})"),
                    pos: v.pos,
                });
            }
        }
    }
    out
}
