#![allow(dead_code)]

use std::sync::Arc;

use palisade_iac::kubernetes::{objects_from_documents, K8sObject};

/// The objects of a manifest text, as the CLI would load them from `name`.
pub fn objects(name: &str, text: &str) -> Vec<K8sObject> {
    let docs = palisade_yaml::load(text).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    objects_from_documents(&Arc::from(name), docs)
}
