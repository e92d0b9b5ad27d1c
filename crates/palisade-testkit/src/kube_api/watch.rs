//! Watches: the changes after the requested version, then each change as it happens, with
//! bookmarks and expiry, until `timeoutSeconds`.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::Response;
use serde_json::{json, Value};

use super::discovery::kind_of;
use super::handler::selected;
use super::http::{status, status_object, Body, Lines, Target};
use super::State;

/// A watch: the changes after the requested version (or, without one, the current objects
/// as ADDED), then each change as it happens, with bookmarks, until `timeoutSeconds`.
pub(super) fn watch(
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
    let resource = target.resource();
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
                            *p == resource
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
                            && e.resource == resource
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
                    let bookmark = json!({"kind": kind_of(&state.behaviour, &resource),
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
