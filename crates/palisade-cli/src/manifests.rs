//! The manifests that `rbac` and `netpol` answer questions about, read by the engine, and
//! how those commands print their answer: problems on standard error, above the answer,
//! with a note that the answer rests on partial input, and exit status 2.

use std::path::{Path, PathBuf};

use palisade_core::Config;
use palisade_iac::kubernetes::ManifestFile;

/// Manifests, the configuration beside them, and what could not be read.
pub struct Loaded {
    pub manifests: Vec<ManifestFile>,
    pub config: Config,
    pub problems: Vec<String>,
    /// Files read under the paths.
    pub files: usize,
}

pub fn load(paths: &[PathBuf]) -> anyhow::Result<Loaded> {
    let engine = crate::scan::manifest_engine(paths)?;
    let set = engine.load_manifests(paths);
    let config = palisade_engine::load_config(None, paths)?;
    Ok(Loaded {
        manifests: set.manifests,
        config,
        problems: set.errors.iter().map(ToString::to_string).collect(),
        files: set.files,
    })
}

/// Prints the problems of the input to standard error (never silenced) and answers the
/// exit status the command ends with: 2 when the answer rests on partial input.
pub fn report_problems(problems: &[String]) -> u8 {
    if problems.is_empty() {
        return 0;
    }
    for p in problems {
        eprintln!("error: {p}");
    }
    eprintln!(
        "note: the answer below is based on partial input: {} problem{} above",
        problems.len(),
        if problems.len() == 1 { "" } else { "s" }
    );
    crate::EXIT_ERROR
}

/// Writes `text` to `output` or standard output (a closed pipe is not an error).
pub fn emit(text: &str, output: Option<&Path>) -> anyhow::Result<()> {
    match output {
        Some(path) => std::fs::write(path, text)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display())),
        None => crate::emit(text),
    }
}
