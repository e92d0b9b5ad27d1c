//! The server's view of the cluster (`palisade serve --cluster`): the Namespaces' labels,
//! which choose each namespace's mode as Pod Security Admission's labels do, because an
//! AdmissionReview carries the object but not its namespace's labels.
//!
//! The front-end supplies how to list the Namespaces ([`ClusterSource`]); the server lists
//! them at start and then every `interval`, each listing under `deadline`. A listing that
//! fails or runs late keeps the previous view, is logged, and is counted in
//! `palisade_webhook_reloads_total{source="cluster"}`.
//!
//! ```yaml
//! metadata:
//!   labels:
//!     palisade.dev/warn: "true"     # or palisade.dev/enforce, palisade.dev/audit
//! ```

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use crate::config::Mode;
use crate::ServerError;

/// The label prefix; `palisade.dev/<mode>: "true"` sets the namespace's mode.
pub const MODE_LABEL_PREFIX: &str = "palisade.dev/";

/// Lists the cluster's Namespaces as the API returns them.
pub type ListNamespaces = Arc<dyn Fn() -> Result<Vec<Value>, ServerError> + Send + Sync>;

/// How the server reads the cluster.
#[derive(Clone)]
pub struct ClusterSource {
    pub list: ListNamespaces,
    /// Time between two listings.
    pub interval: Duration,
    /// A listing that takes longer is abandoned (the previous view stays).
    pub deadline: Duration,
}

impl std::fmt::Debug for ClusterSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClusterSource")
            .field("interval", &self.interval)
            .field("deadline", &self.deadline)
            .finish_non_exhaustive()
    }
}

/// What the server knows of the cluster.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ClusterView {
    /// Modes set by Namespace labels; they take precedence over `[webhook.namespace_modes]`.
    pub namespace_modes: BTreeMap<String, Mode>,
}

impl ClusterView {
    /// The view of `namespaces` (Namespace objects). A namespace labelled with several
    /// modes gets the strictest; a label whose value is not `"true"` is ignored.
    pub fn from_namespaces(namespaces: &[Value]) -> ClusterView {
        let mut namespace_modes = BTreeMap::new();
        for namespace in namespaces {
            let Some(name) = namespace.pointer("/metadata/name").and_then(Value::as_str) else {
                continue;
            };
            let Some(labels) = namespace
                .pointer("/metadata/labels")
                .and_then(Value::as_object)
            else {
                continue;
            };
            let mode = [Mode::Enforce, Mode::Warn, Mode::Audit]
                .into_iter()
                .find(|mode| {
                    labels
                        .get(&format!("{MODE_LABEL_PREFIX}{}", mode.as_str()))
                        .and_then(Value::as_str)
                        .is_some_and(|v| v.eq_ignore_ascii_case("true"))
                });
            if let Some(mode) = mode {
                namespace_modes.insert(name.to_string(), mode);
            }
        }
        ClusterView { namespace_modes }
    }
}

/// Lists the Namespaces now and every `source.interval`, storing each view that loads in
/// `current`; `report` is told each listing's outcome. Runs until the task is dropped.
pub(crate) async fn watch(
    source: ClusterSource,
    current: Arc<arc_swap::ArcSwap<ClusterView>>,
    report: impl Fn(bool) + Send + 'static,
) {
    let mut first = true;
    let mut tick = tokio::time::interval(source.interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let list = source.list.clone();
        let listed =
            tokio::time::timeout(source.deadline, tokio::task::spawn_blocking(move || list()))
                .await;
        let mut event = serde_json::Map::new();
        event.insert("event".into(), "cluster_refresh".into());
        let error = match listed {
            Ok(Ok(Ok(namespaces))) => {
                let view = ClusterView::from_namespaces(&namespaces);
                event.insert("ok".into(), true.into());
                event.insert("namespaces".into(), namespaces.len().into());
                event.insert(
                    "labelled".into(),
                    serde_json::to_value(
                        view.namespace_modes
                            .iter()
                            .map(|(ns, mode)| (ns.clone(), mode.as_str()))
                            .collect::<BTreeMap<_, _>>(),
                    )
                    .unwrap_or_default(),
                );
                let changed = std::mem::take(&mut first) || **current.load() != view;
                current.store(Arc::new(view));
                report(true);
                // A steady cluster is not worth a line a minute.
                if !changed {
                    continue;
                }
                None
            }
            Ok(Ok(Err(e))) => Some(e.to_string()),
            Ok(Err(_)) => Some(
                "listing the namespaces failed: this is a bug in palisade, please report it".into(),
            ),
            Err(_) => Some(format!(
                "listing the namespaces took more than {:?}",
                source.deadline
            )),
        };
        if let Some(error) = error {
            event.insert("ok".into(), false.into());
            event.insert("error".into(), error.into());
            event.insert("kept".into(), "previous namespace labels".into());
            report(false);
        }
        crate::log(event);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn labels_choose_the_mode_and_the_strictest_wins() {
        let view = ClusterView::from_namespaces(&[
            json!({"metadata": {"name": "legacy", "labels": {"palisade.dev/warn": "true"}}}),
            json!({"metadata": {"name": "lab", "labels": {"palisade.dev/audit": "true",
                                                          "palisade.dev/enforce": "true"}}}),
            json!({"metadata": {"name": "shop", "labels": {"palisade.dev/audit": "false"}}}),
            json!({"metadata": {"name": "plain"}}),
            json!({"metadata": {"labels": {"palisade.dev/warn": "true"}}}),
        ]);
        assert_eq!(
            view.namespace_modes,
            BTreeMap::from([
                ("lab".to_string(), Mode::Enforce),
                ("legacy".to_string(), Mode::Warn),
            ])
        );
    }
}
