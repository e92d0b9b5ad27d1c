//! OSV matching semantics: is this version inside an `affected` entry?
//!
//! `versions` lists match exactly; `ECOSYSTEM` ranges order with the ecosystem's scheme and
//! `SEMVER` ranges with SemVer; `GIT` ranges are ignored (no commit for an installed
//! package). Events are sorted by version and replayed: `introduced` opens, `fixed` closes
//! at that version, `last_affected` closes after it; `limit` caps the whole range.

use std::cmp::Ordering;

use crate::osv::{Affected, Range};
use crate::version::{ParsedVersion, VersionScheme};

/// `0` is the OSV "beginning of time", below every version.
fn is_origin(v: &ParsedVersion<'_>) -> bool {
    v.text() == "0"
}

/// Orders two event versions with `0` below everything.
fn cmp_event(a: &ParsedVersion<'_>, b: &ParsedVersion<'_>) -> Ordering {
    match (is_origin(a), is_origin(b)) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        _ => a.compare(b),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EventKind {
    Introduced,
    Fixed,
    LastAffected,
    Limit,
}

/// One interval as written, by index into the range's events: from `start` (inclusive)
/// to `end` (exclusive for `fixed`, inclusive for `last_affected`), open-ended when `end`
/// is `None`.
type Interval = (usize, Option<(usize, bool)>);

#[derive(Debug, Clone)]
enum Shape<'a> {
    /// Ordered introduced/closing pairs, read as the union of the intervals.
    Intervals(Vec<Interval>),
    /// Any other event order: events sorted by version, replayed as the OSV schema says.
    Replay(Vec<(EventKind, Option<ParsedVersion<'a>>)>),
}

/// One range with every bound parsed once (and held once: intervals, limits and fixed
/// versions refer to the events by position rather than keeping copies).
#[derive(Debug, Clone)]
struct CompiledRange<'a> {
    scheme: VersionScheme,
    /// The events that carry a version, as written.
    events: Vec<(EventKind, ParsedVersion<'a>)>,
    shape: Shape<'a>,
}

fn compile_range(range: &Range, scheme: VersionScheme) -> CompiledRange<'_> {
    let events: Vec<(EventKind, ParsedVersion<'_>)> = range
        .events
        .iter()
        .filter_map(|e| {
            let (kind, v) = if let Some(v) = e.introduced.as_deref() {
                (EventKind::Introduced, v)
            } else if let Some(v) = e.fixed.as_deref() {
                (EventKind::Fixed, v)
            } else if let Some(v) = e.last_affected.as_deref() {
                (EventKind::LastAffected, v)
            } else {
                (EventKind::Limit, e.limit.as_deref()?)
            };
            Some((kind, scheme.parse(v)))
        })
        .collect();
    let shape = match written_intervals(&events) {
        Some(intervals) => Shape::Intervals(intervals),
        None => {
            // events without a version take no part in ordering (they cannot be compared)
            let mut sorted: Vec<(EventKind, Option<ParsedVersion<'_>>)> = range
                .events
                .iter()
                .map(|e| {
                    if let Some(v) = e.introduced.as_deref() {
                        (EventKind::Introduced, Some(scheme.parse(v)))
                    } else if let Some(v) = e.fixed.as_deref() {
                        (EventKind::Fixed, Some(scheme.parse(v)))
                    } else if let Some(v) = e.last_affected.as_deref() {
                        (EventKind::LastAffected, Some(scheme.parse(v)))
                    } else {
                        (
                            EventKind::Limit,
                            e.limit.as_deref().map(|v| scheme.parse(v)),
                        )
                    }
                })
                .collect();
            sorted.sort_by(|a, b| match (&a.1, &b.1) {
                (Some(x), Some(y)) => cmp_event(x, y),
                _ => Ordering::Equal,
            });
            Shape::Replay(sorted)
        }
    };
    CompiledRange {
        scheme,
        events,
        shape,
    }
}

/// The range as written, when it is a well-formed sequence of `introduced` events each
/// followed by the event that closes it at a higher version.
fn written_intervals(events: &[(EventKind, ParsedVersion<'_>)]) -> Option<Vec<Interval>> {
    let mut out = vec![];
    let mut open: Option<usize> = None;
    for (i, (kind, v)) in events.iter().enumerate() {
        match kind {
            EventKind::Introduced => {
                if open.is_some() {
                    return None;
                }
                open = Some(i);
            }
            EventKind::Fixed | EventKind::LastAffected => {
                let start = open.take()?;
                if cmp_event(&events[start].1, v) == Ordering::Greater {
                    return None;
                }
                out.push((start, Some((i, *kind == EventKind::LastAffected))));
            }
            EventKind::Limit => {}
        }
    }
    if let Some(start) = open {
        out.push((start, None));
    }
    Some(out)
}

impl<'a> CompiledRange<'a> {
    fn of_kind(&self, kind: EventKind) -> impl Iterator<Item = &ParsedVersion<'a>> {
        self.events
            .iter()
            .filter(move |(k, _)| *k == kind)
            .map(|(_, v)| v)
    }

    fn contains(&self, version: &ParsedVersion<'_>) -> bool {
        if self
            .of_kind(EventKind::Limit)
            .any(|limit| limit.text() != "*" && cmp_event(version, limit) != Ordering::Less)
        {
            return false;
        }
        match &self.shape {
            Shape::Intervals(intervals) => intervals.iter().any(|&(start, end)| {
                let start = &self.events[start].1;
                let after_start = is_origin(start) || version.compare(start) != Ordering::Less;
                let before_end = match end {
                    None => true,
                    Some((i, false)) => version.compare(&self.events[i].1) == Ordering::Less,
                    Some((i, true)) => version.compare(&self.events[i].1) != Ordering::Greater,
                };
                after_start && before_end
            }),
            Shape::Replay(events) => {
                let mut affected = false;
                for (kind, v) in events {
                    let Some(v) = v else { continue };
                    match kind {
                        EventKind::Introduced => {
                            if is_origin(v) || version.compare(v) != Ordering::Less {
                                affected = true;
                            }
                        }
                        EventKind::Fixed => {
                            if version.compare(v) != Ordering::Less {
                                affected = false;
                            }
                        }
                        EventKind::LastAffected => {
                            if version.compare(v) == Ordering::Greater {
                                affected = false;
                            }
                        }
                        EventKind::Limit => {}
                    }
                }
                affected
            }
        }
    }
}

fn range_scheme(range: &Range, ecosystem_scheme: Option<VersionScheme>) -> Option<VersionScheme> {
    match range.kind.as_str() {
        "SEMVER" => Some(VersionScheme::SemVer),
        "ECOSYSTEM" => ecosystem_scheme,
        _ => None,
    }
}

/// An installed version, parsed at most once per scheme it is compared under.
#[derive(Debug)]
pub struct InstalledVersion<'a> {
    text: &'a str,
    hash: u64,
    parsed: Vec<ParsedVersion<'a>>,
}

impl<'a> InstalledVersion<'a> {
    pub fn new(text: &'a str) -> Self {
        InstalledVersion {
            text,
            hash: version_hash(text),
            parsed: Vec::with_capacity(1),
        }
    }

    pub fn text(&self) -> &'a str {
        self.text
    }

    fn under(&mut self, scheme: VersionScheme) -> &ParsedVersion<'a> {
        let i = match self.parsed.iter().position(|p| p.scheme() == scheme) {
            Some(i) => i,
            None => {
                self.parsed.push(scheme.parse(self.text));
                self.parsed.len() - 1
            }
        };
        &self.parsed[i]
    }
}

/// FNV-1a: a cheap fingerprint that lets a version list be searched by comparing
/// integers, the strings themselves only on a fingerprint match.
fn version_hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// An entry's enumerated `versions` in one buffer with a fingerprint each: real records
/// list hundreds of versions, and a list of `String`s costs an allocation per version to
/// load and a string comparison per version to search.
#[derive(Debug, Clone, Default)]
pub struct VersionList {
    text: String,
    ends: Vec<u32>,
    hashes: Vec<u64>,
}

impl VersionList {
    pub fn push(&mut self, version: &str) {
        self.text.push_str(version);
        self.ends.push(self.text.len() as u32);
        self.hashes.push(version_hash(version));
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)? as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        self.text.get(start..end)
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    fn contains(&self, version: &InstalledVersion<'_>) -> bool {
        self.hashes
            .iter()
            .enumerate()
            .any(|(i, h)| *h == version.hash && self.get(i) == Some(version.text))
    }
}

impl<'de> serde::Deserialize<'de> for VersionList {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ListVisitor;
        /// Appends one string element to the list without allocating it on its own.
        struct Append<'l>(&'l mut VersionList);
        impl<'de> serde::de::DeserializeSeed<'de> for Append<'_> {
            type Value = ();
            fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
                d.deserialize_str(self)
            }
        }
        impl serde::de::Visitor<'_> for Append<'_> {
            type Value = ();
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a version string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<(), E> {
                self.0.push(v);
                Ok(())
            }
        }
        impl<'de> serde::de::Visitor<'de> for ListVisitor {
            type Value = VersionList;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a list of version strings")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<VersionList, A::Error> {
                let mut list = VersionList::default();
                while seq.next_element_seed(Append(&mut list))?.is_some() {}
                Ok(list)
            }
        }
        d.deserialize_seq(ListVisitor)
    }
}

/// Where an entry's enumerated versions are kept.
#[derive(Debug, Clone, Copy)]
enum Versions<'a> {
    Strings(&'a [String]),
    List(&'a VersionList),
}

/// An `affected` entry with its ranges parsed once, to be tested against many versions.
#[derive(Debug, Clone)]
pub struct CompiledAffected<'a> {
    versions: Versions<'a>,
    ranges: Vec<CompiledRange<'a>>,
}

impl<'a> CompiledAffected<'a> {
    /// Compiles `affected` for an advisory written for `ecosystem`; `GIT` ranges and
    /// ranges of an ecosystem with no known scheme are dropped (they cannot match).
    pub fn new(affected: &'a Affected, ecosystem: &str) -> Self {
        Self::compile(
            Versions::Strings(&affected.versions),
            &affected.ranges,
            ecosystem,
        )
    }

    /// Like [`CompiledAffected::new`] for an entry as the database stores it for matching.
    pub fn from_parts(versions: &'a VersionList, ranges: &'a [Range], ecosystem: &str) -> Self {
        Self::compile(Versions::List(versions), ranges, ecosystem)
    }

    fn compile(versions: Versions<'a>, ranges: &'a [Range], ecosystem: &str) -> Self {
        let scheme = VersionScheme::for_ecosystem(ecosystem);
        CompiledAffected {
            versions,
            ranges: ranges
                .iter()
                .filter_map(|r| range_scheme(r, scheme).map(|s| compile_range(r, s)))
                .collect(),
        }
    }

    /// Whether `version` is affected.
    pub fn affects(&self, version: &mut InstalledVersion<'_>) -> bool {
        let listed = match self.versions {
            Versions::Strings(list) => list.iter().any(|v| v == version.text),
            Versions::List(list) => list.contains(version),
        };
        if listed {
            return true;
        }
        self.ranges
            .iter()
            .any(|r| r.contains(version.under(r.scheme)))
    }

    /// Fixed versions above `version` in this entry's ranges (unordered, distinct).
    pub fn fixed_above(&self, version: &mut InstalledVersion<'_>) -> Vec<&'a str> {
        let mut out: Vec<&'a str> = vec![];
        self.extend_fixed_above(version, &mut out);
        out
    }

    /// Like [`CompiledAffected::fixed_above`], appending to `out` (distinct among what
    /// this call appends), so that many matches can share one buffer.
    pub fn extend_fixed_above(&self, version: &mut InstalledVersion<'_>, out: &mut Vec<&'a str>) {
        let from = out.len();
        for r in &self.ranges {
            let v = version.under(r.scheme);
            for f in r.of_kind(EventKind::Fixed) {
                if f.compare(v) == Ordering::Greater && !out[from..].contains(&f.text()) {
                    out.push(f.text());
                }
            }
        }
    }
}

/// Whether `version` is affected by one range ordered with `scheme`.
///
/// A range written as ordered introduced/closing pairs is read as the union of those
/// intervals, which keeps overlapping intervals (real records have them) correct; any
/// other event order is sorted and replayed as the OSV schema describes.
pub fn in_range(range: &Range, scheme: VersionScheme, version: &str) -> bool {
    compile_range(range, scheme).contains(&scheme.parse(version))
}

/// Whether `version` of a package in `ecosystem` is affected by this entry.
pub fn is_affected(affected: &Affected, ecosystem: &str, version: &str) -> bool {
    CompiledAffected::new(affected, ecosystem).affects(&mut InstalledVersion::new(version))
}

/// Fixed versions above `version` in the ranges that affect it, lowest first.
pub fn fixed_versions(affected: &Affected, ecosystem: &str, version: &str) -> Vec<String> {
    let compiled = CompiledAffected::new(affected, ecosystem);
    let mut out: Vec<String> = compiled
        .fixed_above(&mut InstalledVersion::new(version))
        .into_iter()
        .map(str::to_string)
        .collect();
    if let Some(s) = VersionScheme::for_ecosystem(ecosystem) {
        out.sort_by(|a, b| s.compare(a, b));
    }
    out
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_list_holds_exactly_the_versions_it_was_given() {
        let list: VersionList =
            serde_json::from_str(r#"["1.0", "1.0.1", "", "2.0-\"rc\"", "1.0\u0001", "é1"]"#)
                .unwrap();
        let given = ["1.0", "1.0.1", "", "2.0-\"rc\"", "1.0\u{1}", "é1"];
        assert_eq!(list.len(), given.len());
        assert_eq!(list.iter().collect::<Vec<_>>(), given);
        for v in given {
            assert!(list.contains(&InstalledVersion::new(v)), "{v:?}");
        }
        for v in ["1", "1.0.", "2.0-rc", "1.0.10", "E1"] {
            assert!(!list.contains(&InstalledVersion::new(v)), "{v:?}");
        }
        assert!(serde_json::from_str::<VersionList>(r#"["1", 2]"#).is_err());
        assert!(VersionList::default().is_empty());
    }

    #[test]
    fn stored_entries_match_exactly_like_parsed_records() {
        let affected: Affected = serde_json::from_str(
            r#"{"versions": ["0.9.1", "1.4.0"],
                "ranges": [{"type": "ECOSYSTEM", "events": [
                    {"introduced": "1.0.0"}, {"fixed": "1.2.0"},
                    {"introduced": "2.0.0"}, {"last_affected": "2.1.0"}]},
                  {"type": "ECOSYSTEM", "events": [{"fixed": "3.0.0"}, {"introduced": "2.9"}]}]}"#,
        )
        .unwrap();
        let list: VersionList =
            serde_json::from_str(&serde_json::to_string(&affected.versions).unwrap()).unwrap();
        let parsed = CompiledAffected::new(&affected, "PyPI");
        let stored = CompiledAffected::from_parts(&list, &affected.ranges, "PyPI");
        for v in [
            "0.9.1", "0.9.2", "1.0.0", "1.1.9", "1.2.0", "1.4.0", "2.0.0", "2.1.0", "2.1.1", "2.9",
            "2.9.5", "3.0.0",
        ] {
            let (mut a, mut b) = (InstalledVersion::new(v), InstalledVersion::new(v));
            assert_eq!(parsed.affects(&mut a), stored.affects(&mut b), "{v}");
            assert_eq!(
                parsed.fixed_above(&mut a),
                stored.fixed_above(&mut b),
                "{v}"
            );
        }
    }
}
