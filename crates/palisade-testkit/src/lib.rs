//! Test support shared by the Palisade crates' integration tests: where the third-party
//! corpus and the published schemas live, the runner of every rule's pass and fail
//! fixtures, and the servers that stand in for the outside world (an archive mirror for
//! `db update`, a Kubernetes API server for live scans, a real OCI registry process for
//! image pulls).
//!
//! It is a dev-dependency only (`publish = false`): nothing here is product code, and no
//! test helper that serves a single crate belongs here. The API server is behind the
//! `kube-api` feature, so a crate that only reads the corpus builds no HTTPS stack.
//!
//! Data that is missing is a skip on a developer's machine and a failure in CI (the `CI`
//! environment variable is set there): a test that passes in CI has run.

pub mod archive_server;
#[cfg(feature = "kube-api")]
pub mod k8s_schema;
#[cfg(feature = "kube-api")]
pub mod kube_api;
pub mod registry;
pub mod rule_fixtures;

use std::path::PathBuf;

/// `sub` in the third-party corpus (`""` for the corpus itself), from `$PALISADE_CORPUS` or
/// `../shared/corpus` beside the workspace; `None` with a `SKIP:` line when it is absent,
/// a panic when `CI` is set.
pub fn corpus(sub: &str) -> Option<PathBuf> {
    let base = std::env::var_os("PALISADE_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| shared().join("corpus"));
    let path = if sub.is_empty() { base } else { base.join(sub) };
    present(path, "PALISADE_CORPUS")
}

/// The folder of published JSON schemas (SARIF, CycloneDX, SPDX), from `$PALISADE_SCHEMAS`
/// or `../shared/schemas` beside the workspace; `None` with a `SKIP:` line when it is
/// absent, a panic when `CI` is set.
pub fn schemas() -> Option<PathBuf> {
    let dir = std::env::var_os("PALISADE_SCHEMAS")
        .map(PathBuf::from)
        .unwrap_or_else(|| shared().join("schemas"));
    present(dir, "PALISADE_SCHEMAS")
}

/// `../shared` beside the workspace root, found from this crate's own manifest so that it
/// is the same folder whichever crate's test asks.
fn shared() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared"))
}

fn present(path: PathBuf, variable: &str) -> Option<PathBuf> {
    if path.exists() {
        return Some(path);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{} not found (set {variable}); required when CI is set",
        path.display()
    );
    eprintln!("SKIP: {} not found (set {variable})", path.display());
    None
}
