//! Semantic Versioning 2.0 and its relatives (NuGet, Dart pub).
//!
//! Parsing is lenient the way OSV tooling is: a leading `v` is dropped (Go), there may be
//! any number of numeric components (missing ones are 0), and whatever follows them is the
//! pre-release (`-...`) and build metadata (`+...`). Go's `+incompatible` is build metadata
//! and pseudo-versions are ordinary pre-releases, so both order correctly with no special
//! case. Fallback: a string with no leading number has components `[]` (all zero) and the
//! whole text as its pre-release.

use std::cmp::Ordering;

use super::numeric::{cmp_decimal, is_digits};

/// A version split into its parts, for comparing one version many times.
#[derive(Debug, Clone)]
pub(super) struct Parsed<'a> {
    components: Vec<&'a str>,
    pre: &'a str,
    build: &'a str,
}

pub(super) fn parse(v: &str) -> Parsed<'_> {
    let v = v.trim();
    let v = v.strip_prefix('v').unwrap_or(v);
    let mut components = Vec::new();
    let mut rest = v;
    loop {
        let d = rest.bytes().take_while(|c| c.is_ascii_digit()).count();
        if d == 0 {
            break;
        }
        components.push(&rest[..d]);
        rest = &rest[d..];
        match rest.strip_prefix('.') {
            Some(r) if r.starts_with(|c: char| c.is_ascii_digit()) => rest = r,
            _ => break,
        }
    }
    let (pre, build) = match rest.find('+') {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, ""),
    };
    let pre = pre.strip_prefix('-').unwrap_or(pre);
    let pre = pre.strip_prefix('.').unwrap_or(pre);
    Parsed {
        components,
        pre,
        build,
    }
}

fn cmp_components(a: &[&str], b: &[&str], limit: usize) -> Ordering {
    for i in 0..a.len().max(b.len()).min(limit) {
        let ord = cmp_decimal(a.get(i).unwrap_or(&"0"), b.get(i).unwrap_or(&"0"));
        if ord != Ordering::Equal {
            return ord;
        }
    }
    Ordering::Equal
}

/// SemVer §11 pre-release identifier ordering; `fold_case` for NuGet.
fn cmp_identifiers(a: &str, b: &str, fold_case: bool) -> Ordering {
    let mut ia = a.split('.');
    let mut ib = b.split('.');
    loop {
        match (ia.next(), ib.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => {
                let ord = match (is_digits(x), is_digits(y)) {
                    (true, true) => cmp_decimal(x, y),
                    (true, false) => Ordering::Less,
                    (false, true) => Ordering::Greater,
                    (false, false) if fold_case => {
                        x.to_ascii_lowercase().cmp(&y.to_ascii_lowercase())
                    }
                    (false, false) => x.cmp(y),
                };
                if ord != Ordering::Equal {
                    return ord;
                }
            }
        }
    }
}

fn cmp_pre(a: &str, b: &str, fold_case: bool) -> Ordering {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        _ => cmp_identifiers(a, b, fold_case),
    }
}

pub fn compare(a: &str, b: &str) -> Ordering {
    cmp_parsed(&parse(a), &parse(b))
}

pub(super) fn cmp_parsed(a: &Parsed<'_>, b: &Parsed<'_>) -> Ordering {
    cmp_components(&a.components, &b.components, 3)
        .then_with(|| {
            // components past the third are not SemVer; order them as extra numbers
            cmp_components(&a.components, &b.components, usize::MAX)
        })
        .then_with(|| cmp_pre(a.pre, b.pre, false))
}

/// NuGet: up to four numeric components, case-insensitive pre-release, build ignored.
pub fn compare_nuget(a: &str, b: &str) -> Ordering {
    cmp_parsed_nuget(&parse(a), &parse(b))
}

pub(super) fn cmp_parsed_nuget(a: &Parsed<'_>, b: &Parsed<'_>) -> Ordering {
    cmp_components(&a.components, &b.components, usize::MAX)
        .then_with(|| cmp_pre(a.pre, b.pre, true))
}

/// Dart pub: SemVer, and build metadata orders too (no build < any build).
pub fn compare_pub(a: &str, b: &str) -> Ordering {
    cmp_parsed_pub(&parse(a), &parse(b))
}

pub(super) fn cmp_parsed_pub(pa: &Parsed<'_>, pb: &Parsed<'_>) -> Ordering {
    cmp_components(&pa.components, &pb.components, usize::MAX)
        .then_with(|| cmp_pre(pa.pre, pb.pre, false))
        .then_with(|| match (pa.build.is_empty(), pb.build.is_empty()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            _ => cmp_identifiers(pa.build, pb.build, false),
        })
}
