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

/// Checks one Dockerfile; `local` names the images the scanned tree builds itself, so a
/// `FROM` of one of them inherits its final user (IMG011).
pub fn scan(
    display: &str,
    text: &str,
    local: Option<&palisade_dockerfile::LocalImages>,
) -> DockerfileOutcome {
    let mut out = DockerfileOutcome::default();
    let scanned = match local {
        Some(local) => palisade_dockerfile::scan_dockerfile_in_tree(
            display,
            text,
            Some(secret_in_value),
            local,
        ),
        None => palisade_dockerfile::scan_dockerfile_with(display, text, Some(secret_in_value)),
    };
    let scan = match scanned {
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

/// Whether a file may tie an image name to a Dockerfile: a Compose file, a Makefile, a
/// shell script or a CI definition (where `docker build -t` lines live).
fn is_build_file(display: &str) -> bool {
    let name = display.rsplit('/').next().unwrap_or(display);
    let lower = name.to_ascii_lowercase();
    let yaml = lower.ends_with(".yml") || lower.ends_with(".yaml");
    lower == "makefile"
        || lower.ends_with(".mk")
        || lower.ends_with(".sh")
        || lower == "justfile"
        || lower == "jenkinsfile"
        || (yaml
            && (lower.starts_with("docker-compose")
                || lower.starts_with("compose")
                || lower == ".gitlab-ci.yml"
                || display.contains(".github/workflows/")))
}

/// The images the scanned files build themselves, from every Dockerfile and build file
/// among them; `None` when there are fewer than two Dockerfiles (a single file's own
/// stages are resolved within it).
pub(crate) fn local_images(files: &[crate::FileEntry]) -> Option<palisade_dockerfile::LocalImages> {
    let dockerfiles: Vec<&crate::FileEntry> = files
        .iter()
        .filter(|f| palisade_dockerfile::is_dockerfile(std::path::Path::new(&f.display), None))
        .collect();
    if dockerfiles.len() < 2 {
        return None;
    }
    let read = |f: &crate::FileEntry| {
        let bytes = crate::source::read_bounded(f, 1 << 20).ok()??;
        String::from_utf8(bytes.to_vec()).ok()
    };
    let docker_texts: Vec<(String, String)> = dockerfiles
        .iter()
        .filter_map(|f| Some((f.display.clone(), read(f)?)))
        .collect();
    let build_texts: Vec<(String, String)> = files
        .iter()
        .filter(|f| is_build_file(&f.display))
        .filter_map(|f| Some((f.display.clone(), read(f)?)))
        .collect();
    let (d, b) = (as_pairs(&docker_texts), as_pairs(&build_texts));
    let local = palisade_dockerfile::LocalImages::from_tree(&d, &b);
    (!local.is_empty()).then_some(local)
}

fn as_pairs(files: &[(String, String)]) -> Vec<(&str, &str)> {
    files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect()
}
