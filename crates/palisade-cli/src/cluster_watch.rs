//! `palisade cluster --write-reports [--watch]`: the cluster's findings kept as
//! PolicyReports inside it. The cluster is listed and judged once and the reports applied;
//! with `--watch`, each burst of changes the watches bring is applied to the copy of the
//! cluster kept here and only what it can affect is judged again: the namespaces of the
//! objects changed (with the cluster-scoped objects their rules read), or the whole
//! cluster when RBAC or a cluster-scoped object changed. Only reports whose results
//! changed are written; a report left without results is deleted.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::{Duration, Instant};

use palisade_cluster::watch::{Change, Watch, WatchSettings};
use palisade_core::{Finding, Json, ScanError};
use palisade_engine::Engine;
use palisade_report::policyreport::{self, ResourceRef};
use serde_json::{json, Value};

use crate::cluster_cmd::{list_problems, resource_ref, ClusterArgs};

/// An object's identity: kind, namespace (`None` when cluster-scoped), name.
type Key = (String, Option<String>, String);

/// Which report a result goes to: a namespace's PolicyReport, or the ClusterPolicyReport.
type Scope = Option<String>;

fn key_of(object: &Json) -> Option<Key> {
    let text = |p: &str| object.pointer(p).and_then(Json::as_str);
    Some((
        text("/kind")?.to_string(),
        text("/metadata/namespace")
            .filter(|ns| !ns.is_empty())
            .map(str::to_string),
        text("/metadata/name")?.to_string(),
    ))
}

/// Kinds whose change can change results outside their namespace: who may do what is
/// decided by bindings anywhere, to service accounts anywhere.
const CLUSTER_WIDE_KINDS: &[&str] = &["ServiceAccount", "Role", "RoleBinding"];

/// What a batch of changes calls for.
#[derive(Default)]
struct Affected {
    namespaces: BTreeSet<String>,
    cluster_wide: bool,
    /// `added Pod/shop/debug`, for the log.
    described: Vec<String>,
}

impl Affected {
    fn note(&mut self, key: &Key) {
        let (kind, namespace, name) = key;
        match namespace {
            None if kind == "Namespace" => {
                self.namespaces.insert(name.clone());
            }
            None => self.cluster_wide = true,
            Some(_) if CLUSTER_WIDE_KINDS.contains(&kind.as_str()) => self.cluster_wide = true,
            Some(ns) => {
                self.namespaces.insert(ns.clone());
            }
        }
    }
}

fn describe(what: &str, key: &Key) -> String {
    let (kind, namespace, name) = key;
    let text = match namespace {
        Some(ns) => format!("{what} {kind}/{ns}/{name}"),
        None => format!("{what} {kind}/{name}"),
    };
    palisade_core::text::printable(&text).into_owned()
}

/// The cluster as last seen, and the results and reports derived from it.
struct Keeper<'a> {
    engine: &'a Engine,
    /// In the compact form the one-shot scan holds them in: a large cluster's objects
    /// stay in memory for as long as the watch runs.
    objects: BTreeMap<Key, Json>,
    /// Rules whose findings rest on objects that could not be read.
    withheld: BTreeSet<&'static str>,
    results: BTreeMap<Scope, Vec<Finding>>,
    /// The object each finding is about, by the engine's name of the object.
    refs: HashMap<String, ResourceRef>,
    /// The reports as last written (without timestamps); `Null` for a report found in the
    /// cluster, written by an earlier run.
    written: BTreeMap<Scope, Value>,
    /// Only these namespaces (`-n`); empty is all.
    namespaces: Vec<String>,
    quiet: bool,
}

/// What one evaluation did, for the log.
#[derive(Default)]
struct Outcome {
    scanned: usize,
    applied: Vec<String>,
    deleted: Vec<String>,
    failed: usize,
}

impl Keeper<'_> {
    /// Applies a batch of changes to the objects kept; what they affect.
    fn absorb(&mut self, changes: Vec<Change>) -> Affected {
        let mut affected = Affected::default();
        for change in changes {
            match change {
                Change::Applied(object) => {
                    let Some(key) = key_of(&object) else { continue };
                    if self.objects.get(&key) == Some(&object) {
                        continue;
                    }
                    let what = if self.objects.contains_key(&key) {
                        "modified"
                    } else {
                        "added"
                    };
                    affected.note(&key);
                    affected.described.push(describe(what, &key));
                    self.objects.insert(key, object);
                }
                Change::Deleted(object) => {
                    let Some(key) = key_of(&object) else {
                        continue;
                    };
                    if self.objects.remove(&key).is_some() {
                        affected.note(&key);
                        affected.described.push(describe("deleted", &key));
                    }
                }
                Change::Relisted {
                    kind,
                    namespace,
                    objects,
                } => {
                    let stale: Vec<Key> = self
                        .objects
                        .keys()
                        .filter(|(k, ns, _)| {
                            k == kind.kind
                                && namespace.as_ref().is_none_or(|n| Some(n) == ns.as_ref())
                        })
                        .cloned()
                        .collect();
                    let mut fresh = BTreeMap::new();
                    for object in objects {
                        if let Some(key) = key_of(&object) {
                            fresh.insert(key, object);
                        }
                    }
                    for key in stale {
                        if !fresh.contains_key(&key) {
                            self.objects.remove(&key);
                            affected.note(&key);
                        }
                    }
                    for (key, object) in fresh {
                        if self.objects.get(&key) != Some(&object) {
                            affected.note(&key);
                            self.objects.insert(key, object);
                        }
                    }
                    affected
                        .described
                        .push(format!("listed {} again", kind.resource()));
                    if !self.quiet {
                        // Logged even when nothing changed, which is then not evaluated.
                        log(json!({"event": "relisted", "resource": kind.resource(),
                                   "namespace": namespace}));
                    }
                }
                Change::Trouble(message)
                | Change::Unfollowed {
                    reason: message, ..
                } => {
                    if !self.quiet {
                        log(json!({"event": "watch-problem",
                                   "message": palisade_core::text::printable(&message)}));
                    }
                }
            }
        }
        affected
    }

    /// Judges `objects` as `palisade cluster` does (the rules on what runs over the
    /// objects as read, the others with pods folded into their controllers) and returns
    /// the findings with the object each is about.
    fn judge(&mut self, mut objects: Vec<Json>) -> (Vec<(Finding, ResourceRef)>, usize) {
        let live = self.engine.scan_live(&objects);
        // Live findings name an object of the unfolded set.
        let live_refs: HashMap<String, ResourceRef> = objects
            .iter()
            .map(|o| (palisade_engine::object_name(o), resource_ref(o)))
            .collect();
        palisade_engine::judge_through_controllers(&mut objects);
        let count = objects.len();
        let refs: Vec<ResourceRef> = objects.iter().map(resource_ref).collect();
        let scan = self.engine.scan_objects_owned(objects);
        let mut by_name: HashMap<&str, &ResourceRef> =
            live_refs.iter().map(|(n, r)| (n.as_str(), r)).collect();
        by_name.extend(scan.names.iter().map(String::as_str).zip(refs.iter()));
        let (withheld, known) = (&self.withheld, &mut self.refs);
        let placed = scan
            .report
            .findings
            .into_iter()
            .chain(live.findings)
            .filter(|f| !withheld.contains(f.rule_id.as_ref()))
            .filter_map(|f| {
                let r = by_name.get(f.location.path.as_str())?;
                known.insert(f.location.path.clone(), (*r).clone());
                Some((f, (*r).clone()))
            })
            .collect();
        (placed, count)
    }

    /// Judges the whole cluster again; the scopes whose results may have changed.
    fn judge_all(&mut self) -> (BTreeSet<Scope>, usize) {
        let objects: Vec<Json> = self.objects.values().cloned().collect();
        self.refs.clear();
        let (placed, count) = self.judge(objects);
        let mut dirty: BTreeSet<Scope> = self.results.keys().cloned().collect();
        dirty.extend(self.written.keys().cloned());
        self.results.clear();
        for (finding, r) in placed {
            dirty.insert(r.namespace.clone());
            self.results.entry(r.namespace).or_default().push(finding);
        }
        (dirty, count)
    }

    /// Judges the objects of `namespaces` (with every cluster-scoped object, which their
    /// rules read) and keeps the results about those namespaces and their Namespace
    /// objects; the scopes whose results may have changed.
    fn judge_namespaces(&mut self, namespaces: &BTreeSet<String>) -> (BTreeSet<Scope>, usize) {
        let objects: Vec<Json> = self
            .objects
            .iter()
            .filter(|((_, ns, _), _)| ns.as_ref().is_none_or(|ns| namespaces.contains(ns)))
            .map(|(_, o)| o.clone())
            .collect();
        let (placed, count) = self.judge(objects);
        let about_namespace = |r: &ResourceRef| {
            r.namespace.is_none() && r.kind == "Namespace" && namespaces.contains(&r.name)
        };
        let mut dirty: BTreeSet<Scope> = namespaces.iter().cloned().map(Some).collect();
        dirty.insert(None);
        for ns in namespaces {
            self.results.remove(&Some(ns.clone()));
        }
        let refs = &self.refs;
        if let Some(cluster) = self.results.get_mut(&None) {
            cluster.retain(|f| !refs.get(&f.location.path).is_some_and(about_namespace));
        }
        for (finding, r) in placed {
            let keep = match &r.namespace {
                Some(ns) => namespaces.contains(ns),
                None => about_namespace(&r),
            };
            if keep {
                self.results
                    .entry(r.namespace.clone())
                    .or_default()
                    .push(finding);
            }
        }
        (dirty, count)
    }

    /// Writes the reports of `dirty` whose results changed, deletes those left empty.
    fn write(&mut self, watch: &Watch, dirty: &BTreeSet<Scope>, outcome: &mut Outcome) {
        let now = chrono::Utc::now().timestamp();
        for scope in dirty {
            if let Some(ns) = scope {
                if !self.namespaces.is_empty() && !self.namespaces.contains(ns) {
                    continue;
                }
            }
            // The report of a namespace that no longer exists goes with it, whatever of
            // its objects is still being deleted.
            let gone = scope.as_ref().is_some_and(|ns| !self.namespace_exists(ns));
            let findings = match self.results.get(scope) {
                Some(findings) if !gone => findings.as_slice(),
                _ => &[],
            };
            let name = match scope {
                Some(ns) => format!("PolicyReport {ns}/palisade"),
                None => "ClusterPolicyReport palisade".to_string(),
            };
            let name = palisade_core::text::printable(&name).into_owned();
            if findings.is_empty() {
                if !self.written.contains_key(scope) {
                    continue;
                }
                match watch.delete(scope.as_deref()) {
                    Ok(()) => {
                        self.written.remove(scope);
                        outcome.deleted.push(name);
                    }
                    Err(e) => {
                        outcome.failed += 1;
                        report_error(&e.to_string());
                    }
                }
                continue;
            }
            let refs = &self.refs;
            let resource = |f: &Finding| refs.get(&f.location.path).cloned();
            let (doc, _) = policyreport::policy_reports(findings, &resource, now);
            let Some(report) = doc["items"].get(0).cloned() else {
                continue;
            };
            let fingerprint = palisade_cluster::watch::without_timestamps(&report);
            if self.written.get(scope) == Some(&fingerprint) {
                continue;
            }
            match watch.apply(&report) {
                Ok(()) => {
                    self.written.insert(scope.clone(), fingerprint);
                    outcome.applied.push(name);
                }
                Err(e) => {
                    // Not recorded as written: the next evaluation tries again.
                    outcome.failed += 1;
                    report_error(&e.to_string());
                }
            }
        }
    }

    /// Whether `ns` exists, as far as Palisade knows: its Namespace was read, or no
    /// Namespace could be (then it is taken to exist).
    fn namespace_exists(&self, ns: &str) -> bool {
        let key = ("Namespace".to_string(), None, ns.to_string());
        self.objects.contains_key(&key)
            || !self.objects.keys().any(|(kind, _, _)| kind == "Namespace")
    }

    fn result_count(&self) -> usize {
        self.results.values().map(Vec::len).sum()
    }
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

/// How long a report whose write failed waits for another try when nothing changes.
const RETRY_WRITES: Duration = Duration::from_secs(10);

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
    let mut keeper = Keeper {
        engine,
        objects: BTreeMap::new(),
        withheld,
        results: BTreeMap::new(),
        refs: HashMap::new(),
        written: BTreeMap::new(),
        namespaces: args.namespace.clone(),
        quiet: args.quiet,
    };
    for object in collected.objects {
        if let Some(key) = key_of(&object) {
            keeper.objects.insert(key, object);
        }
    }
    match watch.written_reports() {
        Ok(found) => {
            for scope in found {
                keeper.written.insert(scope, Value::Null);
            }
        }
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
    let (dirty, scanned) = keeper.judge_all();
    outcome.scanned = scanned;
    keeper.write(&watch, &dirty, &mut outcome);
    if !args.quiet {
        log(json!({
            "event": "evaluated",
            "changed": ["initial list"],
            "scope": "cluster",
            "objects": outcome.scanned,
            "results": keeper.result_count(),
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
    // Scopes whose write failed: written again with the next evaluation, or after
    // RETRY_WRITES when nothing changes.
    let mut retry: BTreeSet<Scope> = if outcome.failed > 0 {
        dirty
    } else {
        BTreeSet::new()
    };
    while let Some(batch) = watch.next_batch(debounce, (!retry.is_empty()).then_some(RETRY_WRITES))
    {
        let count = batch.changes.len();
        let affected = keeper.absorb(batch.changes);
        if affected.namespaces.is_empty() && !affected.cluster_wide && retry.is_empty() {
            continue;
        }
        let judging = Instant::now();
        let (mut dirty, scanned) = if affected.cluster_wide {
            keeper.judge_all()
        } else if affected.namespaces.is_empty() {
            (BTreeSet::new(), 0)
        } else {
            keeper.judge_namespaces(&affected.namespaces)
        };
        let judged_ms = judging.elapsed().as_millis() as u64;
        dirty.append(&mut retry);
        let mut outcome = Outcome {
            scanned,
            ..Outcome::default()
        };
        keeper.write(&watch, &dirty, &mut outcome);
        if outcome.failed > 0 {
            // Which ones failed is not tracked finely: all of this batch's are retried.
            retry = dirty;
        }
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
                "results": keeper.result_count(),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn key(kind: &str, ns: Option<&str>, name: &str) -> Key {
        (kind.into(), ns.map(str::to_string), name.into())
    }

    #[test]
    fn a_change_affects_its_namespace_or_the_whole_cluster() {
        let mut affected = Affected::default();
        affected.note(&key("Pod", Some("shop"), "debug"));
        affected.note(&key("Namespace", None, "audit"));
        assert_eq!(
            affected.namespaces.iter().collect::<Vec<_>>(),
            ["audit", "shop"]
        );
        assert!(!affected.cluster_wide);
        affected.note(&key("RoleBinding", Some("shop"), "edit"));
        assert!(affected.cluster_wide);
        let mut affected = Affected::default();
        affected.note(&key("ClusterRole", None, "admin"));
        assert!(affected.cluster_wide);
    }

    #[test]
    fn objects_are_known_by_kind_namespace_and_name() {
        let pod =
            Json::from(json!({"kind": "Pod", "metadata": {"name": "a", "namespace": "shop"}}));
        assert_eq!(key_of(&pod), Some(key("Pod", Some("shop"), "a")));
        let role =
            Json::from(json!({"kind": "ClusterRole", "metadata": {"name": "a", "namespace": ""}}));
        assert_eq!(key_of(&role), Some(key("ClusterRole", None, "a")));
        let nameless = Json::from(json!({"kind": "Pod", "metadata": {}}));
        assert_eq!(key_of(&nameless), None);
    }
}
