//! The HTTPS server: an accept loop that does the TLS handshake (with a deadline) and hands
//! each connection to hyper with axum's router, a header-read timeout against slow clients,
//! a cap on open connections, and a graceful drain on shutdown.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use palisade_engine::Engine;
use tokio::sync::{oneshot, Semaphore};

use crate::cluster::{ClusterFeed, ClusterView};
use crate::config::WebhookSettings;
use crate::decision::{judge, Basis};
use crate::metrics::{
    DecisionLabels, ErrorKind, FindingLabels, Metrics, MutationLabels, PathLabels, RequestLabels,
    RuleLabels,
};
use crate::mutation::mutate as plan_mutation;
use crate::reload::{ConfigReload, Judge};
use crate::review::{self, AdmissionRequest, AdmissionReviewResponse};
use crate::tls::{self, ReloadingCert};
use crate::ServerError;

/// Where `palisade serve` listens unless told otherwise.
pub const DEFAULT_LISTEN: &str = "0.0.0.0:8443";
/// The largest request body accepted: the API server's own limit on a request is 3 MiB,
/// and an AdmissionReview of an object near it (object and oldObject) stays under twice that.
pub const MAX_BODY_BYTES: usize = 6 * 1024 * 1024;
/// A client has this long to finish the TLS handshake, and then to send its headers.
pub const CLIENT_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections served at once; more wait in the kernel's backlog.
const MAX_CONNECTIONS: usize = 1024;
/// How long shutdown waits for requests in flight.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

/// How to run the server.
#[derive(Debug, Clone)]
pub struct ServerOptions {
    pub listen: SocketAddr,
    pub tls_cert: PathBuf,
    pub tls_key: PathBuf,
    pub settings: WebhookSettings,
    /// Request bodies above this many bytes are refused with 413.
    pub max_body_bytes: usize,
    /// How often the certificate files are checked for a rotation (`None`: never).
    pub cert_reload_interval: Option<Duration>,
    /// One JSON line per decision on standard error.
    pub log_decisions: bool,
    /// How long a client may take over its TLS handshake, and then over each request's
    /// headers, before the connection is closed (slow clients hold no slot for long).
    pub client_timeout: Duration,
    /// Stop (and drain) on SIGINT and SIGTERM; off, only [`Running::shutdown`] stops it.
    pub stop_on_signals: bool,
    /// Reload the engine and settings when the configuration files change (`None`: never).
    pub config_reload: Option<ConfigReload>,
    /// Keep a view of the cluster, fed through [`Running::cluster_feed`]: the context rules
    /// and the Namespaces' mode labels (false: config modes only, context rules skipped).
    pub cluster: bool,
}

impl ServerOptions {
    pub fn new(listen: SocketAddr, tls_cert: PathBuf, tls_key: PathBuf) -> ServerOptions {
        ServerOptions {
            listen,
            tls_cert,
            tls_key,
            settings: WebhookSettings::default(),
            max_body_bytes: MAX_BODY_BYTES,
            cert_reload_interval: Some(Duration::from_secs(30)),
            log_decisions: true,
            stop_on_signals: true,
            client_timeout: CLIENT_TIMEOUT,
            config_reload: None,
            cluster: false,
        }
    }
}

struct AppState {
    /// The engine and settings of the configuration in service, replaced on reload.
    judge: Arc<ArcSwap<Judge>>,
    /// The cluster's objects and the Namespaces' mode labels, with `--cluster`.
    cluster: Arc<ArcSwap<ClusterView>>,
    metrics: Arc<Metrics>,
    max_body_bytes: usize,
    log_decisions: bool,
}

/// A server running on its own threads.
pub struct Running {
    addr: SocketAddr,
    cluster_feed: Option<ClusterFeed>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<Result<(), ServerError>>>,
}

impl Running {
    /// The address it listens on (the real port when started on port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Where the front-end writes what it reads of the cluster, when the server was started
    /// with a cluster view ([`ServerOptions::cluster`]).
    pub fn cluster_feed(&self) -> Option<ClusterFeed> {
        self.cluster_feed.clone()
    }

    /// Blocks until the server stops: on SIGINT or SIGTERM, after draining connections.
    pub fn wait(mut self) -> Result<(), ServerError> {
        self.join()
    }

    /// Stops accepting, drains the connections in flight and waits for the end.
    pub fn shutdown(mut self) -> Result<(), ServerError> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.join()
    }

    fn join(&mut self) -> Result<(), ServerError> {
        match self.thread.take().map(|t| t.join()) {
            None => Ok(()),
            Some(Ok(result)) => result,
            Some(Err(_)) => Err(ServerError::Stopped("the server thread panicked".into())),
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Loads the certificate, binds the address and serves on background threads until
/// [`Running::shutdown`], SIGINT or SIGTERM. Certificate and listen errors come back here,
/// before anything is served.
pub fn start(engine: Engine, options: ServerOptions) -> Result<Running, ServerError> {
    let certs = Arc::new(ReloadingCert::load(&options.tls_cert, &options.tls_key)?);
    let tls_config = tls::server_config(certs.clone())?;
    let listener =
        std::net::TcpListener::bind(options.listen).map_err(|source| ServerError::Listen {
            addr: options.listen.to_string(),
            source,
        })?;
    let listen_error = |source| ServerError::Listen {
        addr: options.listen.to_string(),
        source,
    };
    listener.set_nonblocking(true).map_err(listen_error)?;
    let addr = listener.local_addr().map_err(listen_error)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("palisade-serve")
        .max_blocking_threads(64)
        .build()
        .map_err(ServerError::Runtime)?;
    let state = Arc::new(AppState {
        judge: Arc::new(ArcSwap::from_pointee(Judge {
            engine,
            settings: options.settings.clone(),
        })),
        // With a view, an empty index: the context rules are not evaluated until the first
        // listing lands.
        cluster: Arc::new(ArcSwap::from_pointee(ClusterView {
            index: options.cluster.then(Default::default),
            ..ClusterView::default()
        })),
        metrics: Arc::new(Metrics::default()),
        max_body_bytes: options.max_body_bytes,
        log_decisions: options.log_decisions,
    });
    let (stop_tx, stop_rx) = oneshot::channel();
    let reload = options.cert_reload_interval;
    let signals = options.stop_on_signals;
    let client_timeout = options.client_timeout;
    let config_reload = options.config_reload.clone().map(|reload| {
        let baseline = crate::reload::baseline(&reload, &state.judge.load());
        (reload, baseline)
    });
    let cluster_feed = options.cluster.then(|| ClusterFeed {
        current: state.cluster.clone(),
        metrics: state.metrics.clone(),
    });
    let thread = std::thread::Builder::new()
        .name("palisade-serve".into())
        .spawn(move || {
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).map_err(|source| {
                    ServerError::Listen {
                        addr: addr.to_string(),
                        source,
                    }
                })?;
                let cert_state = state.clone();
                let watcher = reload.map(|every| {
                    tokio::spawn(certs.watch(every, move |ok| {
                        cert_state.metrics.reload("certificate", ok)
                    }))
                });
                let config_watcher = config_reload.map(|(reload, baseline)| {
                    let reported = state.clone();
                    tokio::spawn(crate::reload::watch(
                        reload,
                        state.judge.clone(),
                        baseline,
                        move |ok| reported.metrics.reload("config", ok),
                    ))
                });
                let result = serve(
                    listener,
                    tls_config,
                    router(state),
                    stop_rx,
                    signals,
                    client_timeout,
                )
                .await;
                for w in watcher.into_iter().chain(config_watcher) {
                    w.abort();
                }
                result
            })
        })
        .map_err(ServerError::Runtime)?;
    Ok(Running {
        addr,
        cluster_feed,
        stop: Some(stop_tx),
        thread: Some(thread),
    })
}

/// Resolves on SIGINT or SIGTERM (what the kubelet sends before killing the pod).
async fn signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

async fn serve(
    listener: tokio::net::TcpListener,
    tls_config: Arc<rustls::ServerConfig>,
    app: Router,
    mut stop: oneshot::Receiver<()>,
    signals: bool,
    client_timeout: Duration,
) -> Result<(), ServerError> {
    let acceptor = tokio_rustls::TlsAcceptor::from(tls_config);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let signal = async move {
        if signals {
            signal().await
        } else {
            std::future::pending().await
        }
    };
    tokio::pin!(signal);
    loop {
        let permit = tokio::select! {
            permit = slots.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            _ = &mut stop => break,
            _ = &mut signal => break,
        };
        let (tcp, _peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(conn) => conn,
                // Out of file descriptors or a connection reset before accept: keep serving.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
            _ = &mut stop => break,
            _ = &mut signal => break,
        };
        let _ = tcp.set_nodelay(true);
        let acceptor = acceptor.clone();
        let service = hyper_util::service::TowerToHyperService::new(app.clone());
        let watcher = graceful.watcher();
        tokio::spawn(async move {
            let _permit = permit;
            let Ok(Ok(tls)) = tokio::time::timeout(client_timeout, acceptor.accept(tcp)).await
            else {
                return;
            };
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(client_timeout);
            let connection = builder.serve_connection(TokioIo::new(tls), service);
            let _ = watcher.watch(connection).await;
        });
    }
    drop(listener);
    let _ = tokio::time::timeout(DRAIN_TIMEOUT, graceful.shutdown()).await;
    Ok(())
}

fn router(state: Arc<AppState>) -> Router {
    let limit = state.max_body_bytes;
    Router::new()
        .route("/validate", post(validate))
        .route("/mutate", post(mutate))
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(|| async { "ok\n" }))
        .route("/metrics", get(metrics))
        .layer(DefaultBodyLimit::max(limit))
        .layer(middleware::from_fn_with_state(state.clone(), track))
        .with_state(state)
}

/// The path label of a request: one of the served paths, or `other`.
fn path_label(path: &str) -> &'static str {
    match path {
        "/validate" => "/validate",
        "/mutate" => "/mutate",
        "/healthz" => "/healthz",
        "/readyz" => "/readyz",
        "/metrics" => "/metrics",
        _ => "other",
    }
}

async fn track(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let path = path_label(request.uri().path());
    let started = Instant::now();
    let response = next.run(request).await;
    state
        .metrics
        .requests
        .get_or_create(&RequestLabels {
            path,
            code: response.status().as_u16(),
        })
        .inc();
    state
        .metrics
        .latency
        .get_or_create(&PathLabels { path })
        .observe(started.elapsed().as_secs_f64());
    response
}

async fn metrics(State(state): State<Arc<AppState>>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.render(),
    )
        .into_response()
}

fn plain(code: StatusCode, message: String) -> Response {
    (
        code,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        message + "\n",
    )
        .into_response()
}

/// The request of an AdmissionReview body, or the 4xx status and the reason there is none.
fn read_review(
    state: &AppState,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<AdmissionRequest, (StatusCode, String)> {
    let body = match body {
        Ok(body) => body,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            state.metrics.error(ErrorKind::TooLarge);
            return Err((
                StatusCode::PAYLOAD_TOO_LARGE,
                format!(
                    "the AdmissionReview is over the {} byte limit",
                    state.max_body_bytes
                ),
            ));
        }
        Err(rejection) => {
            state.metrics.error(ErrorKind::BadRequest);
            return Err((rejection.status(), rejection.body_text()));
        }
    };
    review::parse(&body).map_err(|e| {
        state.metrics.error(ErrorKind::BadRequest);
        (StatusCode::BAD_REQUEST, e.to_string())
    })
}

/// The object's name: the request's, or the object's own (absent on a CREATE with
/// `generateName`).
fn object_name(request: &AdmissionRequest) -> String {
    request
        .name
        .clone()
        .or_else(|| {
            request
                .object
                .as_ref()
                .and_then(|o| o.pointer("/metadata/name"))
                .and_then(|n| n.as_str())
                .map(str::to_string)
        })
        .unwrap_or_default()
}

/// An answered review as a JSON response.
fn review_response(state: &AppState, review: AdmissionReviewResponse) -> Response {
    match serde_json::to_vec(&review) {
        Ok(body) => ([(header::CONTENT_TYPE, "application/json")], body).into_response(),
        Err(e) => {
            state.metrics.error(ErrorKind::Internal);
            plain(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
        }
    }
}

async fn mutate(
    State(state): State<Arc<AppState>>,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Response {
    let current = state.judge.load_full();
    if !current.settings.mutate {
        return plain(
            StatusCode::NOT_FOUND,
            "mutation is off: start `palisade serve --mutate` or set `mutate = true` in the [webhook] table".into(),
        );
    }
    let started = Instant::now();
    let request = match read_review(&state, body) {
        Ok(request) => request,
        Err((code, reason)) => return plain(code, reason),
    };
    let mutation = plan_mutation(&current.settings, &request);
    let namespace = request.namespace.clone().unwrap_or_default();
    for change in &mutation.changes {
        state
            .metrics
            .mutations
            .get_or_create(&MutationLabels {
                namespace: namespace.clone(),
                setting: change.setting.as_str(),
            })
            .inc();
    }
    if state.log_decisions {
        let mut event = serde_json::Map::new();
        event.insert("event".into(), "mutation".into());
        event.insert("uid".into(), request.uid.clone().into());
        event.insert("kind".into(), request.kind.kind.clone().into());
        event.insert("namespace".into(), namespace.into());
        event.insert("name".into(), object_name(&request).into());
        event.insert("operation".into(), request.operation.as_str().into());
        event.insert("user".into(), request.user_info.username.clone().into());
        event.insert("dry_run".into(), request.dry_run.unwrap_or(false).into());
        event.insert("basis".into(), mutation.basis.as_str().into());
        event.insert(
            "mutations".into(),
            mutation
                .changes
                .iter()
                .map(|c| c.describe())
                .collect::<Vec<_>>()
                .into(),
        );
        event.insert(
            "latency_ms".into(),
            ((started.elapsed().as_secs_f64() * 1e6).round() / 1e3).into(),
        );
        crate::log(event);
    }
    review_response(&state, AdmissionReviewResponse::new(mutation.response))
}

async fn validate(
    State(state): State<Arc<AppState>>,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Response {
    let started = Instant::now();
    let request = match read_review(&state, body) {
        Ok(request) => request,
        Err((code, reason)) => return plain(code, reason),
    };
    // The configuration this request is judged with, even if a reload swaps it meanwhile.
    let current = state.judge.load_full();
    let cluster = state.cluster.load_full();
    let timeout = current.settings.timeout;
    let task = tokio::task::spawn_blocking(move || {
        let decision = judge(&current.engine, &current.settings, &cluster, &request);
        (request, decision)
    });
    let (request, decision) = match tokio::time::timeout(timeout, task).await {
        Ok(Ok(done)) => done,
        Ok(Err(_)) => {
            state.metrics.error(ErrorKind::Internal);
            return plain(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the decision failed: this is a bug in palisade, please report it".into(),
            );
        }
        Err(_) => {
            state.metrics.error(ErrorKind::Timeout);
            return plain(
                StatusCode::SERVICE_UNAVAILABLE,
                format!("no decision within the {timeout:?} deadline"),
            );
        }
    };
    let namespace = request.namespace.clone().unwrap_or_default();
    if decision.basis == Basis::Scanned {
        let outcome = if decision.response.allowed {
            "allowed"
        } else {
            "denied"
        };
        state
            .metrics
            .decisions
            .get_or_create(&DecisionLabels {
                namespace: namespace.clone(),
                outcome,
            })
            .inc();
        for (rules, action) in [
            (&decision.blocking, "deny"),
            (&decision.warning_rules, "warn"),
        ] {
            for rule in rules {
                state
                    .metrics
                    .findings
                    .get_or_create(&FindingLabels {
                        rule: rule.clone(),
                        namespace: namespace.clone(),
                        action,
                    })
                    .inc();
            }
        }
        for rule in &decision.not_evaluated {
            state
                .metrics
                .not_evaluated
                .get_or_create(&RuleLabels { rule: rule.clone() })
                .inc();
        }
    }
    if state.log_decisions {
        let name = object_name(&request);
        let mut event = serde_json::Map::new();
        event.insert("event".into(), "decision".into());
        event.insert("uid".into(), request.uid.clone().into());
        event.insert("kind".into(), request.kind.kind.clone().into());
        event.insert("namespace".into(), namespace.into());
        event.insert("name".into(), name.into());
        event.insert("operation".into(), request.operation.as_str().into());
        event.insert("user".into(), request.user_info.username.clone().into());
        event.insert("dry_run".into(), request.dry_run.unwrap_or(false).into());
        event.insert("allowed".into(), decision.response.allowed.into());
        event.insert("basis".into(), decision.basis.as_str().into());
        event.insert("denied_by".into(), decision.blocking.clone().into());
        event.insert("warned_by".into(), decision.warning_rules.clone().into());
        if !decision.not_evaluated.is_empty() {
            event.insert(
                "not_evaluated".into(),
                decision.not_evaluated.clone().into(),
            );
        }
        event.insert(
            "latency_ms".into(),
            ((started.elapsed().as_secs_f64() * 1e6).round() / 1e3).into(),
        );
        crate::log(event);
    }
    review_response(&state, AdmissionReviewResponse::new(decision.response))
}
