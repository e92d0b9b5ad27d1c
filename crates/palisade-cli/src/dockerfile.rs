//! Dockerfiles in `palisade scan`: parse and check one file with palisade-dockerfile,
//! apply its inline `# palisade:ignore` markers, and turn parse problems into report
//! errors and warnings.

use palisade_core::{Finding, InlineIgnores, ScanError, SuppressedBy};

/// What one Dockerfile contributed to the report.
#[derive(Default)]
pub struct DockerfileOutcome {
    pub findings: Vec<Finding>,
    pub suppressed: Vec<Finding>,
    pub errors: Vec<ScanError>,
    pub warnings: Vec<String>,
}

pub fn scan(display: &str, text: &str) -> DockerfileOutcome {
    let mut out = DockerfileOutcome::default();
    let scan = match palisade_dockerfile::scan_dockerfile(display, text) {
        Ok(scan) => scan,
        Err(e) => {
            out.errors.push(ScanError::new(
                display,
                e.line(),
                format!("cannot read Dockerfile: {e}"),
            ));
            return out;
        }
    };
    out.warnings = scan
        .warnings
        .iter()
        .map(|w| format!("{display}: {w}"))
        .collect();
    let ignores = InlineIgnores::parse(text);
    for mut finding in scan.findings {
        let reason = finding
            .location
            .line
            .and_then(|line| ignores.reason_for(&finding.rule_id, line));
        match reason {
            Some(reason) => {
                finding.suppressed = Some(SuppressedBy::Inline {
                    reason: reason.to_string(),
                });
                out.suppressed.push(finding);
            }
            None => out.findings.push(finding),
        }
    }
    out
}
