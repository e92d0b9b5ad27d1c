//! The server's view of the cluster (`palisade serve --cluster`): the objects the rules
//! that need the rest of the cluster read ([`VIEW_KINDS`]: workloads and pods, Services,
//! Ingresses, NetworkPolicies, RBAC, ServiceAccounts, Namespaces), kept in a
//! [`ClusterIndex`] that an object under review is judged against, and the Namespaces'
//! labels, which choose each namespace's mode as Pod Security Admission's labels do,
//! because an AdmissionReview carries the object but not its namespace's labels.
//!
//! The server does not read the cluster itself: the front-end follows it (a list, then
//! watches) and writes each change through a [`ClusterFeed`], which swaps a new view in
//! while requests in flight keep the one they started with. Until the first listing, and
//! for the kinds that could not be read, the context rules are not evaluated: each decision
//! says so (`not-evaluated` audit annotation, log line, metric) rather than allowing or
//! denying on what was not seen.
//!
//! ```yaml
//! metadata:
//!   labels:
//!     palisade.dev/warn: "true"     # or palisade.dev/enforce, palisade.dev/audit
//! ```

use std::collections::BTreeMap;
use std::sync::Arc;

use palisade_engine::ClusterIndex;

use crate::config::Mode;
use crate::metrics::Metrics;

/// The label prefix; `palisade.dev/<mode>: "true"` sets the namespace's mode.
pub const MODE_LABEL_PREFIX: &str = "palisade.dev/";

/// The kinds the server's view holds: what the context rules read (with the Namespaces for
/// their mode labels). A deployment grants list and watch on these and nothing more.
pub const VIEW_KINDS: &[&str] = &[
    "Namespace",
    "Pod",
    "Deployment",
    "DaemonSet",
    "StatefulSet",
    "ReplicaSet",
    "ReplicationController",
    "Job",
    "CronJob",
    "Service",
    "ServiceAccount",
    "NetworkPolicy",
    "Ingress",
    "Role",
    "RoleBinding",
    "ClusterRole",
    "ClusterRoleBinding",
];

/// What the server knows of the cluster.
#[derive(Debug, Default, Clone)]
pub struct ClusterView {
    /// Modes set by Namespace labels; they take precedence over `[webhook.namespace_modes]`.
    pub namespace_modes: BTreeMap<String, Mode>,
    /// The cluster's objects, with `--cluster`; without it the context rules are skipped.
    pub index: Option<Arc<ClusterIndex>>,
}

/// The mode a Namespace's labels choose: the strictest labelled `"true"`.
pub fn mode_of(labels: &BTreeMap<String, String>) -> Option<Mode> {
    [Mode::Enforce, Mode::Warn, Mode::Audit]
        .into_iter()
        .find(|mode| {
            labels
                .get(&format!("{MODE_LABEL_PREFIX}{}", mode.as_str()))
                .is_some_and(|v| v.eq_ignore_ascii_case("true"))
        })
}

impl ClusterView {
    /// The view of `index`: its objects, and the modes its Namespaces' labels set.
    pub fn of(index: ClusterIndex) -> ClusterView {
        let namespace_modes = index
            .namespaces()
            .filter_map(|ns| Some((ns.name.clone(), mode_of(&ns.labels)?)))
            .collect();
        ClusterView {
            namespace_modes,
            index: Some(Arc::new(index)),
        }
    }
}

/// Where the front-end writes what it reads of the cluster. Cheap to clone; every update
/// swaps a new view in.
#[derive(Clone)]
pub struct ClusterFeed {
    pub(crate) current: Arc<arc_swap::ArcSwap<ClusterView>>,
    pub(crate) metrics: Arc<Metrics>,
}

impl std::fmt::Debug for ClusterFeed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClusterFeed").finish_non_exhaustive()
    }
}

/// What the log says of a view: enough to tell when it changes in a way worth a line.
#[derive(PartialEq)]
struct Summary {
    listed: bool,
    labelled: BTreeMap<String, Mode>,
    unavailable: BTreeMap<String, String>,
}

fn summary(view: &ClusterView) -> Summary {
    let index = view.index.as_deref();
    Summary {
        listed: index.is_some_and(ClusterIndex::is_listed),
        labelled: view.namespace_modes.clone(),
        unavailable: index.map(|i| i.unavailable().clone()).unwrap_or_default(),
    }
}

impl ClusterFeed {
    /// Applies `change` to a copy of the index in service and swaps the result in. A kind
    /// that is not available keeps the Namespace labels read before (partial labels would
    /// silently enforce in a namespace meant to warn). Logs a `cluster_view` line when the
    /// first listing lands, when the labels change, and when a kind becomes unreadable or
    /// readable again.
    pub fn update(&self, change: impl FnOnce(&mut ClusterIndex)) {
        let old = self.current.load_full();
        let mut index = old.index.as_deref().cloned().unwrap_or_default();
        change(&mut index);
        self.install(&old, index);
    }

    /// Swaps `index`, built apart from the one in service (a whole listing), in; as
    /// [`ClusterFeed::update`] otherwise.
    pub fn replace(&self, index: ClusterIndex) {
        let old = self.current.load_full();
        self.install(&old, index);
    }

    fn install(&self, old: &ClusterView, index: ClusterIndex) {
        let namespaces_known = !index.unavailable().contains_key("Namespace");
        let mut view = ClusterView::of(index);
        if !namespaces_known {
            view.namespace_modes = old.namespace_modes.clone();
        }
        let before = summary(old);
        let after = summary(&view);
        let index = view.index.clone().unwrap_or_default();
        self.current.store(Arc::new(view));
        self.metrics.reload("cluster", true);
        if before == after {
            return;
        }
        let mut event = serde_json::Map::new();
        event.insert("event".into(), "cluster_view".into());
        event.insert("ok".into(), after.unavailable.is_empty().into());
        event.insert("objects".into(), index.len().into());
        event.insert("namespaces".into(), index.namespaces().count().into());
        event.insert(
            "labelled".into(),
            after
                .labelled
                .iter()
                .map(|(ns, mode)| (ns.clone(), mode.as_str().into()))
                .collect::<serde_json::Map<_, _>>()
                .into(),
        );
        if !after.unavailable.is_empty() {
            event.insert(
                "unavailable".into(),
                after
                    .unavailable
                    .iter()
                    .map(|(kind, reason)| (kind.clone(), reason.clone().into()))
                    .collect::<serde_json::Map<_, _>>()
                    .into(),
            );
            event.insert(
                "not_evaluated".into(),
                index.not_evaluated().into_iter().collect::<Vec<_>>().into(),
            );
        }
        crate::log(event);
    }

    /// A read of the cluster failed and is being tried again: logged and counted
    /// (`palisade_webhook_reloads_total{source="cluster",outcome="error"}`); the view in
    /// service stays.
    pub fn trouble(&self, message: &str) {
        self.metrics.reload("cluster", false);
        let mut event = serde_json::Map::new();
        event.insert("event".into(), "cluster_view".into());
        event.insert("ok".into(), false.into());
        event.insert(
            "error".into(),
            palisade_core::text::printable(message).into_owned().into(),
        );
        event.insert("kept".into(), "the view read before".into());
        crate::log(event);
    }
}

/// How long a view with kinds whose list failed waits before listing the cluster again.
pub const RELIST_FAILED_AFTER: std::time::Duration = std::time::Duration::from_secs(60);

/// Follows the cluster into `feed` until SIGTERM or SIGINT: lists the kinds of `options`
/// (normally [`VIEW_KINDS`]), then watches each list that was read from its
/// `resourceVersion` (bookmarks, 410 Gone relisted), with the live-cluster client of
/// `palisade cluster --watch`. A kind that could not be listed, or whose watch is refused,
/// is marked unavailable with the reason. While a list has failed (forbidden, timed out),
/// the whole cluster is listed and watched again every `relist_failed_after`, so a
/// permission granted later or a passing outage does not keep rules off for good; a
/// cluster that cannot be reached at all is tried again, waiting twice as long each time
/// up to a minute. Blocking: run it on a thread of its own.
pub fn follow(
    options: &palisade_cluster::Options,
    feed: &ClusterFeed,
    relist_failed_after: std::time::Duration,
) {
    use palisade_cluster::watch::{Change, Watch, WatchSettings};
    const FIRST_RETRY: std::time::Duration = std::time::Duration::from_secs(2);
    const LAST_RETRY: std::time::Duration = std::time::Duration::from_secs(60);
    // A whole listing, every kind of `options`, each page applied to a new index as it is
    // read (a pod a controller owns is not kept: the pages are not held until the end),
    // swapped in once every list is done; the view in service stays until then. Whether
    // some list failed.
    let list = || {
        let mut retry = FIRST_RETRY;
        loop {
            let mut index = ClusterIndex::default();
            let started = Watch::start_streaming(options, WatchSettings::default(), true, |step| {
                apply_listing(&mut index, step)
            });
            match started {
                Ok((watch, collected)) => {
                    for problem in &collected.problems {
                        index.set_unavailable(
                            problem.listed.kind,
                            palisade_core::text::printable(&problem.to_string()).into_owned(),
                        );
                    }
                    index.mark_listed();
                    feed.replace(index);
                    break (watch, !collected.problems.is_empty());
                }
                Err(error) => {
                    feed.trouble(&error.to_string());
                    std::thread::sleep(retry);
                    retry = (retry * 2).min(LAST_RETRY);
                }
            }
        }
    };
    let (mut watch, mut failed) = list();
    // A burst of changes is applied as one new view.
    let debounce = std::time::Duration::from_millis(20);
    loop {
        let Some(batch) = watch.next_batch(debounce, failed.then_some(relist_failed_after)) else {
            return;
        };
        if batch.changes.is_empty() {
            // Some list failed: read everything again, and follow the new lists.
            drop(watch);
            (watch, failed) = list();
            continue;
        }
        let mut troubles = Vec::new();
        feed.update(|index| {
            for change in batch.changes {
                match change {
                    // Watch events arrive in the compact form the index keeps.
                    Change::Applied(object) => index.apply(&object),
                    Change::Deleted(object) => index.remove(&object),
                    Change::Relisted {
                        kind,
                        namespace,
                        objects,
                    } => index.replace(kind.kind, namespace.as_deref(), &objects),
                    Change::Unfollowed { kind, reason, .. } => {
                        index.set_unavailable(
                            kind.kind,
                            palisade_core::text::printable(&reason).into_owned(),
                        );
                    }
                    Change::Trouble(message) => troubles.push(message),
                }
            }
        });
        for message in troubles {
            feed.trouble(&message);
        }
    }
}

/// Applies one step of a listing to `index`: a page's objects stored, or a list that
/// started over or broke off forgotten.
pub fn apply_listing(index: &mut ClusterIndex, step: palisade_cluster::Listing) {
    match step {
        palisade_cluster::Listing::Page { objects, .. } => {
            for object in &objects {
                index.apply(object);
            }
        }
        palisade_cluster::Listing::Discard { kind, namespace } => {
            index.replace(
                kind.kind,
                namespace.as_deref(),
                &[] as &[palisade_core::Json],
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn labels_choose_the_mode_and_the_strictest_wins() {
        let mut index = ClusterIndex::default();
        for namespace in [
            json!({"apiVersion": "v1", "kind": "Namespace",
                   "metadata": {"name": "legacy", "labels": {"palisade.dev/warn": "true"}}}),
            json!({"apiVersion": "v1", "kind": "Namespace",
                   "metadata": {"name": "lab", "labels": {"palisade.dev/audit": "true",
                                                          "palisade.dev/enforce": "true"}}}),
            json!({"apiVersion": "v1", "kind": "Namespace",
                   "metadata": {"name": "shop", "labels": {"palisade.dev/audit": "false"}}}),
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "plain"}}),
        ] {
            index.apply(&namespace);
        }
        let view = ClusterView::of(index);
        assert_eq!(
            view.namespace_modes,
            BTreeMap::from([
                ("lab".to_string(), Mode::Enforce),
                ("legacy".to_string(), Mode::Warn),
            ])
        );
    }

    /// Waits (at most 600 times 50 ms) until the view in `feed` satisfies `done`.
    fn view_until(feed: &ClusterFeed, done: impl Fn(&ClusterView) -> bool) {
        for _ in 0..600 {
            if done(&feed.current.load()) {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!("the view never got there");
    }

    #[test]
    fn a_kind_refused_at_first_is_read_once_the_permission_is_granted() {
        use palisade_testkit::kube_api::{ApiServer, Behaviour};
        let mut behaviour = Behaviour {
            token: "view".into(),
            objects: vec![(
                "networkpolicies".into(),
                json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                       "metadata": {"name": "deny", "namespace": "shop"},
                       "spec": {"podSelector": {}, "policyTypes": ["Ingress"]}}),
            )],
            served_extra: palisade_cluster::kinds_named(VIEW_KINDS)
                .iter()
                .map(|k| k.plural.to_string())
                .collect(),
            ..Behaviour::default()
        };
        behaviour.forbidden.insert("networkpolicies".into());
        let api = ApiServer::start(behaviour);
        let dir = tempfile::tempdir().unwrap();
        let options = palisade_cluster::Options {
            kubeconfig: Some(api.kubeconfig(dir.path(), "view")),
            kinds: palisade_cluster::kinds_named(VIEW_KINDS),
            timeout: std::time::Duration::from_secs(5),
            ..palisade_cluster::Options::default()
        };
        assert_eq!(options.kinds.len(), VIEW_KINDS.len());
        let feed = ClusterFeed {
            current: Arc::new(arc_swap::ArcSwap::from_pointee(ClusterView::default())),
            metrics: Arc::new(Metrics::default()),
        };
        let following = feed.clone();
        // Runs until the test process ends.
        std::thread::spawn(move || {
            follow(&options, &following, std::time::Duration::from_millis(200))
        });
        view_until(&feed, |view| {
            view.index.as_deref().is_some_and(|index| {
                index.is_listed() && index.unavailable().contains_key("NetworkPolicy")
            })
        });
        assert!(feed.current.load().index.as_deref().unwrap().is_empty());
        api.grant("networkpolicies");
        view_until(&feed, |view| {
            view.index
                .as_deref()
                .is_some_and(|index| index.unavailable().is_empty() && index.len() == 1)
        });
    }

    #[test]
    fn a_listing_applied_page_by_page_gives_the_view_of_the_whole_listing() {
        use palisade_cluster::watch::{Watch, WatchSettings};
        use palisade_testkit::kube_api::{ApiServer, Behaviour};
        let mut objects = Vec::new();
        for i in 0..12 {
            let ns = format!("team-{i}");
            let uid = format!("deploy-{i}");
            objects.push((
                "namespaces".to_string(),
                json!({"apiVersion": "v1", "kind": "Namespace",
                       "metadata": {"name": ns, "labels": {"palisade.dev/warn": "true"}}}),
            ));
            objects.push((
                "deployments".into(),
                json!({"apiVersion": "apps/v1", "kind": "Deployment",
                       "metadata": {"name": "web", "namespace": ns, "uid": uid},
                       "spec": {"selector": {"matchLabels": {"app": "web"}},
                                "template": {"metadata": {"labels": {"app": "web"}},
                                             "spec": {"containers": [{"name": "app",
                                                 "image": "nginx:1.27",
                                                 "ports": [{"containerPort": 8080}]}]}}}}),
            ));
            for p in 0..3 {
                // Pods of the Deployment (not kept), and one of nobody (kept).
                let owner = json!([{"apiVersion": "apps/v1", "kind": "ReplicaSet",
                                    "name": "web-1", "uid": format!("rs-{i}"),
                                    "controller": true}]);
                let mut pod = json!({"apiVersion": "v1", "kind": "Pod",
                       "metadata": {"name": format!("web-{p}"), "namespace": ns,
                                    "labels": {"app": "web"}},
                       "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]}});
                if p > 0 {
                    pod["metadata"]["ownerReferences"] = owner;
                }
                objects.push(("pods".into(), pod));
            }
            objects.push((
                "networkpolicies".into(),
                json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                       "metadata": {"name": "deny", "namespace": ns},
                       "spec": {"podSelector": {}, "policyTypes": ["Ingress"]}}),
            ));
            objects.push((
                "rolebindings".into(),
                json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
                       "metadata": {"name": "edit", "namespace": ns},
                       "roleRef": {"apiGroup": "rbac.authorization.k8s.io",
                                   "kind": "ClusterRole", "name": "edit"},
                       "subjects": [{"kind": "ServiceAccount", "name": "default",
                                     "namespace": ns}]}),
            ));
        }
        let mut behaviour = Behaviour {
            token: "view".into(),
            objects,
            served_extra: palisade_cluster::kinds_named(VIEW_KINDS)
                .iter()
                .map(|k| k.plural.to_string())
                .collect(),
            ..Behaviour::default()
        };
        // The list of pods starts over after its first page: what that page gave is
        // forgotten, then read again.
        behaviour.expire_once.insert("pods".into());
        let api = ApiServer::start(behaviour);
        let dir = tempfile::tempdir().unwrap();
        let options = palisade_cluster::Options {
            kubeconfig: Some(api.kubeconfig(dir.path(), "view")),
            kinds: palisade_cluster::kinds_named(VIEW_KINDS),
            page_size: 5,
            timeout: std::time::Duration::from_secs(5),
            ..palisade_cluster::Options::default()
        };
        let mut streamed = ClusterIndex::default();
        let (mut pages, mut discarded) = (0, 0);
        let (_watch, collected) =
            Watch::start_streaming(&options, WatchSettings::default(), false, |step| {
                match &step {
                    palisade_cluster::Listing::Page { .. } => pages += 1,
                    palisade_cluster::Listing::Discard { .. } => discarded += 1,
                }
                apply_listing(&mut streamed, step);
            })
            .unwrap();
        assert!(collected.problems.is_empty(), "{:?}", collected.problems);
        assert!(collected.objects.is_empty());
        assert!(pages > 10, "{pages} pages");
        assert_eq!(discarded, 1);
        // The same cluster read whole, then applied, as the view was built before.
        let whole = palisade_cluster::collect(&options).unwrap();
        assert_eq!(whole.objects.len(), 12 * 7);
        let mut at_once = ClusterIndex::default();
        for object in &whole.objects {
            at_once.apply(object);
        }
        // Namespaces, Deployments, a pod of nobody, policies and bindings of each.
        assert_eq!(streamed.len(), 12 * 5);
        assert_eq!(format!("{streamed:?}"), format!("{at_once:?}"));
        assert_eq!(
            ClusterView::of(streamed).namespace_modes,
            ClusterView::of(at_once).namespace_modes
        );
    }

    #[test]
    fn unreadable_namespaces_keep_the_labels_read_before() {
        let feed = ClusterFeed {
            current: Arc::new(arc_swap::ArcSwap::from_pointee(ClusterView::default())),
            metrics: Arc::new(Metrics::default()),
        };
        feed.update(|index| {
            index.apply(&json!({"apiVersion": "v1", "kind": "Namespace",
                "metadata": {"name": "legacy", "labels": {"palisade.dev/warn": "true"}}}));
            index.mark_listed();
        });
        feed.update(|index| {
            index.replace("Namespace", None, &[] as &[palisade_core::Json]);
            index.set_unavailable("Namespace", "list namespaces forbidden");
        });
        let view = feed.current.load();
        assert_eq!(view.namespace_modes.get("legacy"), Some(&Mode::Warn));
        let index = view.index.as_deref().unwrap();
        assert!(index.unavailable().contains_key("Namespace"));
    }
}
