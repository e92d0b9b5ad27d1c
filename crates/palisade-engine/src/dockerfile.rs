//! Dockerfiles in `palisade scan`: parse and check one file with palisade-dockerfile,
//! apply its inline `# palisade:ignore` markers, and turn parse problems into report
//! errors and warnings.

use palisade_core::{Finding, InlineIgnores, ScanError};

/// What one Dockerfile contributed to the report.
#[derive(Default)]
pub struct DockerfileOutcome {
    pub findings: Vec<Finding>,
    pub suppressed: Vec<Finding>,
    pub errors: Vec<ScanError>,
    pub warnings: Vec<String>,
}

/// The secrets engine over one `ENV`/`ARG`/`LABEL` value: the first detector's title.
fn secret_in_value(value: &str) -> Option<String> {
    palisade_secrets::scan_value("value", value)
        .first()
        .map(|m| format!("{} ({})", m.title, m.preview))
}

pub fn scan(display: &str, text: &str) -> DockerfileOutcome {
    let mut out = DockerfileOutcome::default();
    let scan = match palisade_dockerfile::scan_dockerfile_with(display, text, Some(secret_in_value))
    {
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
    crate::scan::split_inline(
        scan.findings,
        &InlineIgnores::parse(text),
        &mut out.findings,
        &mut out.suppressed,
    );
    out
}
