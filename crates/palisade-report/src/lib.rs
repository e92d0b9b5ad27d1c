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

pub use json::JSON_SCHEMA_VERSION;

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
