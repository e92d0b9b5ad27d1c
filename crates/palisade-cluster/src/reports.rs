//! Palisade's PolicyReports kept in a watched cluster: which ones Palisade wrote and how
//! they held, so that only a report whose results changed is applied again, a report left
//! without results is deleted, and a report whose write failed is written again with the
//! next evaluation (or after [`RETRY_WRITES`] when nothing changes).
//!
//! What a report holds is the caller's (the engine's findings rendered as a PolicyReport);
//! here is only the bookkeeping and the writes through [`Watch::apply`] and
//! [`Watch::delete`]. Nothing is printed: what was written and what failed come back in a
//! [`WriteOutcome`].

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use serde_json::Value;

use crate::watch::{fingerprint, ReportError, Watch};

/// Which report: the PolicyReport of a namespace, or the ClusterPolicyReport for `None`.
pub type Scope = Option<String>;

/// How long a report whose write failed waits for another try when nothing changes.
pub const RETRY_WRITES: Duration = Duration::from_secs(10);

/// What the caller wants a report to hold now.
pub enum Desired {
    /// No results: the report is deleted if Palisade wrote it.
    Empty,
    /// This report (a PolicyReport or ClusterPolicyReport object).
    Report(Value),
    /// Nothing to write: the report is left as it is.
    Keep,
}

/// What one round of writes did.
#[derive(Debug, Default)]
pub struct WriteOutcome {
    /// The reports applied (`PolicyReport NS/palisade`, `ClusterPolicyReport palisade`).
    pub applied: Vec<String>,
    /// The reports deleted.
    pub deleted: Vec<String>,
    /// The writes that failed, in the order tried; their reports are tried again.
    pub errors: Vec<ReportError>,
}

/// The reports Palisade wrote into the cluster, and those to write again.
#[derive(Debug, Default)]
pub struct ReportWriter {
    /// The fingerprint of each report as last written; `None` for a report found in the
    /// cluster, written by an earlier run.
    written: BTreeMap<Scope, Option<[u8; 32]>>,
    /// Only these namespaces (`-n`); empty is all.
    namespaces: Vec<String>,
    /// Scopes whose write failed: written again with the next round.
    retry: BTreeSet<Scope>,
}

impl ReportWriter {
    /// A writer for the reports of `namespaces` (and the cluster's); empty is every
    /// namespace.
    pub fn new(namespaces: Vec<String>) -> ReportWriter {
        ReportWriter {
            namespaces,
            ..ReportWriter::default()
        }
    }

    /// Takes `scopes` as reports an earlier run wrote ([`Watch::written_reports`]): written
    /// again (or deleted) with the next round whatever they hold.
    pub fn found(&mut self, scopes: impl IntoIterator<Item = Scope>) {
        for scope in scopes {
            self.written.insert(scope, None);
        }
    }

    /// The scopes of every report Palisade has in the cluster.
    pub fn written(&self) -> impl Iterator<Item = &Scope> {
        self.written.keys()
    }

    /// Whether a write failed and waits for another try.
    pub fn retry_pending(&self) -> bool {
        !self.retry.is_empty()
    }

    /// Writes the reports of `dirty`, and of the scopes whose write failed before, as
    /// `desired` says they hold now: applies those whose results changed, deletes those
    /// left without results. When a write fails, every scope of this round is tried again
    /// with the next one.
    pub fn write(
        &mut self,
        watch: &Watch,
        mut dirty: BTreeSet<Scope>,
        mut desired: impl FnMut(&Scope) -> Desired,
    ) -> WriteOutcome {
        dirty.append(&mut self.retry);
        let mut outcome = WriteOutcome::default();
        for scope in &dirty {
            if let Some(ns) = scope {
                if !self.namespaces.is_empty() && !self.namespaces.contains(ns) {
                    continue;
                }
            }
            let name = match scope {
                Some(ns) => format!("PolicyReport {ns}/palisade"),
                None => "ClusterPolicyReport palisade".to_string(),
            };
            let name = palisade_core::text::printable(&name).into_owned();
            let report = match desired(scope) {
                Desired::Keep => continue,
                Desired::Empty => {
                    if !self.written.contains_key(scope) {
                        continue;
                    }
                    match watch.delete(scope.as_deref()) {
                        Ok(()) => {
                            self.written.remove(scope);
                            outcome.deleted.push(name);
                        }
                        Err(e) => outcome.errors.push(e),
                    }
                    continue;
                }
                Desired::Report(report) => report,
            };
            let fingerprint = fingerprint(&report);
            if self.written.get(scope) == Some(&Some(fingerprint)) {
                continue;
            }
            match watch.apply(&report) {
                Ok(()) => {
                    self.written.insert(scope.clone(), Some(fingerprint));
                    outcome.applied.push(name);
                }
                // Not recorded as written: the next round tries again.
                Err(e) => outcome.errors.push(e),
            }
        }
        if !outcome.errors.is_empty() {
            // Which ones failed is not tracked finely: all of this round's are retried.
            self.retry = dirty;
        }
        outcome
    }
}
