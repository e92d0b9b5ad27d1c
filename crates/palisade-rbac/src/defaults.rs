//! The default ClusterRoles and ClusterRoleBindings of an API server, known without a
//! cluster. They are kept as a manifest (`builtin/defaults.yaml`) so they read like what
//! `kubectl get clusterrole -o yaml` shows.

use std::sync::{Arc, OnceLock};

use palisade_iac::kubernetes::{objects_from_documents, K8sObject};

use crate::model::{Binding, Origin, RbacModel, Role};

const DEFAULTS: &str = include_str!("builtin/defaults.yaml");

fn built_in() -> &'static (Vec<Role>, Vec<Binding>) {
    static CELL: OnceLock<(Vec<Role>, Vec<Binding>)> = OnceLock::new();
    CELL.get_or_init(|| {
        let docs = palisade_yaml::load(DEFAULTS).expect("built-in defaults are valid YAML");
        let objects: Vec<K8sObject> = objects_from_documents(&Arc::from("<built-in>"), docs);
        let mut model = RbacModel::parse_only(&objects);
        for role in &mut model.roles {
            role.origin = Origin::BuiltIn;
            for rule in &mut role.rules {
                rule.origin = Origin::BuiltIn;
            }
        }
        for b in &mut model.bindings {
            b.origin = Origin::BuiltIn;
            b.role_ref_origin = Origin::BuiltIn;
            for (_, o) in &mut b.subjects {
                *o = Origin::BuiltIn;
            }
        }
        (model.roles, model.bindings)
    })
}

/// The default ClusterRoles (cluster-admin, admin, edit, view, system:*).
pub fn roles() -> Vec<Role> {
    built_in().0.clone()
}

/// The default ClusterRoleBindings (system:masters, discovery, basic-user, public-info-viewer).
pub fn bindings() -> Vec<Binding> {
    built_in().1.clone()
}
