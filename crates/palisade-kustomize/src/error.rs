//! Why a kustomization could not be rendered: always the file (and line when known) and a
//! message in the words kustomize uses, so a user can compare with `kubectl kustomize`.

use std::path::PathBuf;

/// A kustomization that could not be rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{}: {kind}", palisade_core::text::printable(&file.display().to_string()), line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct KustomizeError {
    /// The file that holds the problem (a kustomization, a resource, a patch).
    pub file: PathBuf,
    pub line: Option<u32>,
    pub kind: ErrorKind,
}

/// What went wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ErrorKind {
    #[error("unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '{}'", palisade_core::text::printable(&.0.display().to_string()))]
    NotAKustomization(PathBuf),
    #[error(
        "accumulating resources from '{}': {reason}",
        palisade_core::text::printable(entry)
    )]
    Resource { entry: String, reason: String },
    #[error("{}", palisade_core::text::printable(.0))]
    Read(String),
    #[error("invalid YAML: {}", palisade_core::text::printable(.0))]
    Yaml(String),
    #[error("invalid Kustomization: {}", palisade_core::text::printable(.0))]
    Invalid(String),
    #[error("cycle detected: {}", palisade_core::text::printable(.0))]
    Cycle(String),
    #[error("security; file '{}' is not in or below '{}'", palisade_core::text::printable(&.file.display().to_string()), palisade_core::text::printable(&.root.display().to_string()))]
    OutsideRoot { file: PathBuf, root: PathBuf },
    #[error("{}", palisade_core::text::printable(.0))]
    Patch(String),
    #[error("{}", palisade_core::text::printable(.0))]
    Generator(String),
    #[error("{}", palisade_core::text::printable(.0))]
    Conflict(String),
    #[error("{}", palisade_core::text::printable(.0))]
    Limit(String),
}

impl KustomizeError {
    pub(crate) fn new(file: impl Into<PathBuf>, line: Option<u32>, kind: ErrorKind) -> Self {
        KustomizeError {
            file: file.into(),
            line,
            kind,
        }
    }
}
