//! `who-can` and `can` on hand-written cluster states, answered as `kubectl auth can-i`
//! would answer against a cluster holding the same objects.

use crate::common;

use palisade_rbac::model::RbacModel;
use palisade_rbac::{can, who_can, Request, Subject};

const CLUSTER: &str = r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: monitoring
aggregationRule:
  clusterRoleSelectors:
  - matchLabels: {example.com/aggregate-to-monitoring: "true"}
rules: []
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: monitoring-endpoints
  labels: {example.com/aggregate-to-monitoring: "true"}
rules:
- apiGroups: [""]
  resources: ["services", "endpoints", "pods"]
  verbs: ["get", "list", "watch"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: crontab-viewer
  labels: {rbac.authorization.k8s.io/aggregate-to-view: "true"}
rules:
- apiGroups: ["stable.example.com"]
  resources: ["crontabs"]
  verbs: ["get", "list", "watch"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: prometheus
subjects:
- kind: ServiceAccount
  name: prometheus
  namespace: monitoring
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: monitoring
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: db-password-reader
  namespace: payments
rules:
- apiGroups: [""]
  resources: ["secrets"]
  resourceNames: ["db-password"]
  verbs: ["get"]
- apiGroups: [""]
  resources: ["pods/log"]
  verbs: ["get"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: api
  namespace: payments
subjects:
- kind: ServiceAccount
  name: api
roleRef:
  kind: Role
  name: db-password-reader
  apiGroup: rbac.authorization.k8s.io
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: auditors-view
  namespace: payments
subjects:
- kind: Group
  name: auditors
  apiGroup: rbac.authorization.k8s.io
roleRef:
  kind: ClusterRole
  name: view
  apiGroup: rbac.authorization.k8s.io
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: dev-edit
  namespace: payments
subjects:
- kind: User
  name: dana
  apiGroup: rbac.authorization.k8s.io
- kind: Group
  name: system:serviceaccounts:ci
  apiGroup: rbac.authorization.k8s.io
roleRef:
  kind: ClusterRole
  name: edit
  apiGroup: rbac.authorization.k8s.io
"#;

fn model() -> RbacModel {
    let objs = common::objects("cluster.yaml", CLUSTER);
    RbacModel::build(objs.iter())
}

fn names(
    model: &RbacModel,
    verb: &str,
    resource: &str,
    ns: Option<&str>,
    name: Option<&str>,
) -> Vec<String> {
    who_can(model, verb, resource, ns, name)
        .subjects
        .iter()
        .map(|s| match &s.namespace {
            Some(n) => format!("{}:{}:{}", s.kind, n, s.name),
            None => format!("{}:{}", s.kind, s.name),
        })
        .collect()
}

#[test]
fn aggregated_rules_reach_the_subjects_of_the_aggregating_role() {
    let m = model();
    assert_eq!(
        names(&m, "list", "endpoints", Some("default"), None),
        [
            "Group:system:masters",
            "ServiceAccount:monitoring:prometheus"
        ]
    );
    // A custom role labelled for `view` extends the built-in view, and so admin/edit too.
    assert_eq!(
        names(
            &m,
            "get",
            "crontabs.stable.example.com",
            Some("payments"),
            None
        ),
        [
            "Group:auditors",
            "Group:system:masters",
            "Group:system:serviceaccounts:ci",
            "User:dana"
        ]
    );
}

#[test]
fn resource_names_limit_what_a_role_grants() {
    let m = model();
    let get_db = names(&m, "get", "secrets", Some("payments"), Some("db-password"));
    assert!(
        get_db.contains(&"ServiceAccount:payments:api".to_string()),
        "{get_db:?}"
    );
    let get_other = names(&m, "get", "secrets", Some("payments"), Some("stripe"));
    assert!(!get_other.contains(&"ServiceAccount:payments:api".to_string()));
    let list = names(&m, "list", "secrets", Some("payments"), None);
    assert!(!list.contains(&"ServiceAccount:payments:api".to_string()));
    // view never grants Secrets; edit does.
    assert!(!list.contains(&"Group:auditors".to_string()));
    assert!(list.contains(&"User:dana".to_string()));
}

#[test]
fn subresources_are_separate_permissions() {
    let m = model();
    assert!(names(&m, "get", "pods/log", Some("payments"), None)
        .contains(&"ServiceAccount:payments:api".to_string()));
    let exec = names(&m, "create", "pods/exec", Some("payments"), None);
    assert_eq!(
        exec,
        [
            "Group:system:masters",
            "Group:system:serviceaccounts:ci",
            "User:dana"
        ]
    );
    // Prometheus can list pods everywhere but not read their logs.
    assert!(!names(&m, "get", "pods/log", Some("default"), None)
        .contains(&"ServiceAccount:monitoring:prometheus".to_string()));
}

#[test]
fn role_bindings_grant_only_in_their_namespace() {
    let m = model();
    assert_eq!(
        names(&m, "create", "pods/exec", Some("default"), None),
        ["Group:system:masters"]
    );
    assert_eq!(
        names(&m, "get", "pods/log", None, None),
        ["Group:system:masters"]
    );
}

#[test]
fn can_i_follows_group_membership() {
    let m = model();
    let ci_bot = Subject::parse("serviceaccount:ci:builder").unwrap();
    let exec = Request::parse("create", "pods/exec", None);
    assert!(m.can_i(&ci_bot, &exec, Some("payments")).is_some());
    assert!(m.can_i(&ci_bot, &exec, Some("ci")).is_none());
    let anyone = Subject::parse("system:anonymous").unwrap();
    assert!(m
        .can_i(&anyone, &Request::parse("get", "/healthz", None), None)
        .is_some());
    assert!(m
        .can_i(&anyone, &Request::parse("get", "/apis", None), None)
        .is_none());
    let user = Subject::parse("user:erin").unwrap();
    assert!(m
        .can_i(&user, &Request::parse("get", "/apis", None), None)
        .is_some());
    assert!(m
        .can_i(
            &user,
            &Request::parse("create", "selfsubjectaccessreviews", None),
            None
        )
        .is_some());
}

#[test]
fn can_lists_every_permission_of_a_service_account() {
    let m = model();
    let api = Subject::parse("serviceaccount:payments:api").unwrap();
    let answer = can(&m, &api, None);
    insta::assert_snapshot!(answer.to_table());
}

#[test]
fn who_can_json_names_subjects_as_bound() {
    let m = model();
    let answer = who_can(&m, "get", "secrets", Some("payments"), Some("db-password"));
    let json = serde_json::to_value(&answer).unwrap();
    let subjects = json["subjects"].as_array().unwrap();
    assert!(subjects.contains(
        &serde_json::json!({"kind": "ServiceAccount", "name": "api", "namespace": "payments"})
    ));
    assert!(subjects.contains(&serde_json::json!({"kind": "User", "name": "dana"})));
    assert!(subjects.contains(&serde_json::json!({"kind": "Group", "name": "system:masters"})));
    insta::assert_snapshot!(answer.to_table());
}

#[test]
fn aggregation_cycles_and_missing_roles_do_not_break_the_answer() {
    let text = r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: a, labels: {agg: b}}
aggregationRule:
  clusterRoleSelectors: [{matchLabels: {agg: a}}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: b, labels: {agg: a}}
aggregationRule:
  clusterRoleSelectors: [{matchLabels: {agg: b}}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: leaf, labels: {agg: a}}
rules:
- {apiGroups: [""], resources: [configmaps], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: bad-selector}
aggregationRule:
  clusterRoleSelectors: [{matchExpressions: [{key: x, operator: Equals, values: [y]}]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: to-a}
roleRef: {kind: ClusterRole, name: a, apiGroup: rbac.authorization.k8s.io}
subjects: [{kind: User, name: frank}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: to-nothing}
roleRef: {kind: ClusterRole, name: does-not-exist, apiGroup: rbac.authorization.k8s.io}
subjects: [{kind: User, name: gina}]
"#;
    let objs = common::objects("cycle.yaml", text);
    let refs: Vec<_> = objs.iter().collect();
    let m = RbacModel::build(objs.iter());
    assert!(names(&m, "get", "configmaps", None, None).contains(&"User:frank".to_string()));
    let outcome = palisade_rbac::check(&refs);
    let messages: Vec<&str> = outcome.errors.iter().map(|e| e.message.as_str()).collect();
    assert!(messages.iter().any(|m| m.contains("cycle")), "{messages:?}");
    assert!(
        messages.iter().any(|m| m.contains("Equals")),
        "{messages:?}"
    );
    assert!(outcome
        .findings
        .iter()
        .any(|f| f.rule_id == "RBAC015" && f.message.contains("does-not-exist")));
}
