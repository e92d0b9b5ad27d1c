//! A Kubernetes API server for tests: list endpoints over HTTPS with the documented
//! semantics the live scan relies on (no kube-apiserver runs on test machines):
//! bearer-token authentication (401), per-resource authorization (403 Status), paginated
//! lists (`limit`, `continue`, `metadata.continue`), an expired continue token (410 Gone,
//! reason `Expired`), metadata-only lists (`Accept: ...;as=PartialObjectMetadataList`),
//! 404 for resources it does not serve, and a resource that never answers.

use std::collections::{BTreeMap, BTreeSet};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::Full;
use hyper::{Request, Response};
use rustls_pki_types::pem::PemObject;
use serde_json::{json, Value};

/// How the server behaves; objects are `(plural, object)`.
#[derive(Default, Clone)]
pub struct Behaviour {
    pub token: String,
    pub objects: Vec<(String, Value)>,
    /// Plurals answered with 403.
    pub forbidden: BTreeSet<String>,
    /// Plurals whose first continued page is answered with 410 Gone.
    pub expire_once: BTreeSet<String>,
    /// Plurals that never answer.
    pub hang: BTreeSet<String>,
    /// Plurals served (others are 404); empty serves every plural that has objects or is
    /// listed in the sets above, and `served_extra`.
    pub served_extra: BTreeSet<String>,
}

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub path: String,
    pub query: BTreeMap<String, String>,
    pub metadata_only: bool,
}

/// A running server; it stops when dropped (its runtime goes with it).
pub struct ApiServer {
    pub addr: SocketAddr,
    pub ca_pem: String,
    pub seen: Arc<Mutex<Vec<Seen>>>,
    _runtime: tokio::runtime::Runtime,
}

struct State {
    behaviour: Behaviour,
    seen: Arc<Mutex<Vec<Seen>>>,
    expired: Mutex<BTreeSet<String>>,
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
        let state = Arc::new(State {
            behaviour,
            seen: seen.clone(),
            expired: Mutex::new(BTreeSet::new()),
        });
        runtime.spawn(async move {
            loop {
                let Ok((tcp, _)) = listener.accept().await else {
                    continue;
                };
                let acceptor = acceptor.clone();
                let state = state.clone();
                tokio::spawn(async move {
                    let Ok(stream) = acceptor.accept(tcp).await else {
                        return;
                    };
                    let service = hyper::service::service_fn(move |request| {
                        let state = state.clone();
                        async move { Ok::<_, Infallible>(respond(&state, request).await) }
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
            _runtime: runtime,
        }
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

fn reply(code: u16, body: Value) -> Response<Full<Bytes>> {
    Response::builder()
        .status(code)
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body.to_string())))
        .unwrap()
}

fn status(code: u16, reason: &str, message: &str) -> Response<Full<Bytes>> {
    reply(
        code,
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
               "message": message, "reason": reason, "code": code}),
    )
}

/// `(namespace, plural)` of a list path: `/api/v1[/namespaces/NS]/PLURAL` or
/// `/apis/GROUP/VERSION[/namespaces/NS]/PLURAL`.
fn list_target(path: &str) -> Option<(Option<String>, String)> {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    let rest = match parts.as_slice() {
        ["api", "v1", rest @ ..] => rest,
        ["apis", _, _, rest @ ..] => rest,
        _ => return None,
    };
    match rest {
        [plural] => Some((None, plural.to_string())),
        ["namespaces", ns, plural] => Some((Some(ns.to_string()), plural.to_string())),
        _ => None,
    }
}

async fn respond(state: &State, request: Request<hyper::body::Incoming>) -> Response<Full<Bytes>> {
    let b = &state.behaviour;
    let path = request.uri().path().to_string();
    let query: BTreeMap<String, String> = request
        .uri()
        .query()
        .unwrap_or("")
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let metadata_only = request
        .headers()
        .get("accept")
        .and_then(|a| a.to_str().ok())
        .is_some_and(|a| a.contains("as=PartialObjectMetadataList"));
    state.seen.lock().unwrap().push(Seen {
        path: path.clone(),
        query: query.clone(),
        metadata_only,
    });
    let authorized = request
        .headers()
        .get("authorization")
        .and_then(|a| a.to_str().ok())
        == Some(format!("Bearer {}", b.token).as_str());
    if !authorized {
        return status(401, "Unauthorized", "Unauthorized");
    }
    let Some((namespace, plural)) = list_target(&path) else {
        return status(
            404,
            "NotFound",
            "the server could not find the requested resource",
        );
    };
    let served = b.objects.iter().any(|(p, _)| *p == plural)
        || b.forbidden.contains(&plural)
        || b.hang.contains(&plural)
        || b.served_extra.contains(&plural);
    if !served {
        return status(
            404,
            "NotFound",
            "the server could not find the requested resource",
        );
    }
    if b.forbidden.contains(&plural) {
        let group = path
            .strip_prefix("/apis/")
            .and_then(|rest| rest.split('/').next())
            .unwrap_or("");
        // As the API server words it: `clusterroles.rbac.authorization.k8s.io is forbidden`.
        let qualified = if group.is_empty() {
            plural.clone()
        } else {
            format!("{plural}.{group}")
        };
        let scope = match &namespace {
            Some(ns) => format!("in the namespace \"{ns}\""),
            None => "at the cluster scope".to_string(),
        };
        return status(
            403,
            "Forbidden",
            &format!(
                "{qualified} is forbidden: User \"system:serviceaccount:ci:scanner\" cannot list resource \"{plural}\" in API group \"{group}\" {scope}"
            ),
        );
    }
    if b.hang.contains(&plural) {
        tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
    }
    let offset: usize = match query.get("continue") {
        Some(token) => {
            if b.expire_once.contains(&plural)
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
    let all: Vec<&Value> = b
        .objects
        .iter()
        .filter(|(p, o)| {
            *p == plural
                && namespace
                    .as_deref()
                    .is_none_or(|ns| o["metadata"]["namespace"] == ns)
        })
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
    let mut metadata = json!({"resourceVersion": "1000"});
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
