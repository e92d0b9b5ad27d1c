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

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use kube::api::{Api, ApiResource, DynamicObject, GroupVersionKind, ListParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};
use palisade_core::Json;

pub mod manifests;
pub mod watch;

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

/// A resource kind read from the cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kind {
    pub group: &'static str,
    pub version: &'static str,
    pub kind: &'static str,
    pub plural: &'static str,
    pub namespaced: bool,
    /// Only the metadata is requested (`PartialObjectMetadataList`): the object's data is
    /// never sent to Palisade.
    pub metadata_only: bool,
    /// A custom resource found by discovery ([`Options::custom_kinds`]), read for the pod
    /// templates it carries.
    pub custom: bool,
}

const fn kind(
    group: &'static str,
    version: &'static str,
    kind: &'static str,
    plural: &'static str,
    namespaced: bool,
) -> Kind {
    Kind {
        group,
        version,
        kind,
        plural,
        namespaced,
        metadata_only: false,
        custom: false,
    }
}

/// Every kind the built-in rules judge, in the order they are listed.
pub const KINDS: &[Kind] = &[
    kind("", "v1", "Namespace", "namespaces", false),
    kind("", "v1", "Pod", "pods", true),
    kind("apps", "v1", "Deployment", "deployments", true),
    kind("apps", "v1", "DaemonSet", "daemonsets", true),
    kind("apps", "v1", "StatefulSet", "statefulsets", true),
    kind("apps", "v1", "ReplicaSet", "replicasets", true),
    kind(
        "",
        "v1",
        "ReplicationController",
        "replicationcontrollers",
        true,
    ),
    kind("batch", "v1", "Job", "jobs", true),
    kind("batch", "v1", "CronJob", "cronjobs", true),
    kind("", "v1", "Service", "services", true),
    kind("", "v1", "ServiceAccount", "serviceaccounts", true),
    kind("", "v1", "ConfigMap", "configmaps", true),
    Kind {
        metadata_only: true,
        ..kind("", "v1", "Secret", "secrets", true)
    },
    kind(
        "networking.k8s.io",
        "v1",
        "NetworkPolicy",
        "networkpolicies",
        true,
    ),
    kind("networking.k8s.io", "v1", "Ingress", "ingresses", true),
    kind("rbac.authorization.k8s.io", "v1", "Role", "roles", true),
    kind(
        "rbac.authorization.k8s.io",
        "v1",
        "RoleBinding",
        "rolebindings",
        true,
    ),
    kind(
        "rbac.authorization.k8s.io",
        "v1",
        "ClusterRole",
        "clusterroles",
        false,
    ),
    kind(
        "rbac.authorization.k8s.io",
        "v1",
        "ClusterRoleBinding",
        "clusterrolebindings",
        false,
    ),
    kind("node.k8s.io", "v1", "RuntimeClass", "runtimeclasses", false),
    kind(
        "admissionregistration.k8s.io",
        "v1",
        "ValidatingWebhookConfiguration",
        "validatingwebhookconfigurations",
        false,
    ),
    kind(
        "admissionregistration.k8s.io",
        "v1",
        "MutatingWebhookConfiguration",
        "mutatingwebhookconfigurations",
        false,
    ),
];

/// The kinds of [`KINDS`] named in `names` (`Role`, `Pod`), in the order of [`KINDS`].
pub fn kinds_named(names: &[&str]) -> Vec<Kind> {
    KINDS
        .iter()
        .filter(|k| names.contains(&k.kind))
        .copied()
        .collect()
}

impl Kind {
    /// The `apiVersion` of its objects: `v1`, `apps/v1`.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// The client of this kind's objects, in `namespace` or in every namespace.
    fn api_in(&self, client: Client, namespace: Option<&str>) -> Api<DynamicObject> {
        let gvk = GroupVersionKind::gvk(self.group, self.version, self.kind);
        let resource = ApiResource::from_gvk_with_plural(&gvk, self.plural);
        match namespace {
            Some(ns) => Api::namespaced_with(client, ns, &resource),
            None => Api::all_with(client, &resource),
        }
    }

    /// `core/v1`, `rbac.authorization.k8s.io/v1`: the API group and version, as RBAC
    /// documentation names them.
    pub fn api(&self) -> String {
        let group = if self.group.is_empty() {
            "core"
        } else {
            self.group
        };
        format!("{group}/{}", self.version)
    }

    /// `deployments.apps`, `pods`: the resource as `kubectl` and RBAC name it.
    pub fn resource(&self) -> String {
        if self.group.is_empty() {
            self.plural.to_string()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }
}

/// Why the cluster could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    #[error("kubeconfig {path}: {source}")]
    Kubeconfig {
        path: String,
        #[source]
        source: kube::config::KubeconfigError,
    },
    #[error("no cluster configuration: {0} (give --kubeconfig, set KUBECONFIG, or run inside a pod with a service account)")]
    Infer(#[source] kube::config::InferConfigError),
    #[error("cannot build the API client: {0}")]
    Client(#[source] kube::Error),
    #[error("cannot start the client runtime: {0}")]
    Runtime(#[source] std::io::Error),
    /// No list got an answer from the API server at all (connection refused, TLS
    /// failure, no answer in time): there is nothing to report on.
    #[error("cannot reach the API server {server}: no list was answered ({reason})")]
    Unreachable { server: String, reason: String },
}

/// A list that could not be read, or not completely.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListProblem {
    /// The kind whose list failed.
    pub listed: Kind,
    /// The namespace listed, or `None` for a cluster-wide list.
    pub namespace: Option<String>,
    pub kind: ProblemKind,
    /// What the API server (or the transport) said.
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// 401: the API server did not accept the credentials at all.
    Unauthorized,
    /// 403: the credentials are valid but may not list this resource.
    Forbidden,
    /// 404: the API server does not serve this resource (an older or trimmed cluster).
    NotServed,
    /// No answer within the deadline.
    Timeout,
    /// No HTTP answer at all: connection refused, a TLS failure, a broken transport.
    Unreachable,
    /// Anything else: 5xx after retries, undecodable responses, a continue token that
    /// kept expiring.
    Failed,
}

impl ListProblem {
    /// `pods`, `deployments.apps`.
    pub fn resource(&self) -> String {
        self.listed.resource()
    }

    /// ` in namespace NS`, ` in all namespaces`, or nothing for a cluster-scoped kind.
    fn scope(&self) -> String {
        match &self.namespace {
            Some(ns) => format!(" in namespace {ns}"),
            None if self.listed.namespaced => " in all namespaces".to_string(),
            None => String::new(),
        }
    }
}

impl std::fmt::Display for ListProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let resource = self.resource();
        let scope = self.scope();
        if self.kind == ProblemKind::Forbidden {
            // The permission to ask for, in the words of a Role's rule.
            return write!(
                f,
                "list {} ({}){scope} forbidden: Palisade needs list on {resource} ({})",
                self.listed.plural,
                self.listed.api(),
                self.message
            );
        }
        let what = match self.kind {
            ProblemKind::Unauthorized => "the credentials were not accepted",
            ProblemKind::Forbidden => "forbidden",
            ProblemKind::NotServed => "not served by this cluster",
            ProblemKind::Timeout => "no answer in time",
            ProblemKind::Unreachable => "the server did not answer",
            ProblemKind::Failed => "failed",
        };
        write!(f, "cannot list {resource}{scope}: {what}: {}", self.message)
    }
}

/// What was read.
#[derive(Debug, Default)]
pub struct Collected {
    /// The API server, as the kubeconfig names it.
    pub server: String,
    /// Objects as the API returns them, without `managedFields` and the
    /// `last-applied-configuration` annotation, with `apiVersion` and `kind` set; in the
    /// compact form, each page's `serde_json::Value`s dropped once it is converted.
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
    let (collected, _) = list_all(client, server, options).await?;
    Ok(collected)
}

/// One list that was read completely: where a watch of it carries on.
#[derive(Debug, Clone)]
struct Listed {
    kind: Kind,
    namespace: Option<String>,
    resource_version: String,
}

/// Lists every kind of `options`, a few at a time; also says, of each list read
/// completely, the `resourceVersion` it was read at.
async fn list_all(
    client: Client,
    server: String,
    options: &Options,
) -> Result<(Collected, Vec<Listed>), ClusterError> {
    let mut kinds = options.kinds.clone();
    let mut discovery_failed = None;
    if !options.custom_kinds.is_empty() {
        match discover(&client, &options.custom_kinds, options.timeout).await {
            Ok(found) => {
                for kind in found {
                    if !kinds.iter().any(|k| k.resource() == kind.resource()) {
                        kinds.push(kind);
                    }
                }
            }
            Err(reason) => discovery_failed = Some(reason),
        }
    }
    let semaphore = Arc::new(tokio::sync::Semaphore::new(options.concurrency.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    let mut order = 0usize;
    for kind in &kinds {
        let scopes: Vec<Option<String>> = if kind.namespaced && !options.namespaces.is_empty() {
            options.namespaces.iter().cloned().map(Some).collect()
        } else {
            vec![None]
        };
        for namespace in scopes {
            let client = client.clone();
            let semaphore = semaphore.clone();
            let lister = Lister {
                kind: *kind,
                namespace,
                page_size: options.page_size.max(1),
                timeout: options.timeout,
            };
            let slot = order;
            order += 1;
            tasks.spawn(async move {
                let _permit = semaphore.acquire_owned().await;
                let outcome = lister.run(client).await;
                (slot, lister, outcome)
            });
        }
    }
    let mut results = Vec::with_capacity(order);
    while let Some(joined) = tasks.join_next().await {
        if let Ok(result) = joined {
            results.push(result);
        }
    }
    // The order of KINDS, whatever order the lists finished in: reports are stable.
    results.sort_by_key(|(slot, _, _)| *slot);
    let mut collected = Collected {
        server,
        discovery_failed,
        ..Collected::default()
    };
    let mut listed = Vec::new();
    for (_, lister, outcome) in results {
        collected.requests += outcome.requests;
        collected.objects.extend(outcome.objects);
        match (outcome.problem, outcome.resource_version) {
            (Some(problem), _) => collected.problems.push(problem),
            (None, version) => listed.push(Listed {
                kind: lister.kind,
                namespace: lister.namespace,
                // Without a version the watch starts with the server's current objects,
                // replayed as ADDED: they change nothing already read.
                resource_version: version.unwrap_or_default(),
            }),
        }
    }
    let unanswered =
        |p: &ListProblem| matches!(p.kind, ProblemKind::Unreachable | ProblemKind::Timeout);
    if collected.objects.is_empty() && collected.problems.iter().all(unanswered) {
        if let Some(first) = collected.problems.first() {
            return Err(ClusterError::Unreachable {
                server: collected.server,
                reason: first.message.clone(),
            });
        }
    }
    Ok((collected, listed))
}

/// The custom resources of `wanted` (API group, kind) the cluster serves and lets be
/// listed, at each group's preferred version, in the order of `wanted`. Only the groups
/// named are asked about; the whole discovery runs under `timeout` per request.
async fn discover(
    client: &Client,
    wanted: &[(String, String)],
    timeout: Duration,
) -> Result<Vec<Kind>, String> {
    let mut groups: Vec<&str> = wanted
        .iter()
        .map(|(group, _)| group.as_str())
        .filter(|group| !group.is_empty())
        .collect();
    groups.sort_unstable();
    groups.dedup();
    if groups.is_empty() {
        return Ok(Vec::new());
    }
    // `/apis`, then one request per version of each group named.
    let deadline = timeout * (2 + 2 * groups.len() as u32);
    let discovery = kube::Discovery::new(client.clone()).filter(&groups).run();
    let discovery = match tokio::time::timeout(deadline, discovery).await {
        Err(_) => return Err(format!("no answer within {} s", deadline.as_secs_f32())),
        Ok(Err(error)) => return Err(chain(&error)),
        Ok(Ok(discovery)) => discovery,
    };
    let mut found = Vec::new();
    for (group, kind) in wanted {
        let Some(served) = discovery.get(group) else {
            continue;
        };
        let Some((resource, capabilities)) = served.recommended_kind(kind) else {
            continue;
        };
        if !capabilities.supports_operation(kube::discovery::verbs::LIST) {
            continue;
        }
        found.push(Kind {
            group: static_name(&resource.group),
            version: static_name(&resource.version),
            kind: static_name(&resource.kind),
            plural: static_name(&resource.plural),
            namespaced: capabilities.scope == kube::discovery::Scope::Namespaced,
            metadata_only: false,
            custom: true,
        });
    }
    Ok(found)
}

/// A name discovery found, kept for the life of the process like the names of [`KINDS`]
/// (each distinct name once: only the kinds asked for are kept, so they are few).
fn static_name(name: &str) -> &'static str {
    static NAMES: std::sync::Mutex<std::collections::BTreeSet<&'static str>> =
        std::sync::Mutex::new(std::collections::BTreeSet::new());
    let mut names = NAMES
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(known) = names.get(name) {
        return known;
    }
    let kept: &'static str = Box::leak(name.to_string().into_boxed_str());
    names.insert(kept);
    kept
}

/// A page of a list: its objects, the continue token, the list's `resourceVersion`.
type Page = (Vec<Json>, Option<String>, Option<String>);

struct Lister {
    kind: Kind,
    namespace: Option<String>,
    page_size: u32,
    timeout: Duration,
}

#[derive(Default)]
struct ListOutcome {
    objects: Vec<Json>,
    problem: Option<ListProblem>,
    requests: usize,
    /// The list's `resourceVersion`, from which a watch carries on.
    resource_version: Option<String>,
}

/// How many times a list whose continue token expired (410 Gone) starts over.
const RESTARTS: usize = 3;

impl Lister {
    async fn run(&self, client: Client) -> ListOutcome {
        let url = self
            .kind
            .api_in(client.clone(), self.namespace.as_deref())
            .resource_url()
            .to_string();
        let mut outcome = ListOutcome::default();
        let mut restarts = 0;
        let mut token: Option<String> = None;
        loop {
            let mut params = ListParams::default().limit(self.page_size);
            if let Some(token) = &token {
                params = params.continue_token(token);
            }
            outcome.requests += 1;
            let page = tokio::time::timeout(self.timeout, self.page(&client, &url, &params)).await;
            let page = match page {
                Err(_) => Err(self.problem(
                    ProblemKind::Timeout,
                    format!("no response within {} s", self.timeout.as_secs_f32()),
                )),
                Ok(Ok(page)) => Ok(page),
                Ok(Err(kube::Error::Api(status))) if status.code == 410 && token.is_some() => {
                    // The continue token expired: a consistent list must start over.
                    restarts += 1;
                    if restarts > RESTARTS {
                        Err(self.problem(
                            ProblemKind::Failed,
                            format!(
                                "the continue token expired {restarts} times (410 Gone: {})",
                                status.message
                            ),
                        ))
                    } else {
                        outcome.objects.clear();
                        outcome.resource_version = None;
                        token = None;
                        continue;
                    }
                }
                Ok(Err(error)) => Err(self.classify(error)),
            };
            match page {
                Ok((objects, next, version)) => {
                    outcome.objects.extend(objects);
                    if outcome.resource_version.is_none() {
                        outcome.resource_version = version;
                    }
                    match next {
                        Some(next) if !next.is_empty() => token = Some(next),
                        _ => return outcome,
                    }
                }
                Err(problem) => {
                    // A list that broke off is not half-reported: its objects are dropped and
                    // the problem says what was not seen.
                    outcome.objects.clear();
                    outcome.problem = Some(problem);
                    return outcome;
                }
            }
        }
    }

    /// One page, its items read straight into the compact form (no `serde_json::Value`
    /// of the page), with their type fields set and what [`tidy_json`] drops dropped.
    async fn page(
        &self,
        client: &Client,
        url: &str,
        params: &ListParams,
    ) -> Result<Page, kube::Error> {
        let request = kube::core::Request::new(url);
        let request = if self.kind.metadata_only {
            request.list_metadata(params)
        } else {
            request.list(params)
        }
        .map_err(kube::Error::BuildRequest)?;
        let mut list: Json = client.request(request).await?;
        let text = |list: &Json, pointer: &str| {
            list.pointer(pointer)
                .and_then(Json::as_str)
                .map(str::to_string)
        };
        let next = text(&list, "/metadata/continue");
        let version = text(&list, "/metadata/resourceVersion");
        let items = match &mut list {
            Json::Object(map) => map.remove("items"),
            _ => None,
        };
        let items = match items {
            Some(Json::Array(items)) => items.into_vec(),
            _ => Vec::new(),
        };
        let objects = items
            .into_iter()
            .map(|item| compact_object(&self.kind, item))
            .collect();
        Ok((objects, next, version))
    }

    fn problem(&self, kind: ProblemKind, message: String) -> ListProblem {
        ListProblem {
            listed: self.kind,
            namespace: self.namespace.clone(),
            kind,
            message,
        }
    }

    fn classify(&self, error: kube::Error) -> ListProblem {
        match error {
            kube::Error::Api(status) => {
                let kind = match status.code {
                    401 => ProblemKind::Unauthorized,
                    403 => ProblemKind::Forbidden,
                    404 => ProblemKind::NotServed,
                    504 => ProblemKind::Timeout,
                    _ => ProblemKind::Failed,
                };
                let message = if status.message.is_empty() {
                    format!("HTTP {}", status.code)
                } else {
                    format!("HTTP {}: {}", status.code, status.message)
                };
                self.problem(kind, message)
            }
            other => {
                let message = chain(&other);
                let kind = if message.contains("timed out") || message.contains("deadline") {
                    ProblemKind::Timeout
                } else if matches!(other, kube::Error::Service(_) | kube::Error::HyperError(_)) {
                    ProblemKind::Unreachable
                } else {
                    ProblemKind::Failed
                };
                self.problem(kind, message)
            }
        }
    }
}

/// An error with its causes, `a: b: c`.
fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// An item of a list or the object of a watch event as the rest of Palisade sees it: with
/// its type fields (items of a list carry none), without what [`tidy_json`] drops, and of
/// a kind read as metadata only (a Secret), nothing but its metadata.
fn compact_object(kind: &Kind, item: Json) -> Json {
    let mut entries: Vec<(Arc<str>, Json)> = match item {
        Json::Object(map) if kind.metadata_only => map
            .into_entries()
            .into_iter()
            .filter(|(key, _)| key.as_ref() == "metadata")
            .collect(),
        Json::Object(map) => map.into_entries(),
        _ => Vec::new(),
    };
    entries.retain(|(key, _)| !matches!(key.as_ref(), "apiVersion" | "kind"));
    entries.push(("apiVersion".into(), Json::String(kind.api_version().into())));
    entries.push(("kind".into(), Json::String(kind.kind.into())));
    let mut object = Json::Object(palisade_core::json::JsonMap::from_entries(entries));
    tidy_json(&mut object);
    object
}

/// Drops what only bloats an object and may hold what it should not: `managedFields`,
/// and the `last-applied-configuration` annotation (a Secret's would hold its data).
fn tidy_json(object: &mut Json) {
    let Some(Json::Object(metadata)) = object.get_mut("metadata") else {
        return;
    };
    metadata.remove("managedFields");
    let mut emptied = false;
    if let Some(Json::Object(annotations)) = metadata.get_mut("annotations") {
        annotations.remove("kubectl.kubernetes.io/last-applied-configuration");
        emptied = annotations.is_empty();
    }
    if emptied {
        metadata.remove("annotations");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tidy_json_drops_managed_fields_and_last_applied_configuration() {
        let value = serde_json::json!({
            "kind": "Secret",
            "metadata": {
                "name": "db",
                "managedFields": [{"manager": "kubectl"}],
                "annotations": {
                    "kubectl.kubernetes.io/last-applied-configuration": "{}",
                    "team": "payments"
                }
            }
        });
        let mut json = Json::from(&value);
        tidy_json(&mut json);
        assert_eq!(
            json.to_value(),
            serde_json::json!({"kind": "Secret", "metadata": {"name": "db", "annotations": {"team": "payments"}}})
        );
        let mut bare = Json::from(serde_json::json!({"metadata": {"annotations": {
            "kubectl.kubernetes.io/last-applied-configuration": "{}"}}}));
        tidy_json(&mut bare);
        assert_eq!(bare.to_value(), serde_json::json!({"metadata": {}}));
    }

    #[test]
    fn every_kind_has_a_distinct_resource_name() {
        let mut names: Vec<String> = KINDS.iter().map(Kind::resource).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), KINDS.len());
        assert!(KINDS
            .iter()
            .filter(|k| k.metadata_only)
            .all(|k| k.kind == "Secret"));
    }

    #[test]
    fn problems_read_like_sentences() {
        let secrets = kinds_named(&["Secret"])[0];
        let forbidden = ListProblem {
            listed: secrets,
            namespace: Some("payments".into()),
            kind: ProblemKind::Forbidden,
            message: "HTTP 403: secrets is forbidden".into(),
        };
        assert_eq!(
            forbidden.to_string(),
            "list secrets (core/v1) in namespace payments forbidden: Palisade needs list on secrets (HTTP 403: secrets is forbidden)"
        );
        let timeout = ListProblem {
            listed: kinds_named(&["ClusterRole"])[0],
            namespace: None,
            kind: ProblemKind::Timeout,
            message: "no response within 2 s".into(),
        };
        assert_eq!(
            timeout.to_string(),
            "cannot list clusterroles.rbac.authorization.k8s.io: no answer in time: no response within 2 s"
        );
    }

    #[test]
    fn kinds_are_selected_by_name_in_listing_order() {
        let names: Vec<&str> = kinds_named(&["ClusterRole", "Role", "Nonesuch"])
            .iter()
            .map(|k| k.kind)
            .collect();
        assert_eq!(names, ["Role", "ClusterRole"]);
    }
}
