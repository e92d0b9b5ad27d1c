//! `palisade serve` (the admission webhook, `palisade-server`) and `palisade webhook
//! manifests` (what a cluster needs to call it): options in, the server's library out.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::{Args, Subcommand, ValueEnum};
use palisade_engine::Engine;
use palisade_server::manifests::{CertSource, FailurePolicy, ManifestOptions};
use palisade_server::{
    ClusterSource, ConfigReload, Judge, ServerError, ServerOptions, WebhookSettings,
};

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// PEM certificate (chain) the server presents; reloaded when the file changes.
    #[arg(long, value_name = "FILE")]
    pub tls_cert: PathBuf,
    /// PEM private key of that certificate.
    #[arg(long, value_name = "FILE")]
    pub tls_key: PathBuf,
    /// Configuration with the [webhook] table (default: palisade.toml in the working
    /// directory, if there is one).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Address and port to listen on (HTTPS only).
    #[arg(long, value_name = "ADDR", default_value = palisade_server::DEFAULT_LISTEN)]
    pub listen: SocketAddr,
    /// No JSON log line per decision on standard error (start and errors are still logged).
    #[arg(short, long)]
    pub quiet: bool,
    /// Also serve POST /mutate (as `mutate = true` in [webhook] does): a JSON Patch that
    /// sets securityContext.seccompProfile.type RuntimeDefault (pod level),
    /// allowPrivilegeEscalation false (each container that is not privileged and does not
    /// add SYS_ADMIN) and automountServiceAccountToken false (pods of the default service
    /// account) where the pod or pod template leaves them unset; what the user set is never
    /// changed. Without it, /mutate answers 404.
    #[arg(long)]
    pub mutate: bool,
    /// User policies judged at admission with the built-in rules (files or folders,
    /// repeatable; as `policies = [...]` in [webhook], which they replace): Gatekeeper
    /// ConstraintTemplates and constraints, ValidatingAdmissionPolicies with bindings,
    /// Kyverno CEL policies. They see the request's operation, old object and user. A
    /// policy that does not load stops the server from starting; one that cannot be
    /// evaluated on a request denies it (POL:error).
    #[arg(long, value_name = "PATH")]
    pub policy: Vec<PathBuf>,
    /// Deny requests with a finding at or above this severity (as `block_at` in
    /// [webhook]; default high). Lower findings come back as warnings. Per namespace,
    /// `[webhook.namespace_modes]` turns denials into warnings (`warn`) or audit
    /// annotations only (`audit`); `exempt_users`, `exempt_groups` and `allow_existing`
    /// (an UPDATE keeping only findings the old object had is allowed) are set there too.
    #[arg(long, value_name = "SEVERITY", value_parser = crate::cli::parse_severity)]
    pub deny_on: Option<palisade_core::Severity>,
    /// Seconds between checks of the certificate, key, configuration and policy files. A
    /// changed certificate pair is served to new connections; a changed configuration
    /// (modes, exemptions, block_at, rules, policies) judges the requests that arrive after
    /// it loads, while those in flight finish with the old one. A file that does not load
    /// keeps the previous one in service and is logged as a JSON line naming the file,
    /// line and reason (metric palisade_webhook_reloads_total{outcome="error"}).
    #[arg(long, value_name = "SECONDS", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub reload_interval: u64,
    /// Read the cluster's Namespaces (with --kubeconfig/--context, else the pod's service
    /// account; RBAC: list namespaces) at start and every --cluster-refresh seconds, so
    /// that the labels palisade.dev/enforce, palisade.dev/warn or palisade.dev/audit set to
    /// "true" on a Namespace choose its mode, as Pod Security Admission's labels do (the
    /// strictest wins; labels take precedence over [webhook.namespace_modes]). A listing
    /// that fails, or takes longer than three --timeout, keeps the labels read before
    /// (logged; metric palisade_webhook_reloads_total{source="cluster"}). Without
    /// --cluster, modes come from the configuration only.
    #[arg(long)]
    pub cluster: bool,
    /// Seconds between two listings of the Namespaces with --cluster.
    #[arg(long, value_name = "SECONDS", default_value_t = 60, requires = "cluster",
          value_parser = clap::value_parser!(u64).range(1..=86400))]
    pub cluster_refresh: u64,
    #[command(flatten)]
    pub connection: crate::cluster_cmd::Connection,
}

#[derive(Debug, Subcommand)]
pub enum WebhookCommand {
    /// Print the Namespace, ServiceAccount, Deployment, Service, PodDisruptionBudget,
    /// certificate (Secret or cert-manager resources) and ValidatingWebhookConfiguration
    /// (and with --mutating a MutatingWebhookConfiguration) that run `palisade serve` in a
    /// cluster: `... | kubectl apply -f -`.
    ///
    /// With --self-signed (the default) a new CA and serving certificate are generated and
    /// the private key is written in the Secret: treat the output as a secret. The webhook
    /// fails closed (failurePolicy Fail): while no replica answers, creating or updating
    /// the judged kinds outside kube-system and NAMESPACE is refused.
    Manifests(ManifestArgs),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum PolicyArg {
    /// Refuse requests the webhook cannot answer (fail closed).
    Fail,
    /// Admit them unjudged (fail open).
    Ignore,
}

#[derive(Debug, Args)]
pub struct ManifestArgs {
    /// Namespace the webhook runs in (exempt from its own checks).
    #[arg(long, default_value = "palisade-system")]
    pub namespace: String,
    /// Generate a CA and serving certificate now (the default).
    #[arg(long, conflicts_with = "cert_manager")]
    pub self_signed: bool,
    /// Let cert-manager issue the certificate and inject the CA bundle.
    #[arg(long)]
    pub cert_manager: bool,
    /// Container image running `palisade`.
    #[arg(long, value_name = "REF")]
    pub image: Option<String>,
    /// What the API server does when the webhook does not answer.
    #[arg(long, value_enum, default_value_t = PolicyArg::Fail)]
    pub failure_policy: PolicyArg,
    /// Seconds the API server waits for an answer (1-30).
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u8).range(1..=30))]
    pub timeout_seconds: u8,
    /// Number of webhook replicas.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..))]
    pub replicas: u32,
    /// Also write a MutatingWebhookConfiguration calling /mutate for Pods and the workloads
    /// with a pod template, and run the server with --mutate.
    #[arg(long)]
    pub mutating: bool,
    /// Run the server with --cluster (namespace modes from the palisade.dev/enforce|warn|
    /// audit labels): adds a ClusterRole and ClusterRoleBinding to list namespaces, mounts
    /// the service account's token and allows egress to the API server (ports 443, 6443)
    /// and DNS.
    #[arg(long)]
    pub cluster_view: bool,
}

/// What a configuration reload re-reads: the same sources and overrides as the start.
#[derive(Clone)]
struct JudgeSource {
    config: Option<PathBuf>,
    own_namespace: Option<String>,
    mutate: bool,
    deny_on: Option<palisade_core::Severity>,
    policy: Vec<PathBuf>,
}

impl JudgeSource {
    /// The engine and settings of the configuration and policies as they are now, with the
    /// command line's options over the file's.
    fn load(&self) -> Result<Judge, ServerError> {
        let config = palisade_engine::load_config(self.config.as_deref(), &[])?;
        let mut settings = WebhookSettings::from_config(&config, self.own_namespace.as_deref())?;
        settings.mutate |= self.mutate;
        if let Some(severity) = self.deny_on {
            settings.block_at = severity;
        }
        if !self.policy.is_empty() {
            settings.policies = Some(palisade_server::Policies::load(&self.policy)?);
            settings.policy_paths = self.policy.clone();
        }
        let engine = Engine::new(palisade_server::engine_settings(config))?;
        Ok(Judge { engine, settings })
    }
}

pub fn serve(args: ServeArgs) -> anyhow::Result<u8> {
    let source = JudgeSource {
        config: args.config.clone(),
        // The downward API's namespace of the pod: the webhook never judges its own namespace.
        own_namespace: std::env::var("POD_NAMESPACE").ok(),
        mutate: args.mutate,
        deny_on: args.deny_on,
        policy: args.policy.clone(),
    };
    let Judge { engine, settings } = source.load()?;
    let interval = Duration::from_secs(args.reload_interval);
    // The configuration file (or the palisade.toml that may appear in the working
    // directory); the server adds the policy paths in service (a policy folder's own time
    // changes when a file is added or removed in it).
    let watch = vec![args
        .config
        .clone()
        .unwrap_or_else(|| PathBuf::from(palisade_core::config::CONFIG_FILE))];
    let loader = source.clone();
    let mut options = ServerOptions::new(args.listen, args.tls_cert, args.tls_key);
    options.settings = settings.clone();
    options.log_decisions = !args.quiet;
    options.cert_reload_interval = Some(interval);
    options.config_reload = Some(ConfigReload {
        watch,
        load: Arc::new(move || loader.load()),
        interval,
    });
    if args.cluster {
        options.cluster = Some(cluster_source(&args.connection, args.cluster_refresh));
    } else if let Some(flag) = args.connection.first_given() {
        anyhow::bail!("{flag} is an option of the cluster view: add --cluster");
    }
    let running = palisade_server::start(engine, options)?;
    let started = serde_json::json!({
        "event": "listening",
        "addr": running.local_addr().to_string(),
        "block_at": settings.block_at.as_str(),
        "exempt_namespaces": settings.exempt_namespaces,
        "exempt_rules": settings.exempt_rules,
        "timeout_ms": settings.timeout.as_millis() as u64,
        "mutate": settings.mutate,
        "policies": settings.policies.as_ref().map_or(0, |p| p.0.constraints.len() + p.0.admission.len()),
    });
    eprintln!("{started}");
    running.wait().context("palisade serve")?;
    Ok(0)
}

/// How `serve --cluster` lists the Namespaces: the live-cluster client of `palisade
/// cluster`, on a thread of its own (it runs its own runtime), each request under the
/// connection's timeout and the whole listing under the refresh interval.
fn cluster_source(connection: &crate::cluster_cmd::Connection, refresh: u64) -> ClusterSource {
    let options = connection.options(&[], palisade_cluster::kinds_named(&["Namespace"]));
    let interval = Duration::from_secs(refresh);
    let list = move || -> Result<Vec<serde_json::Value>, ServerError> {
        let options = options.clone();
        let collected = std::thread::spawn(move || palisade_cluster::collect(&options))
            .join()
            .map_err(|_| ServerError::Cluster("the cluster client panicked".into()))?
            .map_err(|e| ServerError::Cluster(e.to_string()))?;
        // Partial labels would silently enforce in a namespace meant to warn: all or none.
        if let Some(problem) = collected.problems.first() {
            return Err(ServerError::Cluster(
                palisade_core::text::printable(&problem.to_string()).into_owned(),
            ));
        }
        Ok(collected
            .objects
            .iter()
            .map(palisade_core::Json::to_value)
            .collect())
    };
    ClusterSource {
        list: Arc::new(list),
        interval,
        deadline: options_deadline(connection),
    }
}

/// The longest a listing of the Namespaces may take: a few pages under the request timeout.
fn options_deadline(connection: &crate::cluster_cmd::Connection) -> Duration {
    let timeout = connection.options(&[], Vec::new()).timeout;
    timeout * 3
}

pub fn run(command: WebhookCommand) -> anyhow::Result<u8> {
    match command {
        WebhookCommand::Manifests(args) => {
            let mut options = ManifestOptions::new(&args.namespace);
            if let Some(image) = args.image {
                options.image = image;
            }
            options.certificates = if args.cert_manager {
                CertSource::CertManager
            } else {
                CertSource::SelfSigned
            };
            options.failure_policy = match args.failure_policy {
                PolicyArg::Fail => FailurePolicy::Fail,
                PolicyArg::Ignore => FailurePolicy::Ignore,
            };
            options.timeout_seconds = args.timeout_seconds;
            options.replicas = args.replicas;
            options.mutating = args.mutating;
            options.cluster_view = args.cluster_view;
            crate::emit(&palisade_server::manifests::manifests(&options)?)?;
            Ok(0)
        }
    }
}
