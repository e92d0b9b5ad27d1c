//! Building the model file by file (as `palisade scan` does, dropping each file's tree)
//! gives the model of building it from all objects at once.

use crate::common;

use palisade_rbac::{RbacBuilder, RbacModel};

const FIRST: &str = r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: prod}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      serviceAccountName: api
      containers: [{name: api, image: api:1}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader, namespace: prod}
rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
"#;

const SECOND: &str = r#"
apiVersion: v1
kind: ServiceAccount
metadata: {name: api, namespace: prod}
automountServiceAccountToken: false
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader, namespace: prod}
rules: [{apiGroups: [""], resources: [secrets], verbs: [get, list]}]
"#;

fn merged() -> RbacModel {
    let mut scan = RbacBuilder::default();
    for (name, text) in [("first.yaml", FIRST), ("second.yaml", SECOND)] {
        let mut file = RbacBuilder::default();
        for obj in common::objects(name, text) {
            file.add(&obj);
        }
        scan.merge(file);
    }
    scan.finish()
}

fn at_once() -> RbacModel {
    let mut all = common::objects("first.yaml", FIRST);
    all.extend(common::objects("second.yaml", SECOND));
    RbacModel::build(all.iter())
}

#[test]
fn a_service_account_in_a_later_file_decides_token_mounting() {
    for model in [merged(), at_once()] {
        let api = model
            .workloads
            .iter()
            .find(|w| w.resource_id == "Deployment/prod/api")
            .expect("workload");
        assert!(
            !api.automount,
            "the ServiceAccount of second.yaml disables the token"
        );
    }
}

#[test]
fn the_later_definition_of_a_role_wins_in_both_ways() {
    for model in [merged(), at_once()] {
        let readers: Vec<_> = model
            .roles
            .iter()
            .filter(|r| r.name == "reader" && r.namespace.as_deref() == Some("prod"))
            .collect();
        assert_eq!(readers.len(), 1);
        assert_eq!(readers[0].rules[0].resources, ["secrets"]);
    }
}
