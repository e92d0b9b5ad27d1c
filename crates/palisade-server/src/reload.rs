//! What the server judges with — the engine (rules, suppressions, severity overrides) and
//! the `[webhook]` settings — and its reload when the configuration file changes.
//!
//! Both are built together by the front-end's loader (it knows the command-line overrides)
//! and swapped in as one [`Judge`] behind an `ArcSwap`: a request in flight keeps the
//! `Arc` it started with, so a reload never changes a decision half-way nor waits for one.
//! A configuration that does not load keeps the previous one in service and is logged
//! (file, line, reason); the next change of the files is tried again.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use palisade_engine::Engine;

use crate::config::WebhookSettings;
use crate::ServerError;

/// The engine and settings of one configuration.
pub struct Judge {
    pub engine: Engine,
    pub settings: WebhookSettings,
}

/// Builds a [`Judge`] from the configuration files as they are now.
pub type LoadJudge = Arc<dyn Fn() -> Result<Judge, ServerError> + Send + Sync>;

/// How to reload the configuration: the files whose change triggers a reload and the
/// loader. The policy paths of the judge in service ([`WebhookSettings::policy_paths`])
/// are watched too, so a configuration that names other policies has them watched.
#[derive(Clone)]
pub struct ConfigReload {
    /// The configuration file first (it names the file in log lines).
    pub watch: Vec<PathBuf>,
    pub load: LoadJudge,
    /// How often the files are checked.
    pub interval: Duration,
}

impl std::fmt::Debug for ConfigReload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConfigReload")
            .field("watch", &self.watch)
            .field("interval", &self.interval)
            .finish_non_exhaustive()
    }
}

/// Modification time and size of each watched path (a ConfigMap's atomic symlink swap
/// changes both of the file it points to); a missing file is `None`, itself a change.
pub(crate) type Stamp = Vec<Option<(SystemTime, u64)>>;

pub(crate) fn stamp(paths: &[PathBuf]) -> Stamp {
    paths.iter().map(|p| stamp_of(p)).collect()
}

fn stamp_of(path: &Path) -> Option<(SystemTime, u64)> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.modified().ok()?, meta.len()))
}

/// The files a reload watches while `judge` is in service: the configuration's, then the
/// policy paths it names.
fn watched(reload: &ConfigReload, judge: &Judge) -> Vec<PathBuf> {
    let mut paths = reload.watch.clone();
    for path in &judge.settings.policy_paths {
        if !paths.contains(path) {
            paths.push(path.clone());
        }
    }
    paths
}

/// What the watched files are when the server starts: taken before it says it listens, so
/// a change made once it listens is a change, however soon after.
pub(crate) fn baseline(reload: &ConfigReload, judge: &Judge) -> (Vec<PathBuf>, Stamp) {
    let paths = watched(reload, judge);
    let stamp = stamp(&paths);
    (paths, stamp)
}

/// Polls the watched files and swaps the judge in `current` when they changed from
/// `baseline` ([`baseline`]) and load; `report` is told each attempt's outcome. Runs until
/// the task is dropped.
pub(crate) async fn watch(
    reload: ConfigReload,
    current: Arc<arc_swap::ArcSwap<Judge>>,
    baseline: (Vec<PathBuf>, Stamp),
    report: impl Fn(bool) + Send + 'static,
) {
    let (mut paths, mut last) = baseline;
    let mut tick = tokio::time::interval(reload.interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tick.tick().await;
    loop {
        tick.tick().await;
        let listed = paths.clone();
        let now = match tokio::task::spawn_blocking(move || stamp(&listed)).await {
            Ok(now) => now,
            Err(_) => continue,
        };
        if now == last {
            continue;
        }
        last = now;
        let load = reload.load.clone();
        // Loading runs the policy compiler and builds the engine: off the async workers, and
        // a panic in it is a failed reload, not the end of the watcher.
        let outcome = tokio::task::spawn_blocking(move || load()).await;
        let mut event = serde_json::Map::new();
        event.insert("event".into(), "config_reload".into());
        if let Some(file) = reload.watch.first() {
            event.insert("file".into(), file.display().to_string().into());
        }
        match outcome {
            Ok(Ok(judge)) => {
                event.insert("ok".into(), true.into());
                event.insert("block_at".into(), judge.settings.block_at.as_str().into());
                let new_paths = watched(&reload, &judge);
                if new_paths != paths {
                    paths = new_paths;
                    last = stamp(&paths);
                }
                current.store(Arc::new(judge));
                report(true);
            }
            Ok(Err(e)) => {
                event.insert("ok".into(), false.into());
                event.insert("error".into(), e.to_string().into());
                event.insert("kept".into(), "previous configuration".into());
                report(false);
            }
            Err(_) => {
                event.insert("ok".into(), false.into());
                event.insert(
                    "error".into(),
                    "loading the configuration failed: this is a bug in palisade, please report it"
                        .into(),
                );
                event.insert("kept".into(), "previous configuration".into());
                report(false);
            }
        }
        crate::log(event);
    }
}
