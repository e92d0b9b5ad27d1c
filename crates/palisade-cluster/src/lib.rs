//! The objects of a running Kubernetes cluster, read through its API with kube-rs, for the
//! scan engine.
//!
//! [`collect`] lists every resource kind the built-in rules judge (workloads and their pods,
//! namespaces, service accounts, RBAC, NetworkPolicies, Services, Ingresses, ConfigMaps,
//! RuntimeClasses, admission webhook configurations, and the metadata of Secrets, never
//! their data), or only the kinds a question needs ([`Options::kinds`]), plus the custom
//! resources that carry pod templates ([`Options::custom_kinds`]) that discovery finds the
//! cluster serving, page by page (`limit` + `continue`, restarting a list whose continue
//! token expired), a few lists at a time, each request under a deadline. What could not be read
//! is reported per resource (forbidden, not served, timed out), and the rest is returned;
//! a server that answered no list at all is one error.
//!
//! The kinds read are in `kinds`, the listing (pages, restarts, deadlines) in `list`,
//! discovery of custom resources in `discovery`, and what could not be read in `error`.

use std::path::PathBuf;
use std::time::Duration;

use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};
use palisade_core::Json;

pub mod manifests;
pub mod reports;
pub mod watch;

mod discovery;
mod error;
mod kinds;
mod list;

pub use error::{ClusterError, ListProblem, ProblemKind};
pub use kinds::{kinds_named, Kind, KINDS};
pub use list::Listing;

use error::chain;
use list::{compact_object, list_all, Lister, Pages};

/// Where the cluster is and how to read it.
#[derive(Debug, Clone)]
pub struct Options {
    /// A kubeconfig file; `None` reads `KUBECONFIG` or `~/.kube/config`, and falls back
    /// to the in-cluster service account when neither exists.
    pub kubeconfig: Option<PathBuf>,
    /// The kubeconfig context; `None` is the current context.
    pub context: Option<String>,
    /// Only these namespaces (namespaced resources are then listed per namespace, which
    /// needs only namespace-scoped permissions); empty is every namespace.
    pub namespaces: Vec<String>,
    /// Objects per page of a list.
    pub page_size: u32,
    /// Deadline of each request (connect, send, and the whole response).
    pub timeout: Duration,
    /// Lists in flight at once.
    pub concurrency: usize,
    /// The kinds to list (a question that needs only RBAC lists only RBAC); [`KINDS`] by
    /// default.
    pub kinds: Vec<Kind>,
    /// Custom resources to list too, as (API group, kind), when the cluster serves them:
    /// discovery (`/apis`, then `/apis/GROUP/VERSION` of these groups only) finds their
    /// plural, preferred version and scope. Empty (the default) makes no discovery request.
    pub custom_kinds: Vec<(String, String)>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            kubeconfig: None,
            context: None,
            namespaces: Vec::new(),
            page_size: 500,
            timeout: Duration::from_secs(30),
            concurrency: 4,
            kinds: KINDS.to_vec(),
            custom_kinds: Vec::new(),
        }
    }
}

/// What was read.
#[derive(Debug, Default)]
pub struct Collected {
    /// The API server, as the kubeconfig names it.
    pub server: String,
    /// Objects as the API returns them, without `managedFields` and the
    /// `last-applied-configuration` annotation, with `apiVersion` and `kind` set; in the
    /// compact form, each page's `serde_json::Value`s dropped once it is converted. Empty
    /// when the objects were handed over page by page ([`Listing`]).
    pub objects: Vec<Json>,
    pub problems: Vec<ListProblem>,
    /// List requests made (pages), for the curious and the benchmark.
    pub requests: usize,
    /// Why the custom resources of [`Options::custom_kinds`] could not be discovered, when
    /// they could not: they were not read.
    pub discovery_failed: Option<String>,
}

/// Lists the cluster's objects. Blocking: runs its own small runtime.
pub fn collect(options: &Options) -> Result<Collected, ClusterError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(ClusterError::Runtime)?;
    runtime.block_on(collect_async(options))
}

async fn client_config(options: &Options) -> Result<Config, ClusterError> {
    let kube_options = KubeConfigOptions {
        context: options.context.clone(),
        ..KubeConfigOptions::default()
    };
    let mut config =
        match &options.kubeconfig {
            Some(path) => {
                let kubeconfig =
                    Kubeconfig::read_from(path).map_err(|source| ClusterError::Kubeconfig {
                        path: path.display().to_string(),
                        source,
                    })?;
                Config::from_custom_kubeconfig(kubeconfig, &kube_options)
                    .await
                    .map_err(|source| ClusterError::Kubeconfig {
                        path: path.display().to_string(),
                        source,
                    })?
            }
            None if options.context.is_some() => Config::from_kubeconfig(&kube_options)
                .await
                .map_err(|source| ClusterError::Kubeconfig {
                    path: std::env::var("KUBECONFIG").unwrap_or_else(|_| "~/.kube/config".into()),
                    source,
                })?,
            None => Config::infer().await.map_err(ClusterError::Infer)?,
        };
    config.connect_timeout = Some(options.timeout);
    config.read_timeout = Some(options.timeout);
    config.write_timeout = Some(options.timeout);
    config.reset_reader_on_write = true;
    Ok(config)
}

async fn collect_async(options: &Options) -> Result<Collected, ClusterError> {
    let config = client_config(options).await?;
    let server = config.cluster_url.to_string();
    let client = Client::try_from(config).map_err(ClusterError::Client)?;
    let (collected, _) = list_all(client, server, options, Pages::Kept).await?;
    Ok(collected)
}
