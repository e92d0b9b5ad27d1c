//! Request handling: bearer-token authentication, per-resource authorization, discovery,
//! paginated and label-selected lists, get, server-side apply and delete.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::BodyExt;
use hyper::{Request, Response};
use serde_json::{json, Value};

use super::discovery::{discovery, kind_of, qualified};
use super::http::{not_found, reply, status, target, unescape, Body, Target};
use super::store::name_of;
use super::watch::watch;
use super::{Seen, State};

pub(super) async fn respond(
    state: Arc<State>,
    request: Request<hyper::body::Incoming>,
) -> Response<Body> {
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
    let resource = target.resource();
    let served = state.resources.contains(&resource)
        || b.custom_resources
            .iter()
            .any(|c| qualified(&c.group, &c.plural) == resource)
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
                .find(|(p, o)| *p == resource && name_of(o) == (target.namespace.as_deref(), name))
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
                let removed = store.remove(&resource, target.namespace.as_deref(), name);
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
    let resource = target.resource();
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
        .filter(|(p, o)| *p == resource && selected(o, target.namespace.as_deref(), labels))
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

/// Whether `object` is in `namespace` (every object is, for `None`) and carries every
/// `key=value` of a label selector.
pub(super) fn selected(object: &Value, namespace: Option<&str>, labels: Option<&str>) -> bool {
    let in_namespace = namespace.is_none_or(|ns| object["metadata"]["namespace"] == ns);
    let labelled = labels.is_none_or(|selector| {
        selector.split(',').filter(|s| !s.is_empty()).all(|term| {
            term.split_once('=')
                .is_some_and(|(k, v)| object["metadata"]["labels"][k] == v)
        })
    });
    in_namespace && labelled
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
    let resource = target.resource();
    let kind_matches = object["kind"] == kind_of(&state.behaviour, &resource).as_str()
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
        let (stored, created) = store.put(&resource, object);
        (stored, created, store.version)
    };
    state.latest.send_replace(version);
    reply(if created { 201 } else { 200 }, stored)
}
