//! The cluster kept in view: every kind is listed once, then watched from the list's
//! `resourceVersion` (`?watch=1&allowWatchBookmarks=true`), so a change reaches Palisade as
//! one event instead of a new scan of the whole cluster. A watch that ends (the server's
//! `timeoutSeconds`, a dropped connection) carries on from the last version seen (bookmarks
//! move it on); one that stays silent longer than the server's own deadline is presumed
//! dead and restarted; a version the server no longer has (410 Gone) means that kind is
//! listed again and handed over whole. The same connection writes Palisade's
//! PolicyReports with server-side apply and deletes those no longer true.
//!
//! This module does not judge anything: the caller turns [`Batch`]es of changes into
//! scans and reports.

use std::time::{Duration, Instant};

use futures_util::{Stream, StreamExt};
use kube::api::{
    Api, ApiResource, DeleteParams, DynamicObject, GroupVersionKind, ListParams, Patch,
    PatchParams, WatchEvent, WatchParams,
};
use kube::core::Request;
use kube::Client;
use palisade_core::Json;
use serde_json::Value;
use tokio::sync::mpsc;

use crate::{
    chain, client_config, compact_object, list_all, ClusterError, Collected, Kind, Lister, Listing,
    Pages,
};

/// How a watch is kept alive.
#[derive(Debug, Clone)]
pub struct WatchSettings {
    /// The `timeoutSeconds` of each watch request: the server ends the stream then, and
    /// the watch carries on from where it was.
    pub server_timeout: Duration,
    /// Silence after which a watch is presumed dead and restarted, beyond
    /// [`Self::server_timeout`] (a server that sends bookmarks is never silent that long).
    pub grace: Duration,
    /// Wait before a failed watch or list is tried again.
    pub retry: Duration,
}

impl Default for WatchSettings {
    fn default() -> Self {
        WatchSettings {
            server_timeout: Duration::from_secs(290),
            grace: Duration::from_secs(30),
            retry: Duration::from_secs(2),
        }
    }
}

/// A change seen by a watch. Objects are in the compact form of [`Collected::objects`],
/// read straight into it from the event, and tidied the same way.
#[derive(Debug, Clone)]
pub enum Change {
    /// An object was created or changed: the object as it is now.
    Applied(Json),
    /// An object was deleted: its last state.
    Deleted(Json),
    /// The objects of `kind` (in `namespace`, or everywhere) were listed again after the
    /// watch lost track (410 Gone): these are all of them now.
    Relisted {
        kind: Kind,
        namespace: Option<String>,
        objects: Vec<Json>,
    },
    /// A watch or list failed and is being tried again (for the log: nothing changed).
    Trouble(String),
    /// The watch of `kind` (in `namespace`, or everywhere) was refused (403): its objects
    /// are no longer followed, and what was read of them goes stale.
    Unfollowed {
        kind: Kind,
        namespace: Option<String>,
        reason: String,
    },
}

/// Changes that came in a burst, in the order they came.
#[derive(Debug)]
pub struct Batch {
    pub changes: Vec<Change>,
    /// When the first of them arrived.
    pub first_seen: Instant,
}

/// Why a report could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("{action} {what}: {message}")]
    Request {
        action: &'static str,
        what: String,
        message: String,
    },
    #[error("{action} {what}: no answer within {seconds} s")]
    Timeout {
        action: &'static str,
        what: String,
        seconds: u64,
    },
}

/// The name Palisade gives every report it writes.
pub const REPORT_NAME: &str = "palisade";
/// The label on every report Palisade writes, with value `palisade`.
pub const MANAGED_BY: &str = "app.kubernetes.io/managed-by";
/// The field manager of Palisade's server-side applies.
pub const FIELD_MANAGER: &str = "palisade";

/// A cluster being watched. Blocking to its caller: it runs its own small runtime, on
/// which the watches go on while the caller scans.
pub struct Watch {
    runtime: tokio::runtime::Runtime,
    client: Client,
    timeout: Duration,
    changes: mpsc::Receiver<(Change, Instant)>,
    stop: tokio::sync::watch::Receiver<bool>,
}

impl Watch {
    /// Lists the cluster as [`crate::collect`] does, then starts a watch on every list that
    /// was read, and listens for SIGTERM and SIGINT, which end [`Watch::next_batch`].
    /// `watch` false lists only (for a one-off write of the reports).
    pub fn start(
        options: &crate::Options,
        settings: WatchSettings,
        watch: bool,
    ) -> Result<(Watch, Collected), ClusterError> {
        Watch::begin(options, settings, watch, None)
    }

    /// As [`Watch::start`], but each page of the lists is handed to `sink` as it is read
    /// (and [`Collected::objects`] stays empty): a caller that keeps less than the objects
    /// (the admission webhook's view keeps no pod a controller owns) never holds the whole
    /// cluster. A page is read while the previous one is applied, a few lists at a time.
    pub fn start_streaming(
        options: &crate::Options,
        settings: WatchSettings,
        watch: bool,
        mut sink: impl FnMut(Listing),
    ) -> Result<(Watch, Collected), ClusterError> {
        Watch::begin(options, settings, watch, Some(&mut sink))
    }

    fn begin(
        options: &crate::Options,
        settings: WatchSettings,
        watch: bool,
        sink: Option<&mut dyn FnMut(Listing)>,
    ) -> Result<(Watch, Collected), ClusterError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(ClusterError::Runtime)?;
        let (stop_tx, stop) = tokio::sync::watch::channel(false);
        let (tx, changes) = mpsc::channel(4096);
        let (client, collected) = runtime.block_on(async {
            let config = client_config(options).await?;
            let server = config.cluster_url.to_string();
            // Watches keep a response open for minutes: their liveness is judged here, by
            // silence, not by the per-read deadline of ordinary requests.
            let mut watch_config = config.clone();
            watch_config.read_timeout = None;
            let client = Client::try_from(config).map_err(ClusterError::Client)?;
            let watch_client = Client::try_from(watch_config).map_err(ClusterError::Client)?;
            let (collected, listed) = match sink {
                None => list_all(client.clone(), server, options, Pages::Kept).await?,
                Some(sink) => {
                    // Few pages in flight: each is applied before many more are read.
                    let (pages, mut received) = mpsc::channel(2);
                    let listing = list_all(client.clone(), server, options, Pages::Sent(pages));
                    tokio::pin!(listing);
                    let outcome = loop {
                        tokio::select! {
                            Some(step) = received.recv() => sink(step),
                            outcome = &mut listing => break outcome,
                        }
                    };
                    // Pages sent before the last list ended.
                    while let Ok(step) = received.try_recv() {
                        sink(step);
                    }
                    outcome?
                }
            };
            if watch {
                for listed in listed {
                    let follower = Follower {
                        lister: Lister {
                            kind: listed.kind,
                            namespace: listed.namespace,
                            page_size: options.page_size.max(1),
                            timeout: options.timeout,
                        },
                        version: listed.resource_version,
                        settings: settings.clone(),
                        tx: tx.clone(),
                    };
                    let list_client = client.clone();
                    let watch_client = watch_client.clone();
                    let stop = stop.clone();
                    tokio::spawn(async move {
                        tokio::select! {
                            _ = follower.run(list_client, watch_client) => {}
                            _ = stopped(stop) => {}
                        }
                    });
                }
                tokio::spawn(on_signal(stop_tx));
            }
            Ok::<_, ClusterError>((client, collected))
        })?;
        Ok((
            Watch {
                runtime,
                client,
                timeout: options.timeout,
                changes,
                stop,
            },
            collected,
        ))
    }

    /// Waits for the next change, then gathers those that follow it within `debounce` of
    /// the last one (at most 10 times `debounce` in all), so a burst is one batch. After
    /// `patience` without a change, an empty batch (for work to try again). `None` once
    /// SIGTERM or SIGINT came (or every watch ended).
    pub fn next_batch(&mut self, debounce: Duration, patience: Option<Duration>) -> Option<Batch> {
        let changes = &mut self.changes;
        let mut stop = self.stop.clone();
        self.runtime.block_on(async move {
            let patience = async {
                match patience {
                    Some(wait) => tokio::time::sleep(wait).await,
                    None => std::future::pending().await,
                }
            };
            let (first, first_seen) = tokio::select! {
                change = changes.recv() => change?,
                _ = stopped(stop.clone()) => return None,
                _ = patience => return Some(Batch { changes: Vec::new(), first_seen: Instant::now() }),
            };
            let mut batch = Batch {
                changes: vec![first],
                first_seen,
            };
            let until = tokio::time::Instant::now() + debounce * 10;
            loop {
                let wait =
                    debounce.min(until.saturating_duration_since(tokio::time::Instant::now()));
                tokio::select! {
                    change = tokio::time::timeout(wait, changes.recv()) => match change {
                        Ok(Some((change, _))) => batch.changes.push(change),
                        Ok(None) | Err(_) => break,
                    },
                    _ = stop.changed() => break,
                }
            }
            Some(batch)
        })
    }

    /// Runs `request` on the runtime, under the deadline of a request.
    fn within<F: std::future::Future>(
        &self,
        request: F,
    ) -> Result<F::Output, tokio::time::error::Elapsed> {
        let timeout = self.timeout;
        self.runtime
            .block_on(async move { tokio::time::timeout(timeout, request).await })
    }

    /// Whether SIGTERM or SIGINT came.
    pub fn stopping(&self) -> bool {
        *self.stop.borrow()
    }

    /// Applies `report` (a PolicyReport, or a ClusterPolicyReport) with server-side apply,
    /// as field manager `palisade`, forcing ownership of its fields.
    pub fn apply(&self, report: &Value) -> Result<(), ReportError> {
        let namespace = report
            .pointer("/metadata/namespace")
            .and_then(Value::as_str);
        let name = report
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or(REPORT_NAME);
        let api = report_api(self.client.clone(), namespace);
        let what = report_name(namespace, name);
        let params = PatchParams::apply(FIELD_MANAGER).force();
        let patch = Patch::Apply(report);
        let request = api.patch(name, &params, &patch);
        match self.within(request) {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(error)) => Err(request_error("apply", what, &error)),
            Err(_) => Err(ReportError::Timeout {
                action: "apply",
                what,
                seconds: self.timeout.as_secs(),
            }),
        }
    }

    /// Deletes Palisade's report of `namespace` (the ClusterPolicyReport for `None`); one
    /// already gone is no error.
    pub fn delete(&self, namespace: Option<&str>) -> Result<(), ReportError> {
        let api = report_api(self.client.clone(), namespace);
        let what = report_name(namespace, REPORT_NAME);
        let params = DeleteParams::default();
        let request = api.delete(REPORT_NAME, &params);
        match self.within(request) {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(kube::Error::Api(status))) if status.code == 404 => Ok(()),
            Ok(Err(error)) => Err(request_error("delete", what, &error)),
            Err(_) => Err(ReportError::Timeout {
                action: "delete",
                what,
                seconds: self.timeout.as_secs(),
            }),
        }
    }

    /// The reports Palisade wrote before (labelled `app.kubernetes.io/managed-by=palisade`):
    /// the namespace of each PolicyReport, and `None` for the ClusterPolicyReport.
    pub fn written_reports(&self) -> Result<Vec<Option<String>>, ReportError> {
        let params = ListParams::default().labels(&format!("{MANAGED_BY}=palisade"));
        let mut found = Vec::new();
        for namespaced in [true, false] {
            let api = if namespaced {
                Api::all_with(self.client.clone(), &report_resource(true))
            } else {
                report_api(self.client.clone(), None)
            };
            let what = if namespaced {
                "policyreports.wgpolicyk8s.io"
            } else {
                "clusterpolicyreports.wgpolicyk8s.io"
            };
            let list = self.within(api.list(&params));
            let list = match list {
                Ok(Ok(list)) => list,
                Ok(Err(error)) => return Err(request_error("list", what.into(), &error)),
                Err(_) => {
                    return Err(ReportError::Timeout {
                        action: "list",
                        what: what.into(),
                        seconds: self.timeout.as_secs(),
                    })
                }
            };
            for item in list.items {
                if item.metadata.name.as_deref() == Some(REPORT_NAME) {
                    found.push(if namespaced {
                        item.metadata.namespace.clone()
                    } else {
                        None
                    });
                }
            }
        }
        found.retain(|ns| ns.as_deref() != Some(""));
        Ok(found)
    }
}

/// `PolicyReport shop/palisade`, `ClusterPolicyReport palisade`.
fn report_name(namespace: Option<&str>, name: &str) -> String {
    match namespace {
        Some(ns) => format!("PolicyReport {ns}/{name}"),
        None => format!("ClusterPolicyReport {name}"),
    }
}

fn report_resource(namespaced: bool) -> ApiResource {
    let (kind, plural) = if namespaced {
        ("PolicyReport", "policyreports")
    } else {
        ("ClusterPolicyReport", "clusterpolicyreports")
    };
    let gvk = GroupVersionKind::gvk("wgpolicyk8s.io", "v1alpha2", kind);
    ApiResource::from_gvk_with_plural(&gvk, plural)
}

fn report_api(client: Client, namespace: Option<&str>) -> Api<DynamicObject> {
    match namespace {
        Some(ns) => Api::namespaced_with(client, ns, &report_resource(true)),
        None => Api::all_with(client, &report_resource(false)),
    }
}

fn request_error(action: &'static str, what: String, error: &kube::Error) -> ReportError {
    let message = match error {
        kube::Error::Api(status) => format!("HTTP {}: {}", status.code, status.message),
        other => chain(other),
    };
    ReportError::Request {
        action,
        what,
        message,
    }
}

/// Resolves once `stop` turns true (or its sender is gone).
async fn stopped(mut stop: tokio::sync::watch::Receiver<bool>) {
    while !*stop.borrow_and_update() {
        if stop.changed().await.is_err() {
            // No sender: signals are not listened for (list-only), nothing will stop it.
            std::future::pending::<()>().await;
        }
    }
}

/// Turns SIGTERM (how Kubernetes stops a pod) or SIGINT into a stop.
async fn on_signal(stop: tokio::sync::watch::Sender<bool>) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let (Ok(mut term), Ok(mut int)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) else {
            std::future::pending::<()>().await;
            return;
        };
        tokio::select! {
            _ = term.recv() => {}
            _ = int.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
    let _ = stop.send(true);
    // Keep the sender alive: a dropped sender would read as "never stopping".
    std::future::pending::<()>().await;
}

/// What a watch stream yields, whatever the kind's objects are read as.
enum Seen {
    Applied(Json),
    Deleted(Json),
    Bookmark(String),
    /// An ERROR event: the Status code and message.
    Error(u16, String),
}

impl Seen {
    /// What a watch event of `kind` says: its object as [`crate::Lister`] reads the items
    /// of a list ([`compact_object`]: type fields set, `managedFields` and the
    /// last-applied-configuration annotation dropped, only the metadata of a kind read as
    /// metadata only).
    fn of(kind: &Kind, event: WatchEvent<Json>) -> Seen {
        match event {
            WatchEvent::Added(o) | WatchEvent::Modified(o) => {
                Seen::Applied(compact_object(kind, o))
            }
            WatchEvent::Deleted(o) => Seen::Deleted(compact_object(kind, o)),
            WatchEvent::Bookmark(b) => Seen::Bookmark(b.metadata.resource_version),
            WatchEvent::Error(s) => Seen::Error(s.code, s.message),
        }
    }
}

/// The version of an object as the server sent it.
fn version_of(object: &Json) -> Option<String> {
    object
        .pointer("/metadata/resourceVersion")
        .and_then(Json::as_str)
        .map(str::to_string)
}

/// The longest wait between two tries of a failing watch or list.
const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// One kind (in one namespace, or everywhere) watched without end.
struct Follower {
    lister: Lister,
    version: String,
    settings: WatchSettings,
    tx: mpsc::Sender<(Change, Instant)>,
}

enum Ended {
    /// The stream ended or went silent: carry on from the last version.
    Resume,
    /// The version is too old (410 Gone): list again.
    Gone,
    /// A failure: wait, then carry on.
    Failed(String),
    /// Nobody listens any more.
    Closed,
    /// The credentials may list this kind but not watch it: asking again will not help.
    Forbidden(String),
}

impl Follower {
    async fn run(mut self, list_client: Client, watch_client: Client) {
        let url = self
            .lister
            .kind
            .api_in(watch_client.clone(), self.lister.namespace.as_deref())
            .resource_url()
            .to_string();
        // Doubles with each failure in a row, up to a minute: a watch the credentials may
        // not open (list allowed, watch not) retries without flooding the log.
        let mut backoff = self.settings.retry;
        loop {
            let opened = Instant::now();
            match self.follow(&watch_client, &url).await {
                Ended::Closed => return,
                Ended::Forbidden(reason) => {
                    let reason = format!(
                        "{reason}; Palisade needs watch on {}: changes to them are not followed",
                        self.lister.kind.resource()
                    );
                    self.send(Change::Unfollowed {
                        kind: self.lister.kind,
                        namespace: self.lister.namespace.clone(),
                        reason,
                    })
                    .await;
                    return;
                }
                Ended::Resume => {
                    if opened.elapsed() < self.settings.retry {
                        // A server that ends every watch at once is not asked again at once.
                        tokio::time::sleep(self.settings.retry).await;
                    } else {
                        backoff = self.settings.retry;
                    }
                }
                Ended::Failed(reason) => {
                    if !self.send(Change::Trouble(reason)).await {
                        return;
                    }
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                }
                Ended::Gone => loop {
                    let outcome = self.lister.run(list_client.clone()).await;
                    match outcome.problem {
                        None => {
                            self.version = outcome.resource_version.unwrap_or_default();
                            let change = Change::Relisted {
                                kind: self.lister.kind,
                                namespace: self.lister.namespace.clone(),
                                objects: outcome.objects,
                            };
                            if !self.send(change).await {
                                return;
                            }
                            break;
                        }
                        Some(problem) => {
                            if !self.send(Change::Trouble(problem.to_string())).await {
                                return;
                            }
                            tokio::time::sleep(backoff).await;
                            backoff = (backoff * 2).min(MAX_BACKOFF);
                        }
                    }
                },
            }
        }
    }

    async fn send(&self, change: Change) -> bool {
        self.tx.send((change, Instant::now())).await.is_ok()
    }

    fn what(&self) -> String {
        let mut text = format!("watch {}", self.lister.kind.resource());
        if let Some(ns) = &self.lister.namespace {
            text.push_str(&format!(" in namespace {ns}"));
        }
        text
    }

    /// One watch request, followed until it ends. Each event is read straight into the
    /// compact form (`WatchEvent<Json>`): no `serde_json::Value` of the object is made.
    async fn follow(&mut self, client: &Client, url: &str) -> Ended {
        let seconds = self
            .settings
            .server_timeout
            .as_secs()
            .clamp(1, u32::MAX as u64) as u32;
        // Bookmarks (`allowWatchBookmarks=true`) are on by default in WatchParams.
        let params = WatchParams::default().timeout(seconds);
        let silence = self.settings.server_timeout + self.settings.grace;
        let kind = self.lister.kind;
        let request = Request::new(url);
        let request = if kind.metadata_only {
            request.watch_metadata(&params, &self.version)
        } else {
            request.watch(&params, &self.version)
        };
        let mut request = match request {
            Ok(request) => request,
            Err(error) => return Ended::Failed(format!("{}: {error}", self.what())),
        };
        // As kube's `Api::watch` marks it (the name of its tracing span).
        request.extensions_mut().insert("watch");
        let opened = tokio::time::timeout(self.lister.timeout, async {
            client.request_events::<Json>(request).await.map(|s| {
                s.map(move |event| event.map(|e| Seen::of(&kind, e)))
                    .boxed()
            })
        })
        .await;
        let mut stream = match opened {
            Err(_) => {
                return Ended::Failed(format!(
                    "{}: no response within {} s",
                    self.what(),
                    self.lister.timeout.as_secs()
                ))
            }
            Ok(Err(kube::Error::Api(status))) if status.code == 410 => return Ended::Gone,
            Ok(Err(kube::Error::Api(status))) if status.code == 403 => {
                return Ended::Forbidden(format!("{}: HTTP 403: {}", self.what(), status.message))
            }
            Ok(Err(error)) => return Ended::Failed(format!("{}: {}", self.what(), chain(&error))),
            Ok(Ok(stream)) => stream,
        };
        self.drain(&mut stream, silence).await
    }

    async fn drain(
        &mut self,
        stream: &mut (impl Stream<Item = Result<Seen, kube::Error>> + Unpin),
        silence: Duration,
    ) -> Ended {
        loop {
            let next = match tokio::time::timeout(silence, stream.next()).await {
                // Silent for longer than the server would keep it open: presumed dead.
                Err(_) => return Ended::Resume,
                Ok(None) => return Ended::Resume,
                Ok(Some(Err(error))) => {
                    return Ended::Failed(format!("{}: {}", self.what(), chain(&error)))
                }
                Ok(Some(Ok(seen))) => seen,
            };
            let change = match next {
                Seen::Applied(object) => {
                    if let Some(version) = version_of(&object) {
                        self.version = version;
                    }
                    Change::Applied(object)
                }
                Seen::Deleted(object) => {
                    if let Some(version) = version_of(&object) {
                        self.version = version;
                    }
                    Change::Deleted(object)
                }
                Seen::Bookmark(version) => {
                    if !version.is_empty() {
                        self.version = version;
                    }
                    continue;
                }
                Seen::Error(410, _) => return Ended::Gone,
                Seen::Error(code, message) => {
                    return Ended::Failed(format!("{}: HTTP {code}: {message}", self.what()))
                }
            };
            if !self.send(change).await {
                return Ended::Closed;
            }
        }
    }
}

/// A digest of how a report holds ([`without_timestamps`]): a caller keeps it, rather than
/// the report (a namespace's report of many results is large), to tell a report that
/// needs no write.
pub fn fingerprint(report: &Value) -> [u8; 32] {
    use sha2::Digest;
    let text = serde_json::to_vec(&without_timestamps(report)).unwrap_or_default();
    sha2::Sha256::digest(&text).into()
}

/// How a report holds, when written: used by callers to tell a report that needs no write.
pub fn without_timestamps(report: &Value) -> Value {
    let mut copy = report.clone();
    if let Some(Value::Array(results)) = copy.get_mut("results") {
        for result in results {
            if let Value::Object(map) = result {
                map.remove("timestamp");
            }
        }
    }
    copy
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_names_say_kind_and_place() {
        assert_eq!(
            report_name(Some("shop"), REPORT_NAME),
            "PolicyReport shop/palisade"
        );
        assert_eq!(
            report_name(None, REPORT_NAME),
            "ClusterPolicyReport palisade"
        );
    }

    #[test]
    fn timestamps_do_not_count_as_a_change() {
        let a = serde_json::json!({"results": [{"policy": "ISO003", "timestamp": {"seconds": 1}}]});
        let b = serde_json::json!({"results": [{"policy": "ISO003", "timestamp": {"seconds": 2}}]});
        assert_eq!(without_timestamps(&a), without_timestamps(&b));
        assert_ne!(a, b);
        assert_eq!(fingerprint(&a), fingerprint(&b));
        let c = serde_json::json!({"results": [{"policy": "ISO004", "timestamp": {"seconds": 1}}]});
        assert_ne!(fingerprint(&a), fingerprint(&c));
    }

    fn follower() -> (Follower, mpsc::Receiver<(Change, Instant)>) {
        let (tx, rx) = mpsc::channel(16);
        let follower = Follower {
            lister: Lister {
                kind: crate::kinds_named(&["Pod"])[0],
                namespace: None,
                page_size: 10,
                timeout: Duration::from_secs(1),
            },
            version: "10".into(),
            settings: WatchSettings::default(),
            tx,
        };
        (follower, rx)
    }

    #[tokio::test]
    async fn a_silent_watch_is_given_up_and_resumed_from_the_last_version() {
        let (mut follower, mut rx) = follower();
        let events = futures_util::stream::iter(vec![
            Ok(Seen::Applied(Json::from(serde_json::json!({"kind": "Pod", "metadata": {"name": "a", "resourceVersion": "11"}})))),
            Ok(Seen::Bookmark("15".into())),
        ])
        .chain(futures_util::stream::pending());
        let mut events = Box::pin(events);
        let ended = follower.drain(&mut events, Duration::from_millis(50)).await;
        assert!(matches!(ended, Ended::Resume));
        assert_eq!(follower.version, "15");
        assert!(matches!(rx.recv().await, Some((Change::Applied(_), _))));
    }

    #[tokio::test]
    async fn an_expired_version_calls_for_a_new_list_and_other_errors_for_a_retry() {
        let (mut follower, _rx) = follower();
        let mut gone = futures_util::stream::iter(vec![Ok(Seen::Error(410, "too old".into()))]);
        assert!(matches!(
            follower.drain(&mut gone, Duration::from_secs(5)).await,
            Ended::Gone
        ));
        let mut refused = futures_util::stream::iter(vec![Ok(Seen::Error(500, "internal".into()))]);
        match follower.drain(&mut refused, Duration::from_secs(5)).await {
            Ended::Failed(reason) => assert_eq!(reason, "watch pods: HTTP 500: internal"),
            _ => panic!("a server error is a failure"),
        }
    }

    #[test]
    fn versions_are_read_from_metadata() {
        let object = Json::from(serde_json::json!({"metadata": {"resourceVersion": "42"}}));
        assert_eq!(version_of(&object).as_deref(), Some("42"));
        assert_eq!(
            version_of(&Json::from(serde_json::json!({"metadata": 3}))),
            None
        );
    }

    /// A watch event as the API server writes it on its line, read as the follower reads it.
    fn event(kind: &str, line: &str) -> Seen {
        let event: WatchEvent<Json> = serde_json::from_str(line).expect("a watch event");
        Seen::of(&crate::kinds_named(&[kind])[0], event)
    }

    #[test]
    fn events_lose_managed_fields_and_last_applied_configuration() {
        let line = r#"{"type":"MODIFIED","object":{"apiVersion":"v1","kind":"Pod",
            "metadata":{"name":"web","namespace":"shop","resourceVersion":"12",
              "managedFields":[{"manager":"kubectl","operation":"Apply"}],
              "annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{}",
                             "team":"payments"}},
            "spec":{"containers":[{"name":"app","image":"nginx"}]}}}"#;
        let Seen::Applied(object) = event("Pod", line) else {
            panic!("MODIFIED is a change applied");
        };
        assert_eq!(
            object.to_value(),
            serde_json::json!({"apiVersion": "v1", "kind": "Pod",
                "metadata": {"name": "web", "namespace": "shop", "resourceVersion": "12",
                             "annotations": {"team": "payments"}},
                "spec": {"containers": [{"name": "app", "image": "nginx"}]}})
        );
    }

    #[test]
    fn a_secret_event_keeps_only_the_metadata() {
        // What a server that ignores the metadata-only Accept header would send.
        let line = r#"{"type":"ADDED","object":{"apiVersion":"v1","kind":"Secret",
            "metadata":{"name":"db","namespace":"shop","resourceVersion":"7",
              "managedFields":[{"manager":"kubectl"}],
              "annotations":{"kubectl.kubernetes.io/last-applied-configuration":
                "{\"data\":{\"password\":\"aHVudGVyMg==\"}}"}},
            "data":{"password":"aHVudGVyMg=="},"stringData":{"token":"t"},"type":"Opaque"}}"#;
        let Seen::Applied(object) = event("Secret", line) else {
            panic!("ADDED is a change applied");
        };
        assert_eq!(
            object.to_value(),
            serde_json::json!({"apiVersion": "v1", "kind": "Secret",
                "metadata": {"name": "db", "namespace": "shop", "resourceVersion": "7"}})
        );
        // A PartialObjectMetadata (what the server sends when asked for metadata only)
        // takes the Secret's type fields.
        let line = r#"{"type":"DELETED","object":{"apiVersion":"meta.k8s.io/v1",
            "kind":"PartialObjectMetadata","metadata":{"name":"db","namespace":"shop",
              "managedFields":[{"manager":"kubectl"}]}}}"#;
        let Seen::Deleted(object) = event("Secret", line) else {
            panic!("DELETED is a deletion");
        };
        assert_eq!(
            object.to_value(),
            serde_json::json!({"apiVersion": "v1", "kind": "Secret",
                "metadata": {"name": "db", "namespace": "shop"}})
        );
    }

    #[test]
    fn bookmarks_and_errors_are_read_whichever_field_comes_first() {
        let bookmark = r#"{"object":{"kind":"Pod","apiVersion":"v1",
            "metadata":{"resourceVersion":"30"}},"type":"BOOKMARK"}"#;
        assert!(matches!(event("Pod", bookmark), Seen::Bookmark(v) if v == "30"));
        let gone = r#"{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1",
            "status":"Failure","message":"too old resource version","reason":"Expired",
            "code":410}}"#;
        assert!(
            matches!(event("Pod", gone), Seen::Error(410, m) if m == "too old resource version")
        );
    }
}
