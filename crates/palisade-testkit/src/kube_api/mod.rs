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
//!
//! - `store`: the objects and their change history;
//! - `http`: response bodies, Status replies and what a request path names;
//! - `discovery`: the built-in resources and the discovery documents;
//! - `handler`: request handling (authentication, authorization, lists, apply, delete);
//! - `watch`: watch streams.

mod discovery;
mod handler;
mod http;
mod store;
mod watch;

use std::collections::{BTreeMap, BTreeSet};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rustls_pki_types::pem::PemObject;
use serde_json::{json, Value};

use discovery::{qualified, resource_named};
use handler::respond;
use store::{name_of, Store};

/// How the server behaves; objects are `(plural, object)`, stored, as by the API server,
/// under their resource: the plural in the API group of the object's `apiVersion`
/// (`services` of `serving.knative.dev/v1` are not those of `v1`). The sets below name
/// plurals (of every group).
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

/// A custom resource the server serves. Its plural may be a built-in one (Knative's
/// `services`): objects are stored by group and plural.
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

struct State {
    behaviour: Behaviour,
    /// The resources (`plural.group`) of the starting objects: served, as those of
    /// `behaviour.custom_resources` are.
    resources: BTreeSet<String>,
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
            let resource = stored_resource(&behaviour, plural, &object);
            store.objects.push((resource, object));
        }
        store.oldest = store.version;
        let (latest, _) = tokio::sync::watch::channel(store.version);
        let resources = store.objects.iter().map(|(r, _)| r.clone()).collect();
        let state = Arc::new(State {
            behaviour,
            resources,
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

    /// Creates or replaces an object of `plural` (by namespace and name) in the API group
    /// of its `apiVersion`, as a client's create or update would: it gets the next
    /// `resourceVersion`, and watches see ADDED or MODIFIED.
    pub fn put(&self, plural: &str, object: Value) {
        let resource = stored_resource(&self.state.behaviour, plural, &object);
        let version = {
            let mut store = self.state.store.lock().unwrap();
            store.put(&resource, object);
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

    /// Deletes an object of `resource` (a plural of a built-in or custom resource, or
    /// `plural.group`: `services.serving.knative.dev`); watches see DELETED. Whether it
    /// existed.
    pub fn remove(&self, resource: &str, namespace: Option<&str>, name: &str) -> bool {
        let resource = resource_named(&self.state.behaviour, resource);
        let (removed, version) = {
            let mut store = self.state.store.lock().unwrap();
            let removed = store.remove(&resource, namespace, name).is_some();
            (removed, store.version)
        };
        self.state.latest.send_replace(version);
        removed
    }

    /// The object of `resource` (as for [`ApiServer::remove`]) with that namespace and
    /// name, as stored now.
    pub fn get(&self, resource: &str, namespace: Option<&str>, name: &str) -> Option<Value> {
        let resource = resource_named(&self.state.behaviour, resource);
        let store = self.state.store.lock().unwrap();
        store
            .objects
            .iter()
            .find(|(p, o)| *p == resource && name_of(o) == (namespace, name))
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

/// The resource an object given as of `plural` is stored under: the plural in the API
/// group of its `apiVersion` (`v1`: the core group); without `apiVersion`, the group of the
/// built-in or custom resource of that plural.
fn stored_resource(b: &Behaviour, plural: &str, object: &Value) -> String {
    if plural.contains('.') {
        return plural.to_string();
    }
    match object["apiVersion"].as_str() {
        Some(version) => qualified(version.split_once('/').map_or("", |(g, _)| g), plural),
        None => resource_named(b, plural),
    }
}
