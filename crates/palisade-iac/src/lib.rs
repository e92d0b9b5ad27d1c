//! Infrastructure-as-code models and their misconfiguration rules.
//!
//! Files arrive here already loaded by `palisade-yaml` (positions kept); this crate
//! recognises what they describe (today: Kubernetes manifests), builds normalized models
//! ([`kubernetes::K8sObject`], [`kubernetes::PodView`]) and runs the rules over them. It does
//! not walk directories or render reports: the CLI and the report crate do.

pub mod kubernetes;

/// Every rule this crate can report.
pub fn rules() -> Vec<&'static palisade_core::RuleMeta> {
    kubernetes::rules::all().iter().map(|r| r.meta).collect()
}

/// The rules that judge a running cluster's state (`palisade cluster`), not manifests.
pub fn live_rules() -> Vec<&'static palisade_core::RuleMeta> {
    kubernetes::live::rules()
}
