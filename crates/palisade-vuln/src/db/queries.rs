//! What matching reads: the prepared statements for one inventory and the rows they
//! return (affected entries, the facts findings share).

use std::path::Path;
use std::sync::Arc;

use rusqlite::{params, OptionalExtension};

use crate::matcher::VersionList;
use crate::osv::Range;

use super::database::sql;
use super::DbError;

/// Prepared statements for matching one inventory (see
/// [`Database::matching_queries`](super::Database::matching_queries)).
pub struct MatchingQueries<'db> {
    pub(super) entries: rusqlite::Statement<'db>,
    pub(super) facts: rusqlite::Statement<'db>,
    pub(super) path: &'db Path,
}

impl MatchingQueries<'_> {
    /// Affected entries filed under one package key, appended to `out`, without the
    /// advisory facts: the matcher decides on these alone and reads the facts (and the
    /// withdrawn flag, see [`MatchingQueries::finding_facts`]) only for advisories that match,
    /// which spares a join per row.
    pub fn append_affected_entries(
        &mut self,
        base_ecosystem: &str,
        normalized_name: &str,
        out: &mut Vec<AffectedEntry>,
    ) -> Result<(), DbError> {
        let mut rows = self
            .entries
            .query(params![base_ecosystem, normalized_name])
            .map_err(sql(self.path))?;
        while let Some(row) = rows.next().map_err(sql(self.path))? {
            let (Ok(advisory_id), Ok(ecosystem), Ok(data)) = (
                row.get::<_, String>(0),
                row.get::<_, String>(1),
                row.get_ref(2).and_then(|v| v.as_str().map_err(Into::into)),
            ) else {
                continue;
            };
            if let Ok(stored) = serde_json::from_str::<StoredAffected>(data) {
                out.push(AffectedEntry {
                    advisory_id,
                    ecosystem,
                    ranges: stored.ranges,
                    versions: stored.versions,
                });
            }
        }
        Ok(())
    }

    /// What a finding takes from an advisory, or `None` when it is withdrawn or absent.
    /// Text is read straight into shared strings: a report holds one copy per advisory,
    /// however many packages it affects.
    pub fn finding_facts(&mut self, id: &str) -> Result<Option<FindingFacts>, DbError> {
        self.facts
            .query_row(params![id], |r| {
                if r.get::<_, i64>(0)? != 0 {
                    return Ok(None);
                }
                let text = |i: usize| -> rusqlite::Result<&str> {
                    Ok(r.get_ref(i)?.as_str().unwrap_or_default())
                };
                let summary = match r.get_ref(1)? {
                    rusqlite::types::ValueRef::Text(t) => {
                        std::str::from_utf8(t).ok().map(Arc::from)
                    }
                    _ => None,
                };
                let references: Vec<String> = serde_json::from_str(text(5)?).unwrap_or_default();
                Ok(Some(FindingFacts {
                    summary,
                    severity: text(2)?.parse().unwrap_or(palisade_core::Severity::Medium),
                    severity_source: format!("{id}: {}", text(3)?).into(),
                    aliases: serde_json::from_str(text(4)?).unwrap_or_default(),
                    references: references.into(),
                }))
            })
            .optional()
            .map(Option::flatten)
            .map_err(sql(self.path))
    }
}

/// One `affected` row: the advisory it belongs to, the ecosystem as the advisory wrote
/// it, and the entry's ranges and versions.
#[derive(Debug, Clone)]
pub struct AffectedEntry {
    pub advisory_id: String,
    pub ecosystem: String,
    pub ranges: Vec<Range>,
    pub versions: VersionList,
}

/// The parts of a stored `affected` entry that matching reads.
#[derive(serde::Deserialize)]
struct StoredAffected {
    #[serde(default)]
    ranges: Vec<Range>,
    #[serde(default)]
    versions: VersionList,
}

/// The facts of one advisory that its findings share.
#[derive(Debug, Clone)]
pub struct FindingFacts {
    pub summary: Option<Arc<str>>,
    pub severity: palisade_core::Severity,
    /// `"<id>: <where the severity came from>"`.
    pub severity_source: Arc<str>,
    pub aliases: Vec<String>,
    pub references: Arc<[String]>,
}

#[derive(Debug, Clone)]
pub struct AdvisoryInfo {
    pub id: String,
    pub summary: Option<String>,
    pub severity: palisade_core::Severity,
    pub score: Option<f64>,
    pub severity_source: String,
    pub aliases: Vec<String>,
    pub references: Vec<String>,
}
