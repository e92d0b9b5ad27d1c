//! Report formats for a finished [`ScanReport`]: a table for people, JSON for scripts
//! (schema in `docs/json-schema.md`), SARIF 2.1.0 for code-scanning dashboards and JUnit
//! XML for CI test views.
//!
//! Rendering is pure: it takes the report and the rule registry and returns text. It never
//! scans, filters or changes findings; the CLI decides what goes into the report.

mod clean;
mod json;
mod junit;
pub mod policyreport;
mod sarif;
mod table;

use std::str::FromStr;

use palisade_core::{RuleRegistry, ScanReport};

pub use json::{read_json, JSON_SCHEMA_VERSION};

/// Output formats of `palisade scan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Sarif,
    Junit,
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "table" => Ok(Format::Table),
            "json" => Ok(Format::Json),
            "sarif" => Ok(Format::Sarif),
            "junit" => Ok(Format::Junit),
            _ => Err(format!(
                "unknown format `{s}` (expected table, json, sarif or junit)"
            )),
        }
    }
}

/// How to render.
#[derive(Debug, Clone, Copy, Default)]
pub struct RenderOptions {
    /// ANSI colours (table only).
    pub color: bool,
    /// List suppressed findings too (table only; JSON and SARIF always carry them).
    pub show_suppressed: bool,
}

/// A report could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("cannot serialize the report: {0}")]
    Json(serde_json::Error),
    #[error("cannot write JUnit XML: {0}")]
    Junit(quick_junit::SerializeError),
    #[error("cannot write the report: {}", palisade_core::text::io_message(.0))]
    Io(std::io::Error),
    /// A text given as a JSON report that is not one Palisade wrote.
    #[error("not a Palisade JSON report: {0}")]
    NotAReport(String),
}

// Conversions without `#[from]`, which would also make the wrapped error a `source()` that
// chain printers (`anyhow`'s `{:#}`) repeat after the message that already contains it.
impl From<serde_json::Error> for ReportError {
    fn from(e: serde_json::Error) -> Self {
        ReportError::Json(e)
    }
}
impl From<quick_junit::SerializeError> for ReportError {
    fn from(e: quick_junit::SerializeError) -> Self {
        ReportError::Junit(e)
    }
}
impl From<std::io::Error> for ReportError {
    fn from(e: std::io::Error) -> Self {
        ReportError::Io(e)
    }
}

/// Renders `report` in `format`.
pub fn render(
    report: &ScanReport,
    rules: &RuleRegistry,
    format: Format,
    options: RenderOptions,
) -> Result<String, ReportError> {
    let mut out = Vec::new();
    write(report, rules, format, options, &mut out)?;
    Ok(String::from_utf8(out).expect("reports are UTF-8"))
}

/// Writes `report` in `format` to `out`; the JSON report is streamed, never held whole.
pub fn write(
    report: &ScanReport,
    rules: &RuleRegistry,
    format: Format,
    options: RenderOptions,
    out: &mut dyn std::io::Write,
) -> Result<(), ReportError> {
    // every writer sees input-derived text with the secrets in it redacted
    let report = &*clean::redacted(report);
    match format {
        Format::Table => {
            let report = &*clean::printable(report);
            out.write_all(table::render(report, rules, options).as_bytes())?
        }
        Format::Json => json::write(report, out)?,
        Format::Sarif => out.write_all(sarif::render(report, rules)?.as_bytes())?,
        Format::Junit => {
            let report = &*clean::printable(report);
            out.write_all(junit::render(report)?.as_bytes())?
        }
    }
    Ok(out.flush()?)
}

/// A stable fingerprint of a finding (rule, path, resource, message), for SARIF
/// `partialFingerprints` and baselines. Line numbers are left out so that edits above a
/// finding do not change it.
pub fn fingerprint(f: &palisade_core::Finding) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for part in [
        f.rule_id.as_ref(),
        f.location.path.as_str(),
        f.location.resource.as_deref().unwrap_or(""),
        f.message.as_str(),
    ] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    if let Some(s) = &f.secret {
        h.update(s.fingerprint.as_bytes());
    }
    h.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Joins reports into one, as one run over all their targets would have written it:
/// targets, errors and warnings sorted without repeats, files scanned added up, and the
/// findings (and suppressed findings) of all, one per [`fingerprint`], in report order.
/// Merging is order-free: the same reports in any order, or split differently, give the
/// same report.
pub fn merge(reports: impl IntoIterator<Item = ScanReport>) -> ScanReport {
    let mut merged = ScanReport::default();
    for report in reports {
        merged.targets.extend(report.targets);
        merged.findings.extend(report.findings);
        merged.suppressed.extend(report.suppressed);
        merged.errors.extend(report.errors);
        merged.warnings.extend(report.warnings);
        merged.files_scanned += report.files_scanned;
    }
    merged.targets.sort();
    merged.targets.dedup();
    merged.errors.sort();
    merged.errors.dedup();
    merged.warnings.sort();
    merged.warnings.dedup();
    merged.findings = one_per_fingerprint(std::mem::take(&mut merged.findings));
    merged.suppressed = one_per_fingerprint(std::mem::take(&mut merged.suppressed));
    merged
}

/// Findings sorted by report order, then fingerprint, then content (so that which of two
/// findings with one fingerprint is kept does not depend on input order), and deduplicated
/// by fingerprint.
fn one_per_fingerprint(findings: Vec<palisade_core::Finding>) -> Vec<palisade_core::Finding> {
    let mut keyed: Vec<(String, palisade_core::Finding)> =
        findings.into_iter().map(|f| (fingerprint(&f), f)).collect();
    keyed.sort_by(|(fa, a), (fb, b)| {
        a.sort_key()
            .cmp(&b.sort_key())
            .then_with(|| fa.cmp(fb))
            .then_with(|| {
                let text =
                    |f: &palisade_core::Finding| serde_json::to_string(f).unwrap_or_default();
                text(a).cmp(&text(b))
            })
    });
    let mut seen = std::collections::HashSet::new();
    keyed
        .into_iter()
        .filter(|(fp, _)| seen.insert(fp.clone()))
        .map(|(_, f)| f)
        .collect()
}

#[cfg(test)]
mod merge_tests {
    use super::*;
    use palisade_core::{Finding, Location, Practice, ScanError, Severity};

    fn finding(path: &str, message: &str) -> Finding {
        Finding {
            rule_id: "IMG100".into(),
            practice: Practice::Img,
            severity: Severity::Medium,
            title: "Image runs as root".into(),
            message: message.into(),
            location: Location::file(path),
            remediation: None,
            references: Default::default(),
            package: None,
            aliases: vec![],
            secret: None,
            evidence: vec![],
            suppressed: None,
        }
    }

    fn report(target: &str, findings: Vec<Finding>, warning: &str) -> ScanReport {
        ScanReport {
            targets: vec![target.into()],
            findings,
            errors: vec![ScanError::new(target, None, "x")],
            warnings: vec![warning.into(), "shared".into()],
            files_scanned: 2,
            ..ScanReport::default()
        }
    }

    #[test]
    fn merging_is_order_free_and_keeps_one_finding_per_fingerprint() {
        let a = report(
            "b:1",
            vec![finding("b:1", "root"), finding("b:1", "root")],
            "w-b",
        );
        let b = report("a:1", vec![finding("a:1", "root")], "w-a");
        let ab = merge([a.clone(), b.clone()]);
        let ba = merge([b, a]);
        let registry = RuleRegistry::new();
        let json =
            |r: &ScanReport| render(r, &registry, Format::Json, RenderOptions::default()).unwrap();
        assert_eq!(json(&ab), json(&ba));
        assert_eq!(ab.targets, ["a:1", "b:1"]);
        assert_eq!(ab.findings.len(), 2);
        assert_eq!(ab.findings[0].location.path, "a:1");
        assert_eq!(ab.warnings, ["shared", "w-a", "w-b"]);
        assert_eq!(ab.errors.len(), 2);
        assert_eq!(ab.files_scanned, 4);
    }
}
