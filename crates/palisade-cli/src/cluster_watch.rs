//! `palisade cluster --write-reports [--watch]`: the cluster's findings kept as
//! PolicyReports inside it. The cluster is listed and judged once and the reports applied;
//! with `--watch`, each burst of changes the watches bring is handed to the engine's
//! [`WatchedCluster`], which judges again only what it can affect: the objects changed (and
//! those that read them) by their own rules, and the cross-object rules over the namespaces
//! of the objects changed, or the whole cluster when RBAC or a cluster-scoped object changed.
//! Here: the arguments, the log lines, and what the reports hold; which of them to write,
//! delete or write again after a failure is [`ReportWriter`]'s (palisade-cluster).

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use palisade_cluster::reports::{Desired, ReportWriter, RETRY_WRITES};
use palisade_cluster::watch::{Change, Watch, WatchSettings};
use palisade_core::{Finding, ScanError};
use palisade_engine::watched::{ObjectChange, Scope, WatchedCluster};
use palisade_engine::Engine;
use palisade_report::policyreport;
use serde_json::{json, Value};

use crate::cluster_cmd::{list_problems, ClusterArgs};

/// What one evaluation did, for the log.
#[derive(Default)]
struct Outcome {
    /// Objects judged by their own rules.
    scanned: usize,
    /// Objects read by the cross-object rules.
    context: usize,
    applied: Vec<String>,
    deleted: Vec<String>,
    failed: usize,
}

/// The changes of a batch the engine judges; what is only for the log is logged.
fn object_changes(changes: Vec<Change>, quiet: bool) -> Vec<ObjectChange> {
    let mut kept = Vec::with_capacity(changes.len());
    for change in changes {
        match change {
            Change::Applied(object) => kept.push(ObjectChange::Applied(object)),
            Change::Deleted(object) => kept.push(ObjectChange::Deleted(object)),
            Change::Relisted {
                kind,
                namespace,
                objects,
            } => {
                if !quiet {
                    // Logged even when nothing changed, which is then not evaluated.
                    log(json!({"event": "relisted", "resource": kind.resource(),
                               "namespace": namespace}));
                }
                kept.push(ObjectChange::Relisted {
                    group: kind.group.to_string(),
                    kind: kind.kind.to_string(),
                    resource: kind.resource(),
                    namespace,
                    objects,
                });
            }
            Change::Trouble(message)
            | Change::Unfollowed {
                reason: message, ..
            } => {
                if !quiet {
                    log(json!({"event": "watch-problem",
                               "message": palisade_core::text::printable(&message)}));
                }
            }
        }
    }
    kept
}

/// Writes the reports of `dirty` (and of the scopes whose write failed before) as the
/// cluster's findings now hold, and prints the writes that failed.
fn write_reports(
    reports: &mut ReportWriter,
    cluster: &WatchedCluster,
    watch: &Watch,
    dirty: BTreeSet<Scope>,
    outcome: &mut Outcome,
) {
    let now = chrono::Utc::now().timestamp();
    let written = reports.write(watch, dirty, |scope| {
        // The report of a namespace that no longer exists goes with it, whatever of its
        // objects is still being deleted.
        let gone = scope
            .as_ref()
            .is_some_and(|ns| !cluster.namespace_exists(ns));
        let findings = if gone {
            Vec::new()
        } else {
            cluster.findings(scope)
        };
        if findings.is_empty() {
            return Desired::Empty;
        }
        let resource = |f: &Finding| cluster.resource(f);
        let (doc, _) = policyreport::policy_reports(&findings, &resource, now);
        match doc["items"].get(0).cloned() {
            Some(report) => Desired::Report(report),
            None => Desired::Keep,
        }
    });
    for e in &written.errors {
        report_error(&e.to_string());
    }
    outcome.applied = written.applied;
    outcome.deleted = written.deleted;
    outcome.failed = written.errors.len();
}

/// At most 20 names, then `and N more`: a log line stays a line on a large cluster.
fn sample(names: &[String]) -> Value {
    let mut shown: Vec<String> = names.iter().take(20).cloned().collect();
    if names.len() > 20 {
        shown.push(format!("and {} more", names.len() - 20));
    }
    json!(shown)
}

fn log(line: Value) {
    eprintln!("{line}");
}

fn report_error(message: &str) {
    eprintln!("error: {}", palisade_core::text::printable(message));
}

/// `palisade cluster --write-reports [--watch]`.
pub fn run(args: &ClusterArgs, engine: &Engine) -> anyhow::Result<u8> {
    let started = Instant::now();
    let options = crate::cluster_cmd::scan_options(args, engine);
    let (mut watch, collected) = Watch::start(&options, WatchSettings::default(), args.watch)?;
    let mut errors: Vec<ScanError> = Vec::new();
    let mut warnings = Vec::new();
    let withheld = list_problems(&collected, args.strict, &mut errors, &mut warnings);
    if !args.quiet {
        for w in &warnings {
            eprintln!("warning: {}", palisade_core::text::printable(w));
        }
    }
    for e in &errors {
        eprintln!("error: {e}");
    }
    let mut cluster = WatchedCluster::new(engine, collected.objects, withheld);
    let mut reports = ReportWriter::new(args.namespace.clone());
    match watch.written_reports() {
        Ok(found) => reports.found(found),
        // Without `list` on the reports, old ones cannot be found; the new ones are
        // still written.
        Err(e) => {
            if !args.quiet {
                eprintln!(
                    "warning: {}; reports of earlier runs are not deleted",
                    palisade_core::text::printable(&e.to_string())
                );
            }
        }
    }
    let mut outcome = Outcome::default();
    let judged = cluster.judge_all();
    // A report written by an earlier run and now without results is deleted.
    let mut dirty = judged.dirty;
    dirty.extend(reports.written().cloned());
    outcome.scanned = judged.objects;
    outcome.context = judged.context;
    write_reports(&mut reports, &cluster, &watch, dirty, &mut outcome);
    if !args.quiet {
        log(json!({
            "event": "evaluated",
            "changed": ["initial list"],
            "scope": "cluster",
            "objects": outcome.scanned,
            "context_objects": outcome.context,
            "results": cluster.result_count(),
            "applied": sample(&outcome.applied),
            "deleted": sample(&outcome.deleted),
            "failed": outcome.failed,
            "latency_ms": started.elapsed().as_millis() as u64,
        }));
    }
    if !args.watch {
        let failed = outcome.failed > 0 || !errors.is_empty();
        return Ok(if failed { crate::EXIT_ERROR } else { 0 });
    }
    let debounce = Duration::from_millis(args.debounce);
    // A report whose write failed is written again with the next evaluation, or after
    // RETRY_WRITES when nothing changes.
    while let Some(batch) =
        watch.next_batch(debounce, reports.retry_pending().then_some(RETRY_WRITES))
    {
        let count = batch.changes.len();
        let affected = cluster.absorb(object_changes(batch.changes, args.quiet));
        if affected.is_empty() && !reports.retry_pending() {
            continue;
        }
        let judging = Instant::now();
        let judged = cluster.judge(&affected);
        let judged_ms = judging.elapsed().as_millis() as u64;
        let mut dirty = judged.dirty;
        if affected.cluster_wide {
            dirty.extend(reports.written().cloned());
        }
        let mut outcome = Outcome {
            scanned: judged.objects,
            context: judged.context,
            ..Outcome::default()
        };
        write_reports(&mut reports, &cluster, &watch, dirty, &mut outcome);
        if !args.quiet {
            let scope = if affected.cluster_wide {
                json!("cluster")
            } else {
                json!(affected.namespaces)
            };
            log(json!({
                "event": "evaluated",
                "changes": count,
                "changed": sample(&affected.described),
                "scope": scope,
                "objects": outcome.scanned,
                "context_objects": outcome.context,
                "results": cluster.result_count(),
                "applied": sample(&outcome.applied),
                "deleted": sample(&outcome.deleted),
                "failed": outcome.failed,
                "judge_ms": judged_ms,
                "latency_ms": batch.first_seen.elapsed().as_millis() as u64,
            }));
        }
    }
    if !args.quiet {
        log(json!({"event": "stopped", "reason": "signal"}));
    }
    Ok(0)
}
