#![allow(dead_code)]
//! Shared helpers for integration tests: where the third-party corpus lives.

pub mod http;

use std::path::PathBuf;

/// The shared corpus, from `$PALISADE_CORPUS` or `<repo>/../shared/corpus`; `None` (with a
/// skip line on stderr) when it is absent.
pub fn corpus(sub: &str) -> Option<PathBuf> {
    let base = std::env::var_os("PALISADE_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../../shared/corpus"
            ))
        });
    let dir = base.join(sub);
    if dir.exists() {
        Some(dir)
    } else {
        eprintln!(
            "SKIP: corpus folder {} not found (set PALISADE_CORPUS)",
            dir.display()
        );
        None
    }
}
