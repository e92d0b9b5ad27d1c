//! OSV matching semantics: is this version inside an `affected` entry?
//!
//! `versions` lists match exactly; `ECOSYSTEM` ranges order with the ecosystem's scheme and
//! `SEMVER` ranges with SemVer; `GIT` ranges are ignored (no commit for an installed
//! package). Events are sorted by version and replayed: `introduced` opens, `fixed` closes
//! at that version, `last_affected` closes after it; `limit` caps the whole range.

use std::cmp::Ordering;

use crate::osv::{Affected, Event, Range};
use crate::version::VersionScheme;

fn event_version(e: &Event) -> Option<&str> {
    e.introduced
        .as_deref()
        .or(e.fixed.as_deref())
        .or(e.last_affected.as_deref())
        .or(e.limit.as_deref())
}

/// Orders two event versions; `0` (the OSV "beginning of time") is below everything.
fn cmp_event(scheme: VersionScheme, a: &str, b: &str) -> Ordering {
    match (a == "0", b == "0") {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        _ => scheme.compare(a, b),
    }
}

/// The range as written, when it is a well-formed sequence of `introduced` events each
/// followed by the event that closes it at a higher version: `(introduced, close)` pairs
/// where `close` is `(version, inclusive)`.
#[allow(clippy::type_complexity)]
fn written_intervals(
    range: &Range,
    scheme: VersionScheme,
) -> Option<Vec<(&str, Option<(&str, bool)>)>> {
    let mut out = vec![];
    let mut open: Option<&str> = None;
    for e in &range.events {
        if let Some(v) = e.introduced.as_deref() {
            if open.is_some() {
                return None;
            }
            open = Some(v);
        } else if let Some((v, inclusive)) = e
            .fixed
            .as_deref()
            .map(|f| (f, false))
            .or(e.last_affected.as_deref().map(|l| (l, true)))
        {
            let start = open.take()?;
            if cmp_event(scheme, start, v) == Ordering::Greater {
                return None;
            }
            out.push((start, Some((v, inclusive))));
        }
    }
    if let Some(start) = open {
        out.push((start, None));
    }
    Some(out)
}

/// Whether `version` is affected by one range.
///
/// A range written as ordered introduced/closing pairs is read as the union of those
/// intervals, which keeps overlapping intervals (real records have them) correct; any
/// other event order is sorted and replayed as the OSV schema describes.
pub fn in_range(range: &Range, scheme: VersionScheme, version: &str) -> bool {
    for e in &range.events {
        if let Some(limit) = e.limit.as_deref() {
            if limit != "*" && cmp_event(scheme, version, limit) != Ordering::Less {
                return false;
            }
        }
    }
    if let Some(intervals) = written_intervals(range, scheme) {
        return intervals.iter().any(|(start, end)| {
            let after_start = *start == "0" || scheme.compare(version, start) != Ordering::Less;
            let before_end = match end {
                None => true,
                Some((v, false)) => scheme.compare(version, v) == Ordering::Less,
                Some((v, true)) => scheme.compare(version, v) != Ordering::Greater,
            };
            after_start && before_end
        });
    }
    replay(range, scheme, version)
}

fn replay(range: &Range, scheme: VersionScheme, version: &str) -> bool {
    let mut events: Vec<&Event> = range.events.iter().collect();
    events.sort_by(|a, b| match (event_version(a), event_version(b)) {
        (Some(x), Some(y)) => cmp_event(scheme, x, y),
        _ => Ordering::Equal,
    });
    let mut affected = false;
    for e in events {
        if let Some(v) = e.introduced.as_deref() {
            if v == "0" || scheme.compare(version, v) != Ordering::Less {
                affected = true;
            }
        } else if let Some(v) = e.fixed.as_deref() {
            if scheme.compare(version, v) != Ordering::Less {
                affected = false;
            }
        } else if let Some(v) = e.last_affected.as_deref() {
            if scheme.compare(version, v) == Ordering::Greater {
                affected = false;
            }
        }
    }
    affected
}

fn range_scheme(range: &Range, ecosystem_scheme: Option<VersionScheme>) -> Option<VersionScheme> {
    match range.kind.as_str() {
        "SEMVER" => Some(VersionScheme::SemVer),
        "ECOSYSTEM" => ecosystem_scheme,
        _ => None,
    }
}

/// Whether `version` of a package in `ecosystem` is affected by this entry.
pub fn is_affected(affected: &Affected, ecosystem: &str, version: &str) -> bool {
    if affected.versions.iter().any(|v| v == version) {
        return true;
    }
    let scheme = VersionScheme::for_ecosystem(ecosystem);
    affected
        .ranges
        .iter()
        .any(|r| range_scheme(r, scheme).is_some_and(|s| in_range(r, s, version)))
}

/// Fixed versions above `version` in the ranges that affect it, lowest first.
pub fn fixed_versions(affected: &Affected, ecosystem: &str, version: &str) -> Vec<String> {
    let scheme = VersionScheme::for_ecosystem(ecosystem);
    let mut out: Vec<(VersionScheme, String)> = vec![];
    for r in &affected.ranges {
        let Some(s) = range_scheme(r, scheme) else {
            continue;
        };
        for e in &r.events {
            if let Some(f) = e.fixed.as_deref() {
                if s.compare(f, version) == Ordering::Greater && !out.iter().any(|(_, x)| x == f) {
                    out.push((s, f.to_string()));
                }
            }
        }
    }
    out.sort_by(|a, b| a.0.compare(&a.1, &b.1));
    out.into_iter().map(|(_, v)| v).collect()
}

/// Whether an advisory's ecosystem (`Debian:12`) applies to a package's (`Debian:12`,
/// or `Debian` when the release is unknown). Alpine releases match with or without `v`.
pub fn ecosystem_applies(advisory_eco: &str, package_eco: &str) -> bool {
    let (ab, ar) = split_eco(advisory_eco);
    let (pb, pr) = split_eco(package_eco);
    if !ab.eq_ignore_ascii_case(pb) {
        return false;
    }
    match (ar, pr) {
        (Some(a), Some(p)) => {
            let norm = |s: &str| s.trim_start_matches('v').to_ascii_lowercase();
            let (a, p) = (norm(a), norm(p));
            // `Ubuntu:22.04:LTS` and `Ubuntu:Pro:22.04:LTS` carry the release among parts
            a == p || a.split(':').any(|x| x == p) || p.split(':').any(|x| x == a)
        }
        _ => true,
    }
}

fn split_eco(e: &str) -> (&str, Option<&str>) {
    match e.split_once(':') {
        Some((b, r)) if !r.is_empty() => (b.trim(), Some(r.trim())),
        _ => (e.trim(), None),
    }
}
