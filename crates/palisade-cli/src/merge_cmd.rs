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
            .and_then(|text| {
                let report = report_of_log(&text)?;
                palisade_report::read_json(report).map_err(|e| e.to_string())
            });
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

/// The JSON report of `text`, which may be a pod's log (`kubectl logs` of a shard of the
/// images Job): the report, then the `error:` and `warning:` lines Palisade printed on
/// standard error, which the report holds too. Any other text after the report is an
/// error naming its line.
fn report_of_log(text: &str) -> Result<&str, String> {
    let mut documents =
        serde_json::Deserializer::from_str(text).into_iter::<serde::de::IgnoredAny>();
    if documents.next().and_then(Result::ok).is_none() {
        // not JSON: read_json says what is wrong with it
        return Ok(text);
    }
    let end = documents.byte_offset();
    let (report, rest) = text.split_at(end);
    let first_line = report.lines().count();
    for (k, line) in rest.lines().enumerate() {
        let line = line.trim_end();
        if !(line.is_empty() || line.starts_with("error: ") || line.starts_with("warning: ")) {
            return Err(format!(
                "line {}: text after the report that is not one of Palisade's error or warning lines",
                first_line + k
            ));
        }
    }
    Ok(report)
}
