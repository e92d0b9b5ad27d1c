//! Normalized platform resources: one shape per kind of thing, whatever the cloud or the
//! template language. A network ACL entry, an Azure NSG rule and a Google firewall rule are
//! one [`NetworkRule`]; an RDS instance and a Cloud SQL instance are one [`Database`].
//! Settings the template leaves out are [`Attr::Unset`] (the provider default applies);
//! settings written in a way that cannot be evaluated are [`Attr::Unknown`].

use crate::model::{Attr, Cloud, Direction, Spanned};
use crate::value::Pos;

/// Everything outside functions that the platform rules read, for one template or module.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Platform {
    pub network_rules: Vec<NetworkRule>,
    pub databases: Vec<Database>,
    /// Grants that make a bucket, container or its objects readable or writable by anyone.
    pub public_grants: Vec<PublicGrant>,
    /// S3 buckets with their public access block.
    pub s3_buckets: Vec<S3Bucket>,
    /// Buckets that receive other buckets' server access logs, or that grant the log
    /// delivery group write access (by the key other resources refer to them by).
    pub s3_log_targets: std::collections::BTreeSet<String>,
    /// Google Cloud Storage buckets: whether access is decided by IAM alone
    /// (`uniform_bucket_level_access`; off when unwritten).
    pub uniform_access: Vec<(String, Attr<bool>)>,
    /// Azure storage accounts and their transport settings.
    pub storage_accounts: Vec<StorageAccount>,
    /// Managed Kubernetes control planes (EKS, AKS, GKE).
    pub clusters: Vec<Cluster>,
    /// Managed node groups and node pools.
    pub node_pools: Vec<NodePool>,
    /// Policies and attachments that give IAM users, groups or roles broad rights.
    pub broad_grants: Vec<BroadGrant>,
    /// IAM roles whose trust policy lets anyone assume them: `(resource, where)`.
    pub public_trusts: Vec<(String, Pos)>,
    /// Long-lived or per-user permissions of IAM users (inline policies, access keys).
    pub user_credentials: Vec<UserCredential>,
    /// Container registries and repositories (ECR, ACR).
    pub registries: Vec<Registry>,
    /// Grants that let anyone pull from or push to a registry.
    pub registry_grants: Vec<PublicGrant>,
    /// Secrets written into a template's inputs (variable and parameter defaults) or
    /// published by its outputs, and secret-named parameters shown in clear.
    pub template_secrets: Vec<TemplateSecret>,
    /// Google and Azure role bindings at project, folder, organization, subscription or
    /// management-group scope (resource-level bindings are not listed).
    pub scope_bindings: Vec<ScopeBinding>,
    /// SQS queues and SNS topics with their encryption at rest.
    pub message_stores: Vec<MessageStore>,
    /// Queue, topic and event bus policies that let anyone in.
    pub message_grants: Vec<PublicGrant>,
    /// EventBridge event buses and whether a customer managed key encrypts their events.
    pub event_buses: Vec<EventBus>,
    /// API Gateway stages and whether they write execution logs.
    pub api_stages: Vec<ApiStageLogging>,
    /// API Gateway custom domain names and their TLS security policy.
    pub api_domains: Vec<ApiDomain>,
    /// VPCs and whether a flow log of the same module or template records their traffic.
    pub vpcs: Vec<Vpc>,
    /// Load balancers (Elastic Load Balancing application, network and classic ones, Azure
    /// Application Gateways, Google HTTP(S) backend services) and their access logs.
    pub load_balancers: Vec<LoadBalancer>,
    /// Their listeners: protocol, HTTPS redirect and TLS policy.
    pub lb_listeners: Vec<LbListener>,
    /// OpenSearch and Elasticsearch domains: transport and encryption settings.
    pub search_domains: Vec<SearchDomain>,
    /// Access policies that open a domain outside any VPC to anyone.
    pub search_grants: Vec<PublicGrant>,
    /// DynamoDB tables and DAX clusters: encryption at rest and point-in-time recovery.
    pub tables: Vec<Table>,
    /// Cognito user pools and their multi-factor authentication.
    pub user_pools: Vec<UserPool>,
    /// Cognito identity pools that hand AWS credentials to unauthenticated users:
    /// `(resource, where)`.
    pub guest_identity_pools: Vec<(String, Pos)>,
    /// Step Functions state machines: execution logging and tracing.
    pub state_machines: Vec<StateMachine>,
    /// Flow logs written but switched off: `(resource, where)`.
    pub disabled_flow_logs: Vec<(String, Pos)>,
    /// How long flow logs keep their records.
    pub flow_log_retention: Vec<FlowLogRetention>,
    /// TLS policies of Azure Application Gateways and Google Cloud load balancers, by the
    /// lowest version they accept.
    pub tls_policies: Vec<TlsPolicy>,
    /// Managed databases: plaintext connections and the TLS floor.
    pub database_transport: Vec<DatabaseTransport>,
    /// Internet-facing REST API stages and the web ACLs that protect them.
    pub api_stage_waf: Vec<ApiStageWaf>,
}

impl Platform {
    /// Whether the template declares any platform resource the rules read.
    pub fn is_empty(&self) -> bool {
        self.network_rules.is_empty()
            && self.databases.is_empty()
            && self.public_grants.is_empty()
            && self.s3_buckets.is_empty()
            && self.storage_accounts.is_empty()
            && self.clusters.is_empty()
            && self.node_pools.is_empty()
            && self.broad_grants.is_empty()
            && self.public_trusts.is_empty()
            && self.user_credentials.is_empty()
            && self.scope_bindings.is_empty()
            && self.registries.is_empty()
            && self.template_secrets.is_empty()
            && self.registry_grants.is_empty()
            && self.message_stores.is_empty()
            && self.message_grants.is_empty()
            && self.event_buses.is_empty()
            && self.api_stages.is_empty()
            && self.api_domains.is_empty()
            && self.vpcs.is_empty()
            && self.load_balancers.is_empty()
            && self.lb_listeners.is_empty()
            && self.search_domains.is_empty()
            && self.search_grants.is_empty()
            && self.tables.is_empty()
            && self.user_pools.is_empty()
            && self.guest_identity_pools.is_empty()
            && self.state_machines.is_empty()
            && self.disabled_flow_logs.is_empty()
            && self.flow_log_retention.is_empty()
            && self.tls_policies.is_empty()
            && self.database_transport.is_empty()
            && self.api_stage_waf.is_empty()
            && self.uniform_access.is_empty()
    }
}

/// Which firewall a [`NetworkRule`] belongs to (security groups stay in
/// [`crate::model::SecurityGroup`], judged by NET100/NET101).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Firewall {
    /// An AWS network ACL entry (`aws_network_acl`, `aws_network_acl_rule`,
    /// `AWS::EC2::NetworkAclEntry`).
    AwsNetworkAcl,
    /// An Azure network security group rule.
    AzureNsg,
    /// A Google Cloud VPC firewall rule.
    GoogleFirewall,
}

impl Firewall {
    pub fn name(self) -> &'static str {
        match self {
            Firewall::AwsNetworkAcl => "network ACL entry",
            Firewall::AzureNsg => "network security group rule",
            Firewall::GoogleFirewall => "firewall rule",
        }
    }
}

/// An inclusive range of destination ports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortRange {
    pub from: i64,
    pub to: i64,
}

impl PortRange {
    pub fn covers(&self, port: i64) -> bool {
        self.from <= port && port <= self.to
    }

    pub fn is_all(&self) -> bool {
        self.from <= 1 && self.to >= 65535
    }
}

/// One allow or deny rule of a stateless or stateful network firewall.
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkRule {
    pub resource: String,
    pub firewall: Firewall,
    pub cloud: Cloud,
    pub direction: Attr<Direction>,
    /// `true` for allow, `false` for deny.
    pub allow: Attr<bool>,
    /// Sources (ingress) or destinations (egress) as written; only known literals.
    pub peers: Vec<Spanned<String>>,
    /// Lower-case protocol name; `all` for every protocol (`-1`, `*`, `all`).
    pub protocol: Attr<String>,
    /// Destination ports; empty when the rule covers every port.
    pub ports: Attr<Vec<PortRange>>,
    /// Rule order where the firewall has one (NACL rule number, NSG or GCP priority):
    /// lower is evaluated first.
    pub order: Option<i64>,
    /// The firewall the rule belongs to (NACL or NSG address), for ordering among rules.
    pub group: Option<String>,
    pub pos: Pos,
}

impl NetworkRule {
    /// The protocol carries ports (TCP, UDP or every protocol).
    pub fn carries_ports(&self) -> Option<bool> {
        self.protocol.value().map(|p| {
            matches!(
                p.as_str(),
                "all" | "tcp" | "udp" | "6" | "17" | "sctp" | "132"
            )
        })
    }

    /// Every port of every port-carrying protocol.
    pub fn all_ports(&self) -> Option<bool> {
        let ports = self.ports.value()?;
        Some(ports.is_empty() || ports.iter().any(PortRange::is_all))
    }

    pub fn covers_port(&self, port: i64) -> Option<bool> {
        let ports = self.ports.value()?;
        Some(ports.is_empty() || ports.iter().any(|r| r.covers(port)))
    }
}

/// Whether a source or destination as written means "anywhere on the internet".
pub fn is_internet(peer: &str) -> bool {
    let p = peer.trim();
    matches!(p, "0.0.0.0/0" | "::/0" | "*" | "0.0.0.0" | "::" | "0::0/0")
        || p.eq_ignore_ascii_case("internet")
        || p.eq_ignore_ascii_case("any")
}

/// A managed database, warehouse or broker that can be given a public endpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct Database {
    pub resource: String,
    /// What it is, for messages: `RDS instance`, `Cloud SQL instance`...
    pub kind: &'static str,
    /// A public endpoint is switched on (`publicly_accessible`, `PubliclyAccessible`).
    pub publicly_accessible: Attr<bool>,
    /// Networks allowed to connect from anywhere (Cloud SQL authorized networks, Azure
    /// SQL firewall rules spanning every address), as written.
    pub open_networks: Vec<Spanned<String>>,
    pub pos: Pos,
}

/// How a managed database takes connections.
#[derive(Debug, Clone, PartialEq)]
pub struct DatabaseTransport {
    pub resource: String,
    /// What it is, for messages: `Cloud SQL instance`, `Azure SQL server`...
    pub kind: &'static str,
    pub pos: Pos,
    /// Clients may connect without TLS; `Unset` where the service always encrypts or the
    /// setting does not exist.
    pub plaintext_allowed: Attr<bool>,
    /// The lowest TLS version accepted (`1.0` ... `1.3`); `Unset` when the provider's
    /// default (1.2) applies or the service has no such setting.
    pub min_tls: Attr<String>,
    /// What decides, for messages: the setting and what attaches it
    /// (`rds.force_ssl is not 1; used by aws_db_instance.db`).
    pub detail: Option<String>,
}

/// A grant to everyone on a bucket or container: an ACL, a policy statement, an IAM member.
#[derive(Debug, Clone, PartialEq)]
pub struct PublicGrant {
    /// The resource that makes the grant (the bucket itself, an ACL, a policy, a binding).
    pub resource: String,
    pub cloud: Cloud,
    /// What is exposed, for messages: `S3 bucket`, `Cloud Storage bucket`...
    pub target: &'static str,
    /// The grant as written: `ACL public-read`, `Principal * on s3:GetObject`, `allUsers`...
    pub grant: String,
    /// Anyone may write (or administer), not only read.
    pub write: bool,
    /// How the grant is made; an S3 public access block neutralises ACLs and policies.
    pub via: GrantVia,
    /// The key of the S3 bucket it applies to, when known.
    pub bucket: Option<String>,
    pub pos: Pos,
}

/// The mechanism of a [`PublicGrant`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantVia {
    Acl,
    Policy,
    Iam,
}

/// An S3 bucket and the public access block that applies to it.
#[derive(Debug, Clone, PartialEq)]
pub struct S3Bucket {
    pub resource: String,
    /// What other resources refer to it by.
    pub key: String,
    pub pos: Pos,
    /// `None` when no block names the bucket; `Unknown` when a block exists that could not
    /// be tied to a bucket (or an account-wide block applies), so a missing block is not
    /// judged.
    pub public_access_block: Attr<PublicAccessBlock>,
    /// Versioning is on (`versioning { enabled }`, `aws_s3_bucket_versioning` status
    /// `Enabled`, `VersioningConfiguration.Status`); `Unset` for a bucket declared
    /// elsewhere.
    pub versioning: Attr<bool>,
    /// Server access logs are delivered somewhere (`logging`, `aws_s3_bucket_logging`,
    /// `LoggingConfiguration`); `Unset` for a bucket declared elsewhere.
    pub access_logs: Attr<bool>,
}

/// The four switches of an S3 public access block (an unwritten switch is off).
#[derive(Debug, Clone, PartialEq)]
pub struct PublicAccessBlock {
    pub resource: String,
    /// `block_public_acls`, `block_public_policy`, `ignore_public_acls`,
    /// `restrict_public_buckets`, each as set.
    pub switches: Vec<(&'static str, Attr<bool>)>,
    pub pos: Pos,
}

/// An Azure storage account's transport settings.
#[derive(Debug, Clone, PartialEq)]
pub struct StorageAccount {
    pub resource: String,
    pub pos: Pos,
    /// `https_traffic_only_enabled` / `enable_https_traffic_only`; unset means on.
    pub https_only: Attr<bool>,
    /// `min_tls_version`; unset means `TLS1_2` (azurerm 3.x and later).
    pub min_tls_version: Attr<String>,
    /// `allow_nested_items_to_be_public` / `allow_blob_public_access`.
    pub nested_public: Attr<bool>,
}

/// A managed Kubernetes cluster's control plane. Settings a cloud does not have are `None`.
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    pub resource: String,
    pub cloud: Cloud,
    /// `EKS cluster`, `AKS cluster`, `GKE cluster`.
    pub kind: &'static str,
    pub pos: Pos,
    /// Whether the API server answers the whole internet: `Set(Some(why))` when it does,
    /// `Set(None)` when it is private or limited to listed networks.
    pub api_open: Attr<Option<String>>,
    /// Authentication or authorization modes that bypass or replace Kubernetes RBAC.
    pub weak_auth: Vec<WeakAuth>,
    /// Control-plane log types sent to the cloud's logging (EKS).
    pub log_types: Option<Attr<Vec<String>>>,
    /// Kubernetes Secrets envelope-encrypted with a customer KMS key (EKS).
    pub secrets_kms: Option<Attr<bool>>,
    /// A network policy engine enforces NetworkPolicy objects (AKS, GKE).
    pub network_policy: Option<Attr<bool>>,
    /// Workload identity: pods get their own cloud identity instead of the node's (GKE).
    pub workload_identity: Option<Attr<bool>>,
    /// The Kubernetes version as written (EKS `version`); `Unset` when the service picks
    /// its default.
    pub version: Option<Attr<String>>,
    /// Logging or monitoring switched off or left on a retired backend (GKE
    /// `logging_service` / `monitoring_service`, AKS without Container Insights).
    pub telemetry_off: Vec<TelemetryGap>,
    /// Nodes get public IP addresses (GKE without private nodes, AKS node pools with
    /// `node_public_ip_enabled`).
    pub public_nodes: Option<Attr<bool>>,
    /// Nodes boot as Shielded VMs (GKE; on unless `enable_shielded_nodes = false`).
    pub shielded_nodes: Option<Attr<bool>>,
    /// The Kubernetes dashboard add-on is on (AKS `addon_profile.kube_dashboard`; off when
    /// unwritten).
    pub dashboard: Option<Attr<bool>>,
    /// The cloud's admission policy add-on is on (AKS Azure Policy; off when unwritten).
    pub policy_addon: Option<Attr<bool>>,
    /// The release channel upper-cased (GKE `release_channel.channel`); `Set("UNSPECIFIED")`
    /// when no channel is written, `Unset` where the platform always picks one (Autopilot).
    pub release_channel: Option<Attr<String>>,
}

/// Logs or metrics a cluster does not send to its cloud's monitoring.
#[derive(Debug, Clone, PartialEq)]
pub struct TelemetryGap {
    /// What is missing, for the message: `sends no logs (logging_service = "none")`.
    pub what: String,
    pub pos: Pos,
    /// Control-plane logs are missing (medium), not only workload telemetry (low).
    pub control_plane: bool,
}

/// One way a cluster admits callers outside Kubernetes RBAC.
#[derive(Debug, Clone, PartialEq)]
pub struct WeakAuth {
    /// What is on, for messages: `legacy ABAC`, `Kubernetes RBAC disabled`...
    pub what: String,
    /// Whether it grants access without any authorization check (high) or only widens who
    /// can authenticate (medium).
    pub bypasses_rbac: bool,
    pub pos: Pos,
}

/// A managed node group (EKS) or node pool / node configuration (GKE).
#[derive(Debug, Clone, PartialEq)]
pub struct NodePool {
    pub resource: String,
    pub cloud: Cloud,
    pub pos: Pos,
    /// SSH to the nodes is allowed with a key and no source restriction (EKS remote access).
    pub ssh_from_anywhere: Attr<bool>,
    /// Ways the nodes hand their instance metadata (and credentials) to pods: legacy
    /// metadata endpoints on, `GCE_METADATA` / `EXPOSE` metadata mode.
    pub metadata_exposed: Vec<Spanned<String>>,
    /// The nodes run as the Compute Engine default service account (GKE): `Set(Some(why))`
    /// when they do, `Set(None)` with a dedicated account; `Unset` where the cloud has no
    /// such default (EKS, AKS).
    pub default_identity: Attr<Option<String>>,
}

/// A policy, inline policy or attachment granting administrator access or every action of
/// a service. Role policies of the template's roles are judged by the FN rules instead.
#[derive(Debug, Clone, PartialEq)]
pub struct BroadGrant {
    pub resource: String,
    /// What is granted: `*`, `s3:*`, `AdministratorAccess`...
    pub grant: String,
    /// Every action of every service (or an administrator managed policy).
    pub admin: bool,
    /// Who receives it, for messages: `IAM user`, `users, groups or roles it is attached to`.
    pub to: String,
    pub pos: Pos,
}

/// Something that makes an IAM user hold permissions or credentials of its own.
#[derive(Debug, Clone, PartialEq)]
pub struct UserCredential {
    pub resource: String,
    /// `inline policy`, `directly attached policy`, `access key`.
    pub what: &'static str,
    pub pos: Pos,
}

/// A role granted on a whole project, folder, organization or subscription.
#[derive(Debug, Clone, PartialEq)]
pub struct ScopeBinding {
    pub resource: String,
    pub cloud: Cloud,
    /// `roles/owner`, `Owner`...
    pub role: String,
    /// The member or principal as written (`allUsers`, `serviceAccount:...`), when known.
    pub member: Option<String>,
    /// `project`, `folder`, `organization`, `subscription`, `management group`.
    pub scope: &'static str,
    /// The role is one of the primitive owner/editor/contributor roles.
    pub primitive: bool,
    /// The member is everyone (`allUsers`, `allAuthenticatedUsers`).
    pub public: bool,
    pub pos: Pos,
}

/// A container registry (ACR) or repository (ECR). Settings a cloud does not have are
/// `None`; unwritten ones are `Unset` (the provider default).
#[derive(Debug, Clone, PartialEq)]
pub struct Registry {
    pub resource: String,
    /// `ECR repository`, `container registry`.
    pub kind: &'static str,
    pub pos: Pos,
    /// `image_tag_mutability` / `ImageTagMutability` is `MUTABLE` (the default).
    pub mutable_tags: Option<Attr<bool>>,
    /// Images are scanned for vulnerabilities when pushed (off by default).
    pub scan_on_push: Option<Attr<bool>>,
    /// The ACR admin user (a shared username and password) is on.
    pub admin_user: Option<Attr<bool>>,
    /// The registry accepts connections from public networks: `Set(true)` when written so
    /// or left at the default on a tier that can turn it off (ACR Premium).
    pub public_network: Option<Attr<bool>>,
    /// Images are encrypted with a KMS key (ECR `encryption_type = "KMS"`), not the
    /// default AES-256 key that AWS owns.
    pub kms: Option<Attr<bool>>,
}

/// A secret in a template's inputs or outputs.
#[derive(Debug, Clone, PartialEq)]
pub struct TemplateSecret {
    /// `var.db_password`, `Parameters/DbPassword`, `Outputs/Secret`.
    pub resource: String,
    /// What was found, for messages.
    pub what: String,
    /// The literal secret when one is written (for preview and fingerprint only).
    pub value: Option<String>,
    /// A secret is exposed (a literal or a published credential), not only at risk.
    pub exposed: bool,
    pub pos: Pos,
}

/// An SQS queue or SNS topic and whether what it holds is encrypted at rest.
#[derive(Debug, Clone, PartialEq)]
pub struct MessageStore {
    pub resource: String,
    /// `SQS queue`, `SNS topic`.
    pub kind: &'static str,
    pub pos: Pos,
    /// `Set(false)` when no KMS key is named and nothing else encrypts the messages (SNS
    /// without `kms_master_key_id`, SQS with `sqs_managed_sse_enabled = false`); `Unset`
    /// when the service's own default applies (SQS-managed encryption since 2022).
    pub encrypted: Attr<bool>,
}

/// An EventBridge event bus (`aws_cloudwatch_event_bus`, `AWS::Events::EventBus`).
#[derive(Debug, Clone, PartialEq)]
pub struct EventBus {
    pub resource: String,
    pub pos: Pos,
    /// A customer managed KMS key encrypts its events (`kms_key_identifier`,
    /// `KmsKeyIdentifier`); `Set(false)` when none is named, and the key AWS owns does.
    pub customer_key: Attr<bool>,
}

/// An API Gateway stage whose execution (CloudWatch) logging can be judged: REST stages,
/// and stages of WebSocket APIs (HTTP APIs have no execution logs).
#[derive(Debug, Clone, PartialEq)]
pub struct ApiStageLogging {
    pub resource: String,
    pub pos: Pos,
    /// The logging level of every method (`ERROR`, `INFO`, or `OFF`): `Set("OFF")` when
    /// written so or when no method settings name the stage; `Unknown` when settings exist
    /// that cannot be tied to a stage.
    pub logging_level: Attr<String>,
}

/// An internet-facing API Gateway REST stage.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiStageWaf {
    pub resource: String,
    pub pos: Pos,
    /// A WAF web ACL association of the module names the stage.
    pub web_acl: Attr<bool>,
}

/// An API Gateway custom domain name (REST).
#[derive(Debug, Clone, PartialEq)]
pub struct ApiDomain {
    pub resource: String,
    pub pos: Pos,
    /// `security_policy` / `SecurityPolicy`; unwritten (`Unset`) means `TLS_1_0`, API
    /// Gateway's default for REST custom domains.
    pub security_policy: Attr<String>,
}

/// A VPC (or a Google subnetwork) and the flow logs that record its traffic.
#[derive(Debug, Clone, PartialEq)]
pub struct Vpc {
    pub resource: String,
    /// `VPC`, `subnetwork`.
    pub kind: &'static str,
    pub pos: Pos,
    /// `Set(true)` when a flow log of the same module or template names the VPC (for a
    /// subnetwork: its own `log_config`), `Set(false)` when none does; `Unknown` when a
    /// flow log names a VPC that cannot be resolved.
    pub flow_logged: Attr<bool>,
}

/// The retention policy of an Azure flow log.
#[derive(Debug, Clone, PartialEq)]
pub struct FlowLogRetention {
    pub resource: String,
    pub pos: Pos,
    /// Days the records are kept; `None` for ever (retention policy off, or zero days).
    pub days: Attr<Option<i64>>,
}

/// A load balancer that can write access logs (gateway load balancers cannot).
#[derive(Debug, Clone, PartialEq)]
pub struct LoadBalancer {
    pub resource: String,
    /// `application load balancer`, `network load balancer`, `classic load balancer`,
    /// `application gateway`, `HTTP(S) load balancer backend service`.
    pub kind: &'static str,
    pub pos: Pos,
    /// Access logs are switched on (`access_logs { enabled = true }`,
    /// `access_logs.s3.enabled`, `AccessLoggingPolicy.Enabled`; for an Application Gateway,
    /// a diagnostic setting of the module that enables its access log); off when unwritten.
    pub access_logs: Attr<bool>,
}

/// A listener of a load balancer (a `listener` block of a classic one).
#[derive(Debug, Clone, PartialEq)]
pub struct LbListener {
    pub resource: String,
    pub pos: Pos,
    /// Upper case: `HTTP`, `HTTPS`, `TLS`, `TCP`, `SSL`...
    pub protocol: Attr<String>,
    /// Every default action redirects to HTTPS.
    pub redirects_to_https: Attr<bool>,
    /// `ssl_policy` / `SslPolicy` of application and network listeners (`Unset`: the API
    /// default, `ELBSecurityPolicy-2016-08`); `None` for classic listeners, whose policies
    /// are separate resources.
    pub ssl_policy: Option<Attr<String>>,
}

/// A TLS policy that names its lowest protocol version (Azure Application Gateway SSL
/// policies, Google Cloud SSL policies).
#[derive(Debug, Clone, PartialEq)]
pub struct TlsPolicy {
    pub resource: String,
    pub pos: Pos,
    /// `1.0`, `1.1`, `1.2` or `1.3`; `Unset` when the platform default applies and cannot
    /// be told (an Application Gateway without policy name or minimum).
    pub min_version: Attr<String>,
}

/// An OpenSearch or Elasticsearch domain.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchDomain {
    pub resource: String,
    /// `OpenSearch domain`, `Elasticsearch domain`.
    pub kind: &'static str,
    pub pos: Pos,
    /// `enforce_https` / `EnforceHTTPS`: off when unwritten (the service default), on when
    /// a Terraform `domain_endpoint_options` block leaves it out (the provider default);
    /// `Unset` for a Terraform domain without the block.
    pub enforce_https: Attr<bool>,
    /// `tls_security_policy` / `TLSSecurityPolicy` as written; `Unset` means the service
    /// default, `Policy-Min-TLS-1-0-2019-07`.
    pub tls_policy: Attr<String>,
    /// Encryption at rest is on (off when unwritten).
    pub encrypted_at_rest: Attr<bool>,
    /// Node-to-node encryption is on (off when unwritten).
    pub node_to_node: Attr<bool>,
    /// The domain has more than one node (data nodes or dedicated masters), so data
    /// travels between nodes.
    pub multi_node: Attr<bool>,
}

/// How a table or cache encrypts what it stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AtRest {
    /// Not encrypted (a DAX cluster without server-side encryption).
    Unencrypted,
    /// Encrypted with a key the service owns and no account can see: no key policy, no
    /// CloudTrail record of its use (DynamoDB's default).
    ServiceOwnedKey,
    /// Encrypted under a KMS key of the account (AWS managed or customer managed), or
    /// encrypted where the service offers no other choice.
    Kms,
}

/// A DynamoDB table (also SAM `SimpleTable` and global tables) or a DAX cluster.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub resource: String,
    /// `DynamoDB table`, `DynamoDB global table`, `DAX cluster`.
    pub kind: &'static str,
    pub pos: Pos,
    pub at_rest: Attr<AtRest>,
    /// Point-in-time recovery is on (off when unwritten); `Unset` where the resource has
    /// no such setting (DAX, SAM `SimpleTable`).
    pub point_in_time_recovery: Attr<bool>,
}

/// A Cognito user pool.
#[derive(Debug, Clone, PartialEq)]
pub struct UserPool {
    pub resource: String,
    pub pos: Pos,
    /// `mfa_configuration` / `MfaConfiguration` upper-cased: `OFF` (also when unwritten,
    /// the service default), `ON` or `OPTIONAL`.
    pub mfa: Attr<String>,
    /// A second factor is configured (SMS, a software token or email); `Unknown` when a
    /// factor setting cannot be evaluated.
    pub second_factor: Attr<bool>,
    /// The password policy as Cognito applies it; `Unknown` when part of it cannot be
    /// evaluated.
    pub password_policy: Attr<PasswordPolicy>,
    /// `advanced_security_mode` / `AdvancedSecurityMode` upper-cased: `OFF` (also when
    /// unwritten), `AUDIT` or `ENFORCED`.
    pub advanced_security: Attr<String>,
}

/// A user pool's password rules.
#[derive(Debug, Clone, PartialEq)]
pub struct PasswordPolicy {
    /// The minimum length (8 when unwritten, the service default).
    pub min_length: i64,
    /// Character classes not required (`lowercase`, `uppercase`, `numbers`, `symbols`).
    pub missing_classes: Vec<&'static str>,
}

/// A Step Functions state machine (also SAM `AWS::Serverless::StateMachine`).
#[derive(Debug, Clone, PartialEq)]
pub struct StateMachine {
    pub resource: String,
    pub pos: Pos,
    /// Express workflows keep no execution history in the service: their logs are the only
    /// record of what ran.
    pub express: Attr<bool>,
    /// The logging level upper-cased (`ALL`, `ERROR`, `FATAL`, `OFF`); `Set("OFF")` when no
    /// logging configuration is written (the service default).
    pub log_level: Attr<String>,
    /// X-Ray tracing is on (off when unwritten).
    pub tracing: Attr<bool>,
}
