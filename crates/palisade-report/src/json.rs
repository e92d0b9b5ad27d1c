//! The JSON report; its shape is documented in `docs/json-schema.md`.

use palisade_core::{Finding, Practice, ScanError, ScanReport, Severity};
use serde::{Deserialize, Serialize};

use crate::ReportError;

/// Version of the JSON report layout. Bumped on any incompatible change.
pub const JSON_SCHEMA_VERSION: &str = "1.0";

#[derive(Serialize)]
struct JsonReport<'a> {
    schema_version: &'static str,
    tool: Tool,
    targets: &'a [String],
    summary: Summary,
    findings: &'a [Finding],
    suppressed: &'a [Finding],
    errors: &'a [ScanError],
    warnings: &'a [String],
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Summary {
    files_scanned: usize,
    findings: usize,
    suppressed: usize,
    errors: usize,
    by_severity: std::collections::BTreeMap<Severity, usize>,
    by_practice: std::collections::BTreeMap<Practice, usize>,
}

pub fn write(report: &ScanReport, out: &mut dyn std::io::Write) -> Result<(), ReportError> {
    let mut by_severity = std::collections::BTreeMap::new();
    let mut by_practice = std::collections::BTreeMap::new();
    for f in &report.findings {
        *by_severity.entry(f.severity).or_insert(0) += 1;
        *by_practice.entry(f.practice).or_insert(0) += 1;
    }
    let doc = JsonReport {
        schema_version: JSON_SCHEMA_VERSION,
        tool: Tool {
            name: "palisade",
            version: env!("CARGO_PKG_VERSION"),
        },
        targets: &report.targets,
        summary: Summary {
            files_scanned: report.files_scanned,
            findings: report.findings.len(),
            suppressed: report.suppressed.len(),
            errors: report.errors.len(),
            by_severity,
            by_practice,
        },
        findings: &report.findings,
        suppressed: &report.suppressed,
        errors: &report.errors,
        warnings: &report.warnings,
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    out.write_all(b"\n")?;
    Ok(())
}

/// What [`read_json`] takes from a report: everything the report holds that is not
/// computed from the rest (the summary is, except the count of files scanned).
#[derive(Deserialize)]
struct ReadReport {
    schema_version: String,
    tool: ReadTool,
    targets: Vec<String>,
    summary: ReadSummary,
    findings: Vec<Finding>,
    suppressed: Vec<Finding>,
    errors: Vec<ScanError>,
    warnings: Vec<String>,
}

#[derive(Deserialize)]
struct ReadTool {
    name: String,
}

#[derive(Deserialize)]
struct ReadSummary {
    files_scanned: usize,
}

/// Reads a JSON report Palisade wrote (`-f json`) back into a [`ScanReport`], for
/// `palisade merge`. The text is untrusted: anything else is an error, never a panic.
pub fn read_json(text: &str) -> Result<ScanReport, ReportError> {
    let doc: ReadReport =
        serde_json::from_str(text).map_err(|e| ReportError::NotAReport(e.to_string()))?;
    if doc.tool.name != "palisade" {
        return Err(ReportError::NotAReport(format!(
            "written by `{}`, not palisade",
            doc.tool.name
        )));
    }
    if doc.schema_version != JSON_SCHEMA_VERSION {
        return Err(ReportError::NotAReport(format!(
            "schema version {} (this Palisade reads {JSON_SCHEMA_VERSION})",
            doc.schema_version
        )));
    }
    Ok(ScanReport {
        targets: doc.targets,
        findings: doc.findings,
        suppressed: doc.suppressed,
        errors: doc.errors,
        warnings: doc.warnings,
        files_scanned: doc.summary.files_scanned,
    })
}
