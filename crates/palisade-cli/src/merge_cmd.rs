//! `palisade merge`: JSON reports written by Palisade (the shards of an Indexed Job, the
//! runs of several CI jobs) joined into one report in any format. Each file is untrusted
//! input: one that cannot be read or parsed is an error naming it, and the rest is merged.

use palisade_core::{ScanError, ScanReport};

use crate::cli::MergeArgs;

/// Largest report read.
const MAX_REPORT_BYTES: u64 = 1 << 30;

pub fn run(args: MergeArgs) -> anyhow::Result<u8> {
    let mut reports = Vec::new();
    let mut errors = Vec::new();
    for path in &args.reports {
        let name = path.display().to_string();
        let read = palisade_core::fsio::read_to_string_limited(path, MAX_REPORT_BYTES)
            .map_err(|e| format!("cannot read: {}", e.reason()))
            .and_then(|text| palisade_report::read_json(&text).map_err(|e| e.to_string()));
        match read {
            Ok(report) => reports.push(report),
            Err(message) => errors.push(ScanError::new(name, None, message)),
        }
    }
    reports.push(ScanReport {
        errors,
        ..ScanReport::default()
    });
    let mut merged = palisade_report::merge(reports);
    let floor = args.report.min_severity;
    merged.findings.retain(|f| f.severity >= floor);
    merged.suppressed.retain(|f| f.severity >= floor);
    crate::scan::finish(&merged, &args.report.to(args.format, args.quiet))
}
