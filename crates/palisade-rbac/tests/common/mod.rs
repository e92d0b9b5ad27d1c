#![allow(dead_code)]

use std::sync::Arc;

use palisade_iac::kubernetes::{objects_from_documents, K8sObject};

/// The objects of a manifest text, as the CLI would load them from `name`.
pub fn objects(name: &str, text: &str) -> Vec<K8sObject> {
    let docs = palisade_yaml::load(text).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    objects_from_documents(&Arc::from(name), docs)
}

/// The third-party corpus, or `None` (with a skip line) when it is absent.
#[allow(dead_code)]
pub fn corpus() -> Option<std::path::PathBuf> {
    let root = std::env::var_os("PALISADE_CORPUS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../../shared/corpus"
            ))
        });
    if root.is_dir() {
        Some(root)
    } else {
        eprintln!(
            "SKIP: corpus not found at {} (set PALISADE_CORPUS)",
            root.display()
        );
        None
    }
}
