//! Listing: every kind of a scan a few at a time, each list page by page under a deadline,
//! restarted when its continue token expires, with problems classified per list; objects
//! tidied of what only bloats them.

use std::sync::Arc;
use std::time::Duration;

use kube::api::ListParams;
use kube::Client;
use palisade_core::Json;

use crate::discovery::discover;
use crate::error::{chain, ClusterError, ListProblem, ProblemKind};
use crate::kinds::Kind;
use crate::{Collected, Options};

/// One list that was read completely: where a watch of it carries on.
#[derive(Debug, Clone)]
pub(crate) struct Listed {
    pub(crate) kind: Kind,
    pub(crate) namespace: Option<String>,
    pub(crate) resource_version: String,
}

/// What a listing hands over while it reads, page by page, to a caller that applies each
/// page and lets it go before the next is read ([`crate::watch::Watch::start_streaming`]),
/// so that the whole cluster is never held as pages.
#[derive(Debug)]
pub enum Listing {
    /// The objects of one page of the list of `kind` (in `namespace`, or everywhere), in
    /// the form of [`Collected::objects`].
    Page {
        kind: Kind,
        namespace: Option<String>,
        objects: Vec<Json>,
    },
    /// The list of `kind` (in `namespace`, or everywhere) started over (its continue token
    /// expired) or broke off: the objects its pages handed over so far are to be forgotten.
    /// One that broke off is also in [`Collected::problems`].
    Discard {
        kind: Kind,
        namespace: Option<String>,
    },
}

/// Where the pages of a list go: kept in its outcome, or handed over as they come.
#[derive(Clone)]
pub(crate) enum Pages {
    Kept,
    Sent(tokio::sync::mpsc::Sender<Listing>),
}

/// Lists every kind of `options`, a few at a time; also says, of each list read
/// completely, the `resourceVersion` it was read at. With [`Pages::Sent`] the objects are
/// handed over page by page and [`Collected::objects`] stays empty.
pub(crate) async fn list_all(
    client: Client,
    server: String,
    options: &Options,
    pages: Pages,
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
            let pages = pages.clone();
            tasks.spawn(async move {
                let _permit = semaphore.acquire_owned().await;
                let outcome = lister.run_into(client, &pages).await;
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
    let mut read = 0usize;
    for (_, lister, outcome) in results {
        collected.requests += outcome.requests;
        read += outcome.read;
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
    if read == 0 && collected.problems.iter().all(unanswered) {
        if let Some(first) = collected.problems.first() {
            return Err(ClusterError::Unreachable {
                server: collected.server,
                reason: first.message.clone(),
            });
        }
    }
    Ok((collected, listed))
}

/// A page of a list: its objects, the continue token, the list's `resourceVersion`.
type Page = (Vec<Json>, Option<String>, Option<String>);

pub(crate) struct Lister {
    pub(crate) kind: Kind,
    pub(crate) namespace: Option<String>,
    pub(crate) page_size: u32,
    pub(crate) timeout: Duration,
}

#[derive(Default)]
pub(crate) struct ListOutcome {
    /// The objects read, when they are kept ([`Pages::Kept`]).
    pub(crate) objects: Vec<Json>,
    /// How many objects the list gave (kept or handed over).
    pub(crate) read: usize,
    pub(crate) problem: Option<ListProblem>,
    pub(crate) requests: usize,
    /// The list's `resourceVersion`, from which a watch carries on.
    pub(crate) resource_version: Option<String>,
}

/// How many times a list whose continue token expired (410 Gone) starts over.
const RESTARTS: usize = 3;

impl Lister {
    /// Reads the whole list, its objects kept in the outcome.
    pub(crate) async fn run(&self, client: Client) -> ListOutcome {
        self.run_into(client, &Pages::Kept).await
    }

    /// Reads the whole list, its objects going where `pages` says.
    pub(crate) async fn run_into(&self, client: Client, pages: &Pages) -> ListOutcome {
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
                        self.discard(&mut outcome, pages).await;
                        outcome.resource_version = None;
                        token = None;
                        continue;
                    }
                }
                Ok(Err(error)) => Err(self.classify(error)),
            };
            match page {
                Ok((objects, next, version)) => {
                    outcome.read += objects.len();
                    match pages {
                        Pages::Kept => outcome.objects.extend(objects),
                        Pages::Sent(tx) => {
                            let page = Listing::Page {
                                kind: self.kind,
                                namespace: self.namespace.clone(),
                                objects,
                            };
                            // A receiver gone is a caller that gave up: the list ends
                            // with what it read.
                            let _ = tx.send(page).await;
                        }
                    }
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
                    self.discard(&mut outcome, pages).await;
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

    /// Forgets what the list read so far (it starts over, or broke off).
    async fn discard(&self, outcome: &mut ListOutcome, pages: &Pages) {
        outcome.objects.clear();
        if let Pages::Sent(tx) = pages {
            if outcome.read > 0 {
                let discard = Listing::Discard {
                    kind: self.kind,
                    namespace: self.namespace.clone(),
                };
                let _ = tx.send(discard).await;
            }
        }
        outcome.read = 0;
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

/// An item of a list or the object of a watch event as the rest of Palisade sees it: with
/// its type fields (items of a list carry none), without what [`tidy_json`] drops, and of
/// a kind read as metadata only (a Secret), nothing but its metadata.
pub(crate) fn compact_object(kind: &Kind, item: Json) -> Json {
    let mut entries: Vec<(std::sync::Arc<str>, Json)> = match item {
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
pub(crate) fn tidy_json(object: &mut Json) {
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
}
