//! Kubernetes NetworkPolicy analysis: the v1 semantics (pod and namespace selectors, ipBlock
//! with except, ports by number, name and range, policyTypes defaulting, union of policies,
//! ingress and egress both required) evaluated over the workloads of a scan. It gives the
//! reachability matrix between workloads and the pseudo-peers "internet" and "any pod in
//! namespace X", explains single connections, reports the NET rules, and draws pictures.
//!
//! It does not read files (the CLI loads manifests with `palisade-iac`), does not know what a
//! particular CNI adds beyond the API (e.g. Calico or Cilium policies), and treats pod IPs as
//! unknown: an ipBlock reaches pods only if it covers every configured cluster CIDR.

pub mod cidr;
pub mod engine;
pub mod model;
pub mod picture;
pub mod rules;

use palisade_core::{Finding, RuleMeta, ScanError};
use palisade_iac::kubernetes::K8sObject;

pub use engine::{Endpoint, Engine, Explanation, PortSet};
pub use model::{NetworkBuilder, NetworkModel, Options, Protocol};
pub use rules::net008_database_reachable::is_database_port;

/// Every rule this crate can report.
pub fn rules() -> Vec<&'static RuleMeta> {
    rules::all()
}

/// Findings and input problems of one NetworkPolicy analysis.
#[derive(Debug, Default)]
pub struct Outcome {
    pub findings: Vec<Finding>,
    pub errors: Vec<ScanError>,
}

/// Runs every NET rule over all objects of a scan, seen as one cluster state.
pub fn check(objects: &[&K8sObject], options: &Options) -> Outcome {
    check_model(&NetworkModel::build(objects.iter().copied()), options)
}

/// Runs the rules over an already built model.
pub fn check_model(model: &NetworkModel, options: &Options) -> Outcome {
    let engine = Engine::new(model, options.clone());
    let mut findings = rules::check(&engine);
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    Outcome {
        findings,
        errors: model.errors.clone(),
    }
}
