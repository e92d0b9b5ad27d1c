//! Kubernetes manifests: objects found by content in YAML/JSON documents, one pod-spec
//! view per workload, the cluster context that relates objects (Services, RuntimeClasses,
//! ServiceAccounts, Namespaces), and the rules.

mod context;
pub mod live;
mod object;
mod pod;
pub mod rules;
mod selector;

use std::sync::Arc;

use palisade_core::{Finding, InlineIgnores, ScanError, SuppressedBy};
use palisade_yaml::Document;
use rayon::prelude::*;

pub use context::{may_contribute, ClusterContext};
pub use object::{ignored_rules, objects_from_documents, K8sObject, IGNORE_ANNOTATION};
pub use pod::{ContainerKind, ContainerRef, PodTemplatePath, PodView};
pub use selector::{LabelSelector, Requirement, SelectorError};

/// The Kubernetes objects of one file, with its inline ignore markers.
#[derive(Debug, Clone)]
pub struct ManifestFile {
    pub path: Arc<str>,
    pub objects: Vec<K8sObject>,
    pub ignores: InlineIgnores,
}

impl ManifestFile {
    /// Builds the objects of a loaded file; documents that are not Kubernetes objects are skipped.
    pub fn new(path: &str, text: &str, documents: Vec<Document>) -> ManifestFile {
        let path: Arc<str> = Arc::from(path);
        ManifestFile {
            objects: objects_from_documents(&path, documents),
            ignores: InlineIgnores::parse(text),
            path,
        }
    }
}

/// Whether text is worth loading as a Kubernetes manifest: it mentions both `apiVersion` and `kind`.
pub fn looks_like_manifest(text: &str) -> bool {
    text.contains("apiVersion") && text.contains("kind")
}

/// Result of checking a set of manifest files.
#[derive(Debug, Default)]
pub struct Outcome {
    pub findings: Vec<Finding>,
    pub suppressed: Vec<Finding>,
    pub errors: Vec<ScanError>,
}

/// Runs every Kubernetes rule over the objects of all `files`, seen as one cluster state.
pub fn check(files: &[ManifestFile]) -> Outcome {
    let cx = ClusterContext::new(files.iter().flat_map(|f| f.objects.iter()));
    let per_file: Vec<Outcome> = files.par_iter().map(|file| check_file(file, &cx)).collect();
    let mut outcome = Outcome::default();
    for o in per_file {
        outcome.findings.extend(o.findings);
        outcome.suppressed.extend(o.suppressed);
        outcome.errors.extend(o.errors);
    }
    outcome
}

/// Runs every Kubernetes rule over the objects of one file, with the context of the whole
/// scan already built (see [`context::may_contribute`] for building it without keeping
/// every file loaded).
pub fn check_file(file: &ManifestFile, cx: &ClusterContext) -> Outcome {
    let mut outcome = Outcome::default();
    let mut found = Vec::new();
    for obj in &file.objects {
        rules::check_object(obj, cx, &mut found);
        for mut finding in found.drain(..) {
            match suppression(file, obj, &finding) {
                Some(by) => {
                    finding.suppressed = Some(Box::new(by));
                    outcome.suppressed.push(finding);
                }
                None => outcome.findings.push(finding),
            }
        }
    }
    outcome
}

/// Inline comment or `palisade.dev/ignore` annotation silencing a finding.
fn suppression(file: &ManifestFile, obj: &K8sObject, finding: &Finding) -> Option<SuppressedBy> {
    if file.ignores.is_empty() && obj.ignored_rules().next().is_none() {
        return None;
    }
    palisade_core::suppression(&file.ignores, Some(&obj.markers()), finding)
}
