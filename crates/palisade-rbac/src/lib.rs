//! Kubernetes RBAC analysis: the Roles, ClusterRoles (aggregation resolved), bindings,
//! service accounts and workloads of a scan, plus the API server's default roles, as one
//! model with the authorizer's exact semantics. It answers `who-can` and `can` questions,
//! reports the RBAC rules (RBAC001–RBAC015) and the Secret-access rule SEC210 with the chain
//! subject → binding → role → rule, and draws the graph (DOT, self-contained HTML).
//!
//! It does not read files or walk directories (the CLI loads manifests with `palisade-iac`)
//! and does not talk to a cluster; it does not judge pod specs (that is `palisade-iac`).

mod defaults;
pub mod eval;
pub mod graph;
pub mod model;
pub mod query;
pub mod rules;

use palisade_core::{Finding, RuleMeta, ScanError};
use palisade_iac::kubernetes::K8sObject;

pub use eval::Request;
pub use model::{RbacBuilder, RbacModel, Subject};
pub use query::{can, who_can, CanAnswer, WhoCanAnswer};

/// Every rule this crate can report.
pub fn rules() -> Vec<&'static RuleMeta> {
    rules::all()
}

/// Findings and input problems of one RBAC analysis.
#[derive(Debug, Default)]
pub struct Outcome {
    pub findings: Vec<Finding>,
    pub errors: Vec<ScanError>,
}

/// Runs every RBAC rule and SEC210 over all objects of a scan, seen as one cluster state.
pub fn check(objects: &[&K8sObject]) -> Outcome {
    let model = RbacModel::build(objects.iter().copied());
    check_model(&model)
}

/// Runs the rules over an already built model.
pub fn check_model(model: &RbacModel) -> Outcome {
    let a = rules::Analysis::new(model);
    let mut findings = Vec::new();
    rules::rbac001_wildcards::check(&a, &mut findings);
    rules::rbac002_cluster_admin_binding::check(&a, &mut findings);
    rules::rbac003_anonymous_access::check(&a, &mut findings);
    for d in rules::dangerous() {
        a.permission_findings(&d, &mut findings);
    }
    rules::rbac013_default_service_account::check(&a, &mut findings);
    rules::rbac014_workload_permissions::check(&a, &mut findings);
    rules::rbac015_missing_role::check(&a, &mut findings);
    rules::sec210_unused_secret_access::check(&a, &mut findings);
    findings.sort_by(|x, y| x.sort_key().cmp(&y.sort_key()));
    Outcome {
        findings,
        errors: model.errors.clone(),
    }
}
