//! A Kubernetes API server for tests: the documented semantics the live scan and watch
//! mode rely on, over HTTPS (no kube-apiserver runs on test machines):
//! bearer-token authentication (401), per-resource authorization (403 Status), paginated
//! lists (`limit`, `continue`, `metadata.continue`), an expired continue token (410 Gone,
//! reason `Expired`), metadata-only lists and watches
//! (`Accept: ...;as=PartialObjectMetadataList`), 404 for resources it does not serve, a
//! resource that never answers; watches (`watch=1|true`: newline-delimited WatchEvents
//! after the requested `resourceVersion`, BOOKMARK events with `allowWatchBookmarks=true`,
//! an ERROR event with a 410 Status for a version older than the history kept, the stream
//! ended after `timeoutSeconds`); server-side apply (PATCH with
//! `application/apply-patch+yaml` and a required `fieldManager`: create or replace) and
//! DELETE of single objects; discovery (`/api`, `/apis` and `/apis/GROUP/VERSION`: the
//! `APIVersions`, `APIGroupList` and `APIResourceList` documents) of the built-in groups
//! and of the custom resources it is given ([`CustomResource`]). The test changes objects
//! while it runs ([`ApiServer::put`], [`ApiServer::remove`]), each change getting the next
//! `resourceVersion`.

use std::collections::{BTreeMap, BTreeSet};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::Path;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full};
use hyper::body::Frame;
use hyper::{Request, Response};
use rustls_pki_types::pem::PemObject;
use serde_json::{json, Value};

/// How the server behaves; objects are `(plural, object)`.
#[derive(Clone)]
pub struct Behaviour {
    pub token: String,
    pub objects: Vec<(String, Value)>,
    /// Plurals answered with 403.
    pub forbidden: BTreeSet<String>,
    /// Plurals whose first continued page is answered with 410 Gone.
    pub expire_once: BTreeSet<String>,
    /// Plurals whose first server-side apply is answered with this status (409 Conflict,
    /// 500...) without applying anything; the later ones are applied.
    pub refuse_apply_once: BTreeMap<String, u16>,
    /// Plurals that never answer.
    pub hang: BTreeSet<String>,
    /// Plurals that may be listed but whose watches are answered with 403.
    pub unwatchable: BTreeSet<String>,
    /// Plurals served (others are 404); empty serves every plural that has objects or is
    /// listed in the sets above, and `served_extra`.
    pub served_extra: BTreeSet<String>,
    /// How often a watch with `allowWatchBookmarks=true` gets a BOOKMARK.
    pub bookmark_every: Duration,
    /// Ends every watch after at most this long, whatever `timeoutSeconds` asked (the API
    /// server may end a watch early; clients carry on from the last version).
    pub watch_cap: Option<Duration>,
    /// Custom resources served and listed in discovery, as their CustomResourceDefinitions
    /// would make them; their objects are `(plural, object)` like the others.
    pub custom_resources: Vec<CustomResource>,
    /// `/apis` and its group documents are answered with 403, as for a token that may not
    /// read discovery (the core `/api` still answers).
    pub discovery_forbidden: bool,
}

/// A custom resource the server serves. Objects are stored by plural, so its plural must
/// differ from the built-in ones (`workflows`, not `services`).
#[derive(Debug, Clone)]
pub struct CustomResource {
    pub group: String,
    pub version: String,
    pub kind: String,
    pub plural: String,
    pub namespaced: bool,
}

impl Default for Behaviour {
    fn default() -> Self {
        Behaviour {
            token: String::new(),
            objects: Vec::new(),
            forbidden: BTreeSet::new(),
            expire_once: BTreeSet::new(),
            refuse_apply_once: BTreeMap::new(),
            hang: BTreeSet::new(),
            unwatchable: BTreeSet::new(),
            served_extra: BTreeSet::new(),
            bookmark_every: Duration::from_secs(1),
            watch_cap: None,
            custom_resources: Vec::new(),
            discovery_forbidden: false,
        }
    }
}

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub query: BTreeMap<String, String>,
    pub metadata_only: bool,
    pub content_type: Option<String>,
}

/// A running server; it stops when dropped (its runtime goes with it).
pub struct ApiServer {
    pub addr: SocketAddr,
    pub ca_pem: String,
    pub seen: Arc<Mutex<Vec<Seen>>>,
    state: Arc<State>,
    _runtime: tokio::runtime::Runtime,
}

/// One change, as a watch replays it.
struct Event {
    version: u64,
    plural: String,
    kind: &'static str,
    object: Value,
}

/// The objects and their history.
struct Store {
    objects: Vec<(String, Value)>,
    version: u64,
    events: Vec<Event>,
    /// Versions below this are no longer in the history: a watch from one is 410 Gone.
    oldest: u64,
    uids: u64,
}

struct State {
    behaviour: Behaviour,
    /// Plurals of `behaviour.forbidden` allowed since the start ([`ApiServer::grant`]).
    granted: Mutex<BTreeSet<String>>,
    seen: Arc<Mutex<Vec<Seen>>>,
    expired: Mutex<BTreeSet<String>>,
    /// Plurals of `behaviour.refuse_apply_once` whose apply was refused already.
    refused_apply: Mutex<BTreeSet<String>>,
    store: Mutex<Store>,
    /// The latest version, for watches waiting on the next change.
    latest: tokio::sync::watch::Sender<u64>,
}

fn name_of(object: &Value) -> (Option<&str>, &str) {
    (
        object["metadata"]["namespace"].as_str(),
        object["metadata"]["name"].as_str().unwrap_or(""),
    )
}

impl Store {
    /// Creates or replaces the object of `plural` with the name and namespace of `object`;
    /// the stored object (with its new version) and whether it was created.
    fn put(&mut self, plural: &str, mut object: Value) -> (Value, bool) {
        self.version += 1;
        let version = self.version;
        let (ns, name) = name_of(&object);
        let (ns, name) = (ns.map(str::to_string), name.to_string());
        let at = self
            .objects
            .iter()
            .position(|(p, o)| p == plural && name_of(o) == (ns.as_deref(), name.as_str()));
        let metadata = &mut object["metadata"];
        metadata["resourceVersion"] = json!(version.to_string());
        if let Some(at) = at {
            let old = &self.objects[at].1["metadata"];
            for kept in ["uid", "creationTimestamp"] {
                if !old[kept].is_null() {
                    metadata[kept] = old[kept].clone();
                }
            }
        }
        if metadata["uid"].is_null() {
            self.uids += 1;
            metadata["uid"] = json!(format!("uid-{}", self.uids));
        }
        let kind = if at.is_some() { "MODIFIED" } else { "ADDED" };
        self.events.push(Event {
            version,
            plural: plural.to_string(),
            kind,
            object: object.clone(),
        });
        match at {
            Some(at) => self.objects[at].1 = object.clone(),
            None => self.objects.push((plural.to_string(), object.clone())),
        }
        (object, at.is_none())
    }

    fn remove(&mut self, plural: &str, namespace: Option<&str>, name: &str) -> Option<Value> {
        let at = self
            .objects
            .iter()
            .position(|(p, o)| p == plural && name_of(o) == (namespace, name))?;
        let (_, mut object) = self.objects.remove(at);
        self.version += 1;
        object["metadata"]["resourceVersion"] = json!(self.version.to_string());
        self.events.push(Event {
            version: self.version,
            plural: plural.to_string(),
            kind: "DELETED",
            object: object.clone(),
        });
        Some(object)
    }
}

impl ApiServer {
    /// Starts the server on a free port of 127.0.0.1 with a fresh self-signed CA.
    pub fn start(behaviour: Behaviour) -> ApiServer {
        let certs = palisade_server::manifests::self_signed(&["127.0.0.1".to_string()])
            .expect("test certificate");
        let chain = rustls_pki_types::CertificateDer::pem_slice_iter(certs.cert_pem.as_bytes())
            .collect::<Result<Vec<_>, _>>()
            .unwrap();
        let key =
            rustls_pki_types::PrivateKeyDer::from_pem_slice(certs.key_pem.as_bytes()).unwrap();
        let tls = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(tls));
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let addr = listener.local_addr().unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let mut store = Store {
            objects: Vec::new(),
            version: 999,
            events: Vec::new(),
            oldest: 0,
            uids: 0,
        };
        // The starting objects are the state, not a history a watch could replay (and
        // are taken as given, without a search for duplicates, so large clusters start fast).
        for (plural, object) in &behaviour.objects {
            let mut object = object.clone();
            store.version += 1;
            object["metadata"]["resourceVersion"] = json!(store.version.to_string());
            if object["metadata"]["uid"].is_null() {
                store.uids += 1;
                object["metadata"]["uid"] = json!(format!("uid-{}", store.uids));
            }
            store.objects.push((plural.clone(), object));
        }
        store.oldest = store.version;
        let (latest, _) = tokio::sync::watch::channel(store.version);
        let state = Arc::new(State {
            behaviour,
            granted: Mutex::new(BTreeSet::new()),
            seen: seen.clone(),
            expired: Mutex::new(BTreeSet::new()),
            refused_apply: Mutex::new(BTreeSet::new()),
            store: Mutex::new(store),
            latest,
        });
        let serving = state.clone();
        runtime.spawn(async move {
            loop {
                let Ok((tcp, _)) = listener.accept().await else {
                    continue;
                };
                let acceptor = acceptor.clone();
                let state = serving.clone();
                tokio::spawn(async move {
                    let Ok(stream) = acceptor.accept(tcp).await else {
                        return;
                    };
                    let service = hyper::service::service_fn(move |request| {
                        let state = state.clone();
                        async move { Ok::<_, Infallible>(respond(state, request).await) }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        ApiServer {
            addr,
            ca_pem: certs.ca_pem,
            seen,
            state,
            _runtime: runtime,
        }
    }

    /// Creates or replaces an object of `plural` (by namespace and name), as a client's
    /// create or update would: it gets the next `resourceVersion`, and watches see ADDED
    /// or MODIFIED.
    pub fn put(&self, plural: &str, object: Value) {
        let version = {
            let mut store = self.state.store.lock().unwrap();
            store.put(plural, object);
            store.version
        };
        self.state.latest.send_replace(version);
    }

    /// Lets the credentials list and watch `plural` from now on, as a Role granted while a
    /// client runs would (it was in [`Behaviour::forbidden`]).
    pub fn grant(&self, plural: &str) {
        self.state
            .granted
            .lock()
            .unwrap()
            .insert(plural.to_string());
    }

    /// Deletes an object; watches see DELETED. Whether it existed.
    pub fn remove(&self, plural: &str, namespace: Option<&str>, name: &str) -> bool {
        let (removed, version) = {
            let mut store = self.state.store.lock().unwrap();
            let removed = store.remove(plural, namespace, name).is_some();
            (removed, store.version)
        };
        self.state.latest.send_replace(version);
        removed
    }

    /// The object of `plural` with that namespace and name, as stored now.
    pub fn get(&self, plural: &str, namespace: Option<&str>, name: &str) -> Option<Value> {
        let store = self.state.store.lock().unwrap();
        store
            .objects
            .iter()
            .find(|(p, o)| p == plural && name_of(o) == (namespace, name))
            .map(|(_, o)| o.clone())
    }

    /// Forgets the history: a watch that resumes from any version seen so far is answered
    /// 410 Gone, as after the API server's compaction.
    pub fn compact(&self) {
        let mut store = self.state.store.lock().unwrap();
        store.events.clear();
        store.oldest = store.version;
    }

    /// Writes a kubeconfig for this server, authenticating with `token`.
    pub fn kubeconfig(&self, dir: &Path, token: &str) -> std::path::PathBuf {
        let ca = dir.join("ca.pem");
        std::fs::write(&ca, &self.ca_pem).unwrap();
        let text = format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: test\n  cluster:\n    server: https://{}\n    certificate-authority: {}\nusers:\n- name: tester\n  user:\n    token: {token}\ncontexts:\n- name: test\n  context:\n    cluster: test\n    user: tester\ncurrent-context: test\n",
            self.addr,
            ca.display()
        );
        let path = dir.join("kubeconfig");
        std::fs::write(&path, text).unwrap();
        path
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

type Body = BoxBody<Bytes, Infallible>;

/// A response body fed line by line: a watch stream.
struct Lines(tokio::sync::mpsc::Receiver<Bytes>);

impl hyper::body::Body for Lines {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        self.0
            .poll_recv(cx)
            .map(|line| line.map(|l| Ok(Frame::data(l))))
    }
}

fn reply(code: u16, body: Value) -> Response<Body> {
    Response::builder()
        .status(code)
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body.to_string())).boxed())
        .unwrap()
}

fn status_object(code: u16, reason: &str, message: &str) -> Value {
    json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
           "message": message, "reason": reason, "code": code})
}

fn status(code: u16, reason: &str, message: &str) -> Response<Body> {
    reply(code, status_object(code, reason, message))
}

fn not_found() -> Response<Body> {
    status(
        404,
        "NotFound",
        "the server could not find the requested resource",
    )
}

/// What a path names: `/api/v1[/namespaces/NS]/PLURAL[/NAME]` or
/// `/apis/GROUP/VERSION[/namespaces/NS]/PLURAL[/NAME]`.
struct Target {
    /// `v1`, `apps/v1`.
    api_version: String,
    namespace: Option<String>,
    plural: String,
    /// `None` for the collection.
    name: Option<String>,
}

fn target(path: &str) -> Option<Target> {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    let (api_version, rest) = match parts.as_slice() {
        ["api", "v1", rest @ ..] => ("v1".to_string(), rest),
        ["apis", group, version, rest @ ..] => (format!("{group}/{version}"), rest),
        _ => return None,
    };
    let (namespace, plural, name) = match rest {
        [plural] => (None, *plural, None),
        ["namespaces", ns, plural] => (Some(*ns), *plural, None),
        ["namespaces", ns, plural, name] => (Some(*ns), *plural, Some(*name)),
        [plural, name] => (None, *plural, Some(*name)),
        _ => return None,
    };
    Some(Target {
        api_version,
        namespace: namespace.map(str::to_string),
        plural: plural.to_string(),
        name: name.map(str::to_string),
    })
}

/// The built-in resources the server knows: (group, version, plural, kind, namespaced).
const BUILT_IN: &[(&str, &str, &str, &str, bool)] = &[
    ("", "v1", "namespaces", "Namespace", false),
    ("", "v1", "pods", "Pod", true),
    ("apps", "v1", "deployments", "Deployment", true),
    ("apps", "v1", "daemonsets", "DaemonSet", true),
    ("apps", "v1", "statefulsets", "StatefulSet", true),
    ("apps", "v1", "replicasets", "ReplicaSet", true),
    (
        "",
        "v1",
        "replicationcontrollers",
        "ReplicationController",
        true,
    ),
    ("batch", "v1", "jobs", "Job", true),
    ("batch", "v1", "cronjobs", "CronJob", true),
    ("", "v1", "services", "Service", true),
    ("", "v1", "serviceaccounts", "ServiceAccount", true),
    ("", "v1", "configmaps", "ConfigMap", true),
    ("", "v1", "secrets", "Secret", true),
    (
        "networking.k8s.io",
        "v1",
        "networkpolicies",
        "NetworkPolicy",
        true,
    ),
    ("networking.k8s.io", "v1", "ingresses", "Ingress", true),
    ("rbac.authorization.k8s.io", "v1", "roles", "Role", true),
    (
        "rbac.authorization.k8s.io",
        "v1",
        "rolebindings",
        "RoleBinding",
        true,
    ),
    (
        "rbac.authorization.k8s.io",
        "v1",
        "clusterroles",
        "ClusterRole",
        false,
    ),
    (
        "rbac.authorization.k8s.io",
        "v1",
        "clusterrolebindings",
        "ClusterRoleBinding",
        false,
    ),
    ("node.k8s.io", "v1", "runtimeclasses", "RuntimeClass", false),
    (
        "admissionregistration.k8s.io",
        "v1",
        "validatingwebhookconfigurations",
        "ValidatingWebhookConfiguration",
        false,
    ),
    (
        "admissionregistration.k8s.io",
        "v1",
        "mutatingwebhookconfigurations",
        "MutatingWebhookConfiguration",
        false,
    ),
    (
        "wgpolicyk8s.io",
        "v1alpha2",
        "policyreports",
        "PolicyReport",
        true,
    ),
    (
        "wgpolicyk8s.io",
        "v1alpha2",
        "clusterpolicyreports",
        "ClusterPolicyReport",
        false,
    ),
];

/// The kind of a resource, as the server's discovery knows it (bookmarks name it).
fn kind_of(plural: &str) -> &'static str {
    BUILT_IN
        .iter()
        .find(|(_, _, p, _, _)| *p == plural)
        .map_or("Unknown", |(_, _, _, k, _)| k)
}

/// An `APIResource` of discovery, with the verbs the server answers.
fn api_resource(plural: &str, kind: &str, namespaced: bool) -> Value {
    json!({
        "name": plural,
        "singularName": kind.to_ascii_lowercase(),
        "namespaced": namespaced,
        "kind": kind,
        "verbs": ["delete", "get", "list", "patch", "watch"],
    })
}

/// The discovery document at `path`, if it is one: `/api` (`APIVersions`), `/apis`
/// (`APIGroupList`: the built-in groups and those of the custom resources), `/api/v1` and
/// `/apis/GROUP/VERSION` (`APIResourceList`).
fn discovery(b: &Behaviour, path: &str) -> Option<Value> {
    // (group, version, plural, kind, namespaced) of every resource served.
    let mut resources: Vec<(String, String, String, String, bool)> = BUILT_IN
        .iter()
        .map(|(g, v, p, k, n)| {
            (
                g.to_string(),
                v.to_string(),
                p.to_string(),
                k.to_string(),
                *n,
            )
        })
        .collect();
    resources.extend(b.custom_resources.iter().map(|c| {
        (
            c.group.clone(),
            c.version.clone(),
            c.plural.clone(),
            c.kind.clone(),
            c.namespaced,
        )
    }));
    let resource_list = |group: &str, version: &str| -> Option<Value> {
        let listed: Vec<Value> = resources
            .iter()
            .filter(|(g, v, _, _, _)| g == group && v == version)
            .map(|(_, _, p, k, n)| api_resource(p, k, *n))
            .collect();
        let group_version = if group.is_empty() {
            version.to_string()
        } else {
            format!("{group}/{version}")
        };
        (!listed.is_empty()).then(|| {
            json!({"kind": "APIResourceList", "apiVersion": "v1",
                   "groupVersion": group_version, "resources": listed})
        })
    };
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    match parts.as_slice() {
        ["api"] => Some(json!({"kind": "APIVersions", "versions": ["v1"],
            "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1:443"}]})),
        ["api", "v1"] => resource_list("", "v1"),
        ["apis"] => {
            let mut groups: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
            for (g, v, _, _, _) in resources.iter().filter(|(g, ..)| !g.is_empty()) {
                groups.entry(g).or_default().insert(v);
            }
            let groups: Vec<Value> = groups
                .into_iter()
                .map(|(group, versions)| {
                    let versions: Vec<Value> = versions
                        .into_iter()
                        .map(|v| json!({"groupVersion": format!("{group}/{v}"), "version": v}))
                        .collect();
                    let preferred = versions.first().cloned();
                    json!({"name": group, "versions": versions, "preferredVersion": preferred})
                })
                .collect();
            Some(json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}))
        }
        ["apis", group, version] => resource_list(group, version),
        _ => None,
    }
}

/// Whether `object` is in `namespace` (every object is, for `None`) and carries every
/// `key=value` of a label selector.
fn selected(object: &Value, namespace: Option<&str>, labels: Option<&str>) -> bool {
    let in_namespace = namespace.is_none_or(|ns| object["metadata"]["namespace"] == ns);
    let labelled = labels.is_none_or(|selector| {
        selector.split(',').filter(|s| !s.is_empty()).all(|term| {
            term.split_once('=')
                .is_some_and(|(k, v)| object["metadata"]["labels"][k] == v)
        })
    });
    in_namespace && labelled
}

/// `%2F` and friends in a query value (label selectors carry `/` and `=`).
fn unescape(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                i += 1;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

async fn respond(state: Arc<State>, request: Request<hyper::body::Incoming>) -> Response<Body> {
    let b = &state.behaviour;
    let method = request.method().as_str().to_string();
    let path = request.uri().path().to_string();
    let query: BTreeMap<String, String> = request
        .uri()
        .query()
        .unwrap_or("")
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.to_string(), unescape(v)))
        .collect();
    let header = |name: &str| {
        request
            .headers()
            .get(name)
            .and_then(|a| a.to_str().ok())
            .map(str::to_string)
    };
    let metadata_only = header("accept").is_some_and(|a| a.contains("as=PartialObjectMetadata"));
    let content_type = header("content-type");
    state.seen.lock().unwrap().push(Seen {
        method: method.clone(),
        path: path.clone(),
        query: query.clone(),
        metadata_only,
        content_type: content_type.clone(),
    });
    let authorized = header("authorization").as_deref() == Some(&format!("Bearer {}", b.token));
    if !authorized {
        return status(401, "Unauthorized", "Unauthorized");
    }
    if method == "GET" {
        if b.discovery_forbidden && (path == "/apis" || path.starts_with("/apis/")) {
            let plain = path.trim_start_matches("/apis").trim_matches('/');
            // A group-version document (`/apis/GROUP/VERSION`), not a resource under it.
            if plain.is_empty() || plain.split('/').count() == 2 {
                return status(
                    403,
                    "Forbidden",
                    &format!("forbidden: User \"system:serviceaccount:ci:scanner\" cannot get path \"{path}\""),
                );
            }
        }
        if let Some(document) = discovery(b, &path) {
            return reply(200, document);
        }
    }
    let Some(target) = target(&path) else {
        return not_found();
    };
    let plural = target.plural.clone();
    let served = b.objects.iter().any(|(p, _)| *p == plural)
        || b.custom_resources.iter().any(|c| c.plural == plural)
        || b.forbidden.contains(&plural)
        || b.hang.contains(&plural)
        || b.served_extra.contains(&plural);
    if !served {
        return not_found();
    }
    let watching = matches!(query.get("watch").map(String::as_str), Some("1" | "true"));
    let forbidden =
        b.forbidden.contains(&plural) && !state.granted.lock().unwrap().contains(&plural);
    if forbidden || (watching && b.unwatchable.contains(&plural)) {
        let group = target.api_version.split_once('/').map_or("", |(g, _)| g);
        // As the API server words it: `clusterroles.rbac.authorization.k8s.io is forbidden`.
        let qualified = if group.is_empty() {
            plural.clone()
        } else {
            format!("{plural}.{group}")
        };
        let scope = match &target.namespace {
            Some(ns) => format!("in the namespace \"{ns}\""),
            None => "at the cluster scope".to_string(),
        };
        let verb = match method.as_str() {
            "PATCH" => "patch",
            "DELETE" => "delete",
            _ if watching => "watch",
            _ => "list",
        };
        return status(
            403,
            "Forbidden",
            &format!(
                "{qualified} is forbidden: User \"system:serviceaccount:ci:scanner\" cannot {verb} resource \"{plural}\" in API group \"{group}\" {scope}"
            ),
        );
    }
    if b.hang.contains(&plural) {
        tokio::time::sleep(Duration::from_secs(3600)).await;
    }
    match (method.as_str(), &target.name) {
        ("GET", None) if watching => watch(state.clone(), target, &query, metadata_only),
        ("GET", None) => list(&state, &target, &query, metadata_only),
        ("GET", Some(name)) => {
            let store = state.store.lock().unwrap();
            match store
                .objects
                .iter()
                .find(|(p, o)| *p == plural && name_of(o) == (target.namespace.as_deref(), name))
            {
                Some((_, object)) => reply(200, object.clone()),
                None => status(404, "NotFound", &format!("{plural} \"{name}\" not found")),
            }
        }
        ("PATCH", Some(name)) => {
            if let Some(&code) = b.refuse_apply_once.get(&plural) {
                if state.refused_apply.lock().unwrap().insert(plural.clone()) {
                    let (reason, message) = match code {
                        409 => ("Conflict", format!("Operation cannot be fulfilled on {plural} \"{name}\": the object has been modified; please apply your changes to the latest version and try again")),
                        _ => ("InternalError", format!("Internal error occurred: {plural} \"{name}\" could not be stored")),
                    };
                    return status(code, reason, &message);
                }
            }
            let name = name.clone();
            let body = match request.into_body().collect().await {
                Ok(body) => body.to_bytes(),
                Err(_) => return status(400, "BadRequest", "unreadable body"),
            };
            apply(
                &state,
                &target,
                &name,
                &query,
                content_type.as_deref(),
                &body,
            )
        }
        ("DELETE", Some(name)) => {
            let removed = {
                let mut store = state.store.lock().unwrap();
                let removed = store.remove(&plural, target.namespace.as_deref(), name);
                (removed, store.version)
            };
            match removed {
                (Some(object), version) => {
                    state.latest.send_replace(version);
                    reply(200, object)
                }
                (None, _) => status(404, "NotFound", &format!("{plural} \"{name}\" not found")),
            }
        }
        _ => status(
            405,
            "MethodNotAllowed",
            "the server does not allow this method on the requested resource",
        ),
    }
}

fn list(
    state: &State,
    target: &Target,
    query: &BTreeMap<String, String>,
    metadata_only: bool,
) -> Response<Body> {
    let b = &state.behaviour;
    let plural = &target.plural;
    let offset: usize = match query.get("continue") {
        Some(token) => {
            if b.expire_once.contains(plural)
                && state.expired.lock().unwrap().insert(plural.clone())
            {
                return status(
                    410,
                    "Expired",
                    "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.",
                );
            }
            match token.strip_prefix("offset-").and_then(|n| n.parse().ok()) {
                Some(n) => n,
                None => return status(400, "BadRequest", "invalid continue token"),
            }
        }
        None => 0,
    };
    let limit: usize = query
        .get("limit")
        .and_then(|l| l.parse().ok())
        .unwrap_or(usize::MAX);
    let store = state.store.lock().unwrap();
    let labels = query.get("labelSelector").map(String::as_str);
    let all: Vec<&Value> = store
        .objects
        .iter()
        .filter(|(p, o)| p == plural && selected(o, target.namespace.as_deref(), labels))
        .map(|(_, o)| o)
        .collect();
    let page: Vec<Value> = all
        .iter()
        .skip(offset)
        .take(limit)
        .map(|o| {
            let mut item = (*o).clone();
            if metadata_only {
                item = json!({"apiVersion": "meta.k8s.io/v1", "kind": "PartialObjectMetadata",
                              "metadata": item["metadata"].clone()});
            } else if let Value::Object(map) = &mut item {
                // Items of a list carry no type fields, as the API server sends them.
                map.remove("apiVersion");
                map.remove("kind");
            }
            item
        })
        .collect();
    let next = offset + page.len();
    let mut metadata = json!({"resourceVersion": store.version.to_string()});
    if next < all.len() {
        metadata["continue"] = json!(format!("offset-{next}"));
    }
    let kind = if metadata_only {
        "PartialObjectMetadataList"
    } else {
        "List"
    };
    reply(
        200,
        json!({"apiVersion": "v1", "kind": kind, "metadata": metadata, "items": page}),
    )
}

/// A watch: the changes after the requested version (or, without one, the current objects
/// as ADDED), then each change as it happens, with bookmarks, until `timeoutSeconds`.
fn watch(
    state: Arc<State>,
    target: Target,
    query: &BTreeMap<String, String>,
    metadata_only: bool,
) -> Response<Body> {
    let (tx, rx) = tokio::sync::mpsc::channel::<Bytes>(64);
    let bookmarks = query.get("allowWatchBookmarks").map(String::as_str) == Some("true");
    let seconds: u64 = query
        .get("timeoutSeconds")
        .and_then(|t| t.parse().ok())
        .unwrap_or(1800)
        .min(86_400);
    let labels = query.get("labelSelector").cloned();
    let requested: Option<u64> = match query.get("resourceVersion").map(String::as_str) {
        None | Some("") | Some("0") => None,
        Some(v) => match v.parse() {
            Ok(v) => Some(v),
            Err(_) => return status(400, "BadRequest", &format!("invalid resourceVersion {v}")),
        },
    };
    let line = move |kind: &str, object: &Value| {
        let object = if metadata_only && kind != "BOOKMARK" && kind != "ERROR" {
            json!({"apiVersion": "meta.k8s.io/v1", "kind": "PartialObjectMetadata",
                   "metadata": object["metadata"].clone()})
        } else {
            object.clone()
        };
        // `type` first, as the API server writes it (a `Value` would sort it last).
        Bytes::from(format!("{{\"type\":\"{kind}\",\"object\":{object}}}\n"))
    };
    let mut latest = state.latest.subscribe();
    tokio::spawn(async move {
        let open_for =
            Duration::from_secs(seconds).min(state.behaviour.watch_cap.unwrap_or(Duration::MAX));
        let deadline = tokio::time::Instant::now() + open_for;
        let mut ticks = tokio::time::interval(state.behaviour.bookmark_every);
        ticks.tick().await;
        // What to send first, and the version from which changes follow.
        let (first, mut from) = {
            let store = state.store.lock().unwrap();
            match requested {
                Some(v) if v < store.oldest => {
                    let gone = status_object(
                        410,
                        "Expired",
                        &format!("too old resource version: {v} ({})", store.oldest),
                    );
                    let _ = tx.try_send(line("ERROR", &gone));
                    return;
                }
                Some(v) => (Vec::new(), v),
                None => (
                    store
                        .objects
                        .iter()
                        .filter(|(p, o)| {
                            *p == target.plural
                                && selected(o, target.namespace.as_deref(), labels.as_deref())
                        })
                        .map(|(_, o)| line("ADDED", o))
                        .collect(),
                    store.version,
                ),
            }
        };
        for l in first {
            if tx.send(l).await.is_err() {
                return;
            }
        }
        loop {
            let lines: Vec<Bytes> = {
                let store = state.store.lock().unwrap();
                let lines = store
                    .events
                    .iter()
                    .filter(|e| {
                        e.version > from
                            && e.plural == target.plural
                            && selected(&e.object, target.namespace.as_deref(), labels.as_deref())
                    })
                    .map(|e| line(e.kind, &e.object))
                    .collect();
                from = from.max(store.version);
                lines
            };
            for l in lines {
                if tx.send(l).await.is_err() {
                    return;
                }
            }
            tokio::select! {
                _ = tokio::time::sleep_until(deadline) => return,
                changed = latest.changed() => if changed.is_err() { return },
                _ = ticks.tick(), if bookmarks => {
                    let bookmark = json!({"kind": kind_of(&target.plural),
                                          "apiVersion": target.api_version,
                                          "metadata": {"resourceVersion": from.to_string()}});
                    if tx.send(line("BOOKMARK", &bookmark)).await.is_err() {
                        return;
                    }
                }
            }
        }
    });
    Response::builder()
        .status(200)
        .header("content-type", "application/json")
        .body(BodyExt::boxed(Lines(rx)))
        .unwrap()
}

/// Server-side apply, as far as a single writer needs it: the applied configuration
/// becomes the object (create or replace).
fn apply(
    state: &State,
    target: &Target,
    name: &str,
    query: &BTreeMap<String, String>,
    content_type: Option<&str>,
    body: &[u8],
) -> Response<Body> {
    if content_type != Some("application/apply-patch+yaml") {
        return status(
            415,
            "UnsupportedMediaType",
            &format!(
                "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml (got {})",
                content_type.unwrap_or("none")
            ),
        );
    }
    if query.get("fieldManager").is_none_or(|m| m.is_empty()) {
        return status(
            422,
            "Invalid",
            "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch",
        );
    }
    // YAML in its JSON form, which is what kube-rs sends.
    let Ok(mut object) = serde_json::from_slice::<Value>(body) else {
        return status(
            400,
            "BadRequest",
            "error decoding YAML: the body is not JSON",
        );
    };
    let (ns, body_name) = name_of(&object);
    let kind_matches = object["kind"] == kind_of(&target.plural)
        && object["apiVersion"] == target.api_version.as_str();
    if body_name != name || ns != target.namespace.as_deref() || !kind_matches {
        return status(
            400,
            "BadRequest",
            "the name, namespace, apiVersion or kind of the object does not match the request",
        );
    }
    object["metadata"]["managedFields"] = json!([{
        "manager": query["fieldManager"], "operation": "Apply", "apiVersion": target.api_version,
    }]);
    let (stored, created, version) = {
        let mut store = state.store.lock().unwrap();
        let (stored, created) = store.put(&target.plural, object);
        (stored, created, store.version)
    };
    state.latest.send_replace(version);
    reply(if created { 201 } else { 200 }, stored)
}
