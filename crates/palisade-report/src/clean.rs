//! What every writer shows of input-derived text: secrets replaced by their previews.
//!
//! Messages, resource names, file paths, evidence labels, errors and warnings all carry
//! text taken from inputs (a dependency URL with a token in it, an image history line
//! with a password). Before any writer runs, [`redacted`] passes each such string through
//! [`palisade_secrets::redact`]; the report is copied only when something was replaced.
//! Control characters are escaped by the table and JUnit writers themselves
//! ([`palisade_core::text::printable`]); JSON and SARIF escape them by their syntax.

use std::borrow::Cow;

use palisade_core::{Finding, Location, ScanReport};

/// `report` with every secret in its input-derived strings replaced by its preview.
pub(crate) fn redacted(report: &ScanReport) -> Cow<'_, ScanReport> {
    let mut dirty = false;
    visit(report, &mut |s, _| {
        dirty = dirty || matches!(palisade_secrets::redact(s), Cow::Owned(_));
    });
    if !dirty {
        return Cow::Borrowed(report);
    }
    let mut copy = report.clone();
    visit_mut(&mut copy, &mut |s, _| {
        if let Cow::Owned(clean) = palisade_secrets::redact(s) {
            *s = clean;
        }
    });
    Cow::Owned(copy)
}

fn escape(s: &str, lines: bool) -> Cow<'_, str> {
    if lines {
        palisade_core::text::printable_lines(s)
    } else {
        palisade_core::text::printable(s)
    }
}

/// `report` with control characters in input-derived strings shown escaped (`\x1b`), for
/// the writers whose output is a terminal or XML: names and paths on one line, messages
/// keeping their line breaks.
pub(crate) fn printable(report: &ScanReport) -> Cow<'_, ScanReport> {
    let mut dirty = false;
    visit(report, &mut |s, lines| {
        dirty = dirty || matches!(escape(s, lines), Cow::Owned(_));
    });
    if !dirty {
        return Cow::Borrowed(report);
    }
    let mut copy = report.clone();
    visit_mut(&mut copy, &mut |s, lines| {
        if let Cow::Owned(clean) = escape(s, lines) {
            *s = clean;
        }
    });
    Cow::Owned(copy)
}

fn visit(report: &ScanReport, f: &mut dyn FnMut(&str, bool)) {
    let location = |l: &Location, f: &mut dyn FnMut(&str, bool)| {
        f(&l.path, false);
        if let Some(r) = &l.resource {
            f(r, false);
        }
    };
    let finding = |x: &Finding, f: &mut dyn FnMut(&str, bool)| {
        f(&x.message, true);
        location(&x.location, f);
        for e in &x.evidence {
            f(&e.label, true);
            if let Some(l) = &e.location {
                location(l, f);
            }
        }
        if let Some(p) = &x.package {
            f(&p.name, false);
            f(&p.version, false);
        }
    };
    for x in report.findings.iter().chain(&report.suppressed) {
        finding(x, f);
    }
    for e in &report.errors {
        f(&e.path, false);
        f(&e.message, true);
    }
    for s in report.warnings.iter().chain(&report.targets) {
        f(s, true);
    }
}

fn visit_mut(report: &mut ScanReport, f: &mut dyn FnMut(&mut String, bool)) {
    let location = |l: &mut Location, f: &mut dyn FnMut(&mut String, bool)| {
        f(&mut l.path, false);
        if let Some(r) = &mut l.resource {
            f(r, false);
        }
    };
    let finding = |x: &mut Finding, f: &mut dyn FnMut(&mut String, bool)| {
        f(&mut x.message, true);
        location(&mut x.location, f);
        for e in &mut x.evidence {
            f(&mut e.label, true);
            if let Some(l) = &mut e.location {
                location(l, f);
            }
        }
        if let Some(p) = &mut x.package {
            f(&mut p.name, false);
            f(&mut p.version, false);
        }
    };
    for x in report
        .findings
        .iter_mut()
        .chain(report.suppressed.iter_mut())
    {
        finding(x, f);
    }
    for e in &mut report.errors {
        f(&mut e.path, false);
        f(&mut e.message, true);
    }
    for s in report.warnings.iter_mut().chain(report.targets.iter_mut()) {
        f(s, true);
    }
}
