//! The context rules judged against an index: what an object under review owns, and
//! what the index keeps of a cluster.

use super::judge::names;
use super::*;
use crate::Engine;
use serde_json::json;

fn engine() -> Engine {
    Engine::new(crate::Settings::default()).unwrap()
}

fn deployment(ns: &str, name: &str, account: Option<&str>) -> serde_json::Value {
    let mut spec = json!({"containers": [{"name": "app", "image": "nginx:1.27"}]});
    if let Some(account) = account {
        spec["serviceAccountName"] = json!(account);
    }
    json!({"apiVersion": "apps/v1", "kind": "Deployment",
           "metadata": {"name": name, "namespace": ns},
           "spec": {"selector": {"matchLabels": {"app": name}},
                    "template": {"metadata": {"labels": {"app": name}}, "spec": spec}}})
}

fn rules(judgement: &ContextJudgement) -> Vec<&str> {
    judgement
        .report
        .findings
        .iter()
        .map(|f| f.rule_id.as_ref())
        .collect()
}

fn listed(objects: &[serde_json::Value]) -> ClusterIndex {
    let mut index = ClusterIndex::default();
    for object in objects {
        index.apply(object);
    }
    index.mark_listed();
    index
}

#[test]
fn nothing_is_judged_before_the_cluster_is_read() {
    let judgement =
        engine().judge_in_cluster(&ClusterIndex::default(), &deployment("shop", "web", None));
    assert!(judgement.report.findings.is_empty());
    assert_eq!(judgement.not_evaluated.len(), CLUSTER_CONTEXT_RULES.len());
    // A ConfigMap is not judged by any context rule: nothing is withheld from it.
    let config = json!({"apiVersion": "v1", "kind": "ConfigMap",
                        "metadata": {"name": "app", "namespace": "shop"}});
    let judgement = engine().judge_in_cluster(&ClusterIndex::default(), &config);
    assert!(judgement.not_evaluated.is_empty());
}

#[test]
fn a_workload_owns_the_namespace_finding_only_while_no_policy_covers_it() {
    let namespace = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}});
    let mut index = listed(&[namespace, deployment("shop", "old", None)]);
    let web = deployment("shop", "web", None);
    let judgement = engine().judge_in_cluster(&index, &web);
    assert_eq!(rules(&judgement), ["NET001"]);
    let finding = &judgement.report.findings[0];
    assert_eq!(finding.location.path, "Deployment/shop/web");
    assert!(
        finding.message.contains("Deployment/shop/web")
            && !finding.message.contains("Deployment/shop/old"),
        "{}",
        finding.message
    );
    index.apply(
        &json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
        "metadata": {"name": "deny", "namespace": "shop"},
        "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}}),
    );
    assert!(rules(&engine().judge_in_cluster(&index, &web)).is_empty());
    // A policy under review that selects the stored workload selects something.
    let policy = json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
        "metadata": {"name": "old", "namespace": "shop"},
        "spec": {"podSelector": {"matchLabels": {"app": "old"}}, "policyTypes": ["Ingress"]}});
    assert!(rules(&engine().judge_in_cluster(&index, &policy)).is_empty());
    let stray = json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
        "metadata": {"name": "stray", "namespace": "shop"},
        "spec": {"podSelector": {"matchLabels": {"app": "gone"}}, "policyTypes": ["Ingress"]}});
    assert_eq!(
        rules(&engine().judge_in_cluster(&index, &stray)),
        ["NET009"]
    );
}

#[test]
fn rbac_findings_are_the_reviewed_objects_own() {
    let index = listed(&[
        json!({"apiVersion": "v1", "kind": "ServiceAccount",
               "metadata": {"name": "deployer", "namespace": "ci"}}),
        json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
               "metadata": {"name": "deployer-admin"},
               "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"},
               "subjects": [{"kind": "ServiceAccount", "name": "deployer", "namespace": "ci"}]}),
        json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
               "metadata": {"name": "deny", "namespace": "ci"},
               "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}}),
    ]);
    let judgement =
        engine().judge_in_cluster(&index, &deployment("ci", "runner", Some("deployer")));
    // cluster-admin reads every Secret too, which the Deployment does not mount.
    assert_eq!(rules(&judgement), ["RBAC014", "SEC210"]);
    let binding = json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
        "metadata": {"name": "reader", "namespace": "ci"},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "missing"},
        "subjects": [{"kind": "ServiceAccount", "name": "deployer", "namespace": "ci"}]});
    assert_eq!(
        rules(&engine().judge_in_cluster(&index, &binding)),
        ["RBAC015"]
    );
}

#[test]
fn a_workload_behind_a_load_balancer_owns_the_exposure_finding_that_names_it() {
    let index = listed(&[
        json!({"apiVersion": "v1", "kind": "Service",
               "metadata": {"name": "web", "namespace": "shop"},
               "spec": {"type": "LoadBalancer", "selector": {"app": "web"},
                        "ports": [{"port": 443}]}}),
        json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
               "metadata": {"name": "egress", "namespace": "shop"},
               "spec": {"podSelector": {}, "policyTypes": ["Egress"]}}),
    ]);
    let judgement = engine().judge_in_cluster(&index, &deployment("shop", "web", None));
    assert!(
        rules(&judgement).contains(&"NET007"),
        "{:?}",
        rules(&judgement)
    );
    // The Service's exposure is not the finding of a workload it does not select.
    let judgement = engine().judge_in_cluster(&index, &deployment("shop", "admin", None));
    assert!(
        !rules(&judgement).contains(&"NET007"),
        "{:?}",
        rules(&judgement)
    );
}

/// A Knative Service under review is not the core Service of the same name: the core
/// LoadBalancer Service stays in the picture and exposes the Knative workload's pods.
#[test]
fn a_kind_of_another_group_with_a_built_in_name_is_kept_apart() {
    let index = listed(&[
        json!({"apiVersion": "v1", "kind": "Service",
               "metadata": {"name": "web", "namespace": "shop"},
               "spec": {"type": "LoadBalancer", "selector": {"app": "web"},
                        "ports": [{"port": 443}]}}),
        json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
               "metadata": {"name": "egress", "namespace": "shop"},
               "spec": {"podSelector": {}, "policyTypes": ["Egress"]}}),
    ]);
    let knative = json!({"apiVersion": "serving.knative.dev/v1", "kind": "Service",
        "metadata": {"name": "web", "namespace": "shop"},
        "spec": {"template": {"metadata": {"labels": {"app": "web"}},
                 "spec": {"containers": [{"image": "nginx:1.27"}]}}}});
    let judgement = engine().judge_in_cluster(&index, &knative);
    assert!(
        rules(&judgement).contains(&"NET007"),
        "{:?}",
        rules(&judgement)
    );
    // Kept in the index, it does not replace the core Service either.
    let mut index = index;
    index.apply(&knative);
    let judgement = engine().judge_in_cluster(&index, &deployment("shop", "web", None));
    assert!(
        rules(&judgement).contains(&"NET007"),
        "{:?}",
        rules(&judgement)
    );
}

#[test]
fn a_namespace_under_review_is_judged_with_its_own_objects() {
    let namespace = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}});
    let index = listed(&[namespace.clone(), deployment("shop", "web", None)]);
    let judgement = engine().judge_in_cluster(&index, &namespace);
    assert_eq!(rules(&judgement), ["NET001"]);
    assert_eq!(judgement.report.findings[0].location.path, "Namespace/shop");
    // An empty namespace has no workload to protect.
    let empty = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "lab"}});
    assert!(rules(&engine().judge_in_cluster(&index, &empty)).is_empty());
}

#[test]
fn a_database_reachable_from_another_namespace_is_its_own_finding() {
    let mut db = deployment("data", "postgres", None);
    db["spec"]["template"]["spec"]["containers"][0]["ports"] = json!([{"containerPort": 5432}]);
    let index = listed(&[
        deployment("shop", "web", None),
        json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
               "metadata": {"name": "deny", "namespace": "data"},
               "spec": {"podSelector": {}, "policyTypes": ["Egress"]}}),
    ]);
    let judgement = engine().judge_in_cluster(&index, &db);
    assert!(
        rules(&judgement).contains(&"NET008"),
        "{:?}",
        rules(&judgement)
    );
    // A web Deployment is not blamed for the database it could reach.
    let index = listed(&[db]);
    assert!(
        !rules(&engine().judge_in_cluster(&index, &deployment("shop", "web", None)))
            .contains(&"NET008")
    );
}

/// Only a database port makes other namespaces matter: a workload declaring a web port is
/// judged as if it declared none (the cluster's other namespaces are not read for it),
/// and one that also serves a database port is judged against them.
#[test]
fn only_a_database_port_brings_other_namespaces_into_the_judgement() {
    let with_ports = |ports: serde_json::Value| {
        let mut web = deployment("shop", "web", None);
        web["spec"]["template"]["spec"]["containers"][0]["ports"] = ports;
        web
    };
    let index = listed(&[
        deployment("other", "client", None),
        json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
               "metadata": {"name": "from-anywhere", "namespace": "shop"},
               "spec": {"podSelector": {}, "policyTypes": ["Ingress"],
                        "ingress": [{"from": [{"namespaceSelector": {}}]}]}}),
    ]);
    let judged = |object: &serde_json::Value| {
        let mut findings: Vec<(String, String)> = engine()
            .judge_in_cluster(&index, object)
            .report
            .findings
            .iter()
            .map(|f| (f.rule_id.to_string(), f.message.to_string()))
            .collect();
        findings.sort();
        findings
    };
    let portless = judged(&deployment("shop", "web", None));
    assert_eq!(
        judged(&with_ports(json!([{"containerPort": 8080}]))),
        portless
    );
    let both = judged(&with_ports(
        json!([{"containerPort": 8080}, {"containerPort": 6379}]),
    ));
    assert!(
        both.iter()
            .any(|(rule, message)| rule == "NET008" && message.contains("Redis")),
        "{both:?}"
    );
}

#[test]
fn permissions_through_a_group_or_another_namespace_count() {
    let bind = |kind: &str, ns: Option<&str>, subject: serde_json::Value| {
        let mut binding = json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind,
            "metadata": {"name": "b"},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole",
                        "name": "cluster-admin"},
            "subjects": [subject]});
        if let Some(ns) = ns {
            binding["metadata"]["namespace"] = json!(ns);
        }
        binding
    };
    let runner = deployment("ci", "runner", Some("deployer"));
    for binding in [
        bind(
            "ClusterRoleBinding",
            None,
            json!({"kind": "Group", "name": "system:serviceaccounts:ci",
                                                 "apiGroup": "rbac.authorization.k8s.io"}),
        ),
        bind(
            "RoleBinding",
            Some("prod"),
            json!({"kind": "ServiceAccount", "name": "deployer",
                                                  "namespace": "ci"}),
        ),
        bind(
            "ClusterRoleBinding",
            None,
            json!({"kind": "User",
            "name": "system:serviceaccount:ci:deployer", "apiGroup": "rbac.authorization.k8s.io"}),
        ),
    ] {
        let index = listed(std::slice::from_ref(&binding));
        assert!(
            rules(&engine().judge_in_cluster(&index, &runner)).contains(&"RBAC014"),
            "{binding}"
        );
    }
    // Another account's binding grants this one nothing.
    let other = bind(
        "ClusterRoleBinding",
        None,
        json!({"kind": "ServiceAccount",
        "name": "deployer", "namespace": "prod"}),
    );
    let index = listed(&[other]);
    assert!(!rules(&engine().judge_in_cluster(&index, &runner)).contains(&"RBAC014"));
}

#[test]
fn an_unreadable_kind_withholds_the_rules_that_read_it() {
    let mut index = listed(&[]);
    index.set_unavailable("NetworkPolicy", "list networkpolicies forbidden");
    let judgement = engine().judge_in_cluster(&index, &deployment("shop", "web", None));
    assert!(rules(&judgement).is_empty());
    assert!(judgement.not_evaluated.contains("NET001"));
    assert!(!judgement.not_evaluated.contains("RBAC014"));
}

#[test]
fn pods_of_a_controller_are_not_kept() {
    let pod = |owner: serde_json::Value| {
        json!({"apiVersion": "v1", "kind": "Pod",
               "metadata": {"name": "web-1", "namespace": "shop", "ownerReferences": owner},
               "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]}})
    };
    let mut index = ClusterIndex::default();
    index.apply(&pod(
        json!([{"kind": "ReplicaSet", "name": "web-5d9", "uid": "1",
                              "controller": true}]),
    ));
    assert!(index.is_empty());
    // Not a controller, or not one whose template Palisade reads: kept.
    index.apply(&pod(
        json!([{"kind": "ReplicaSet", "name": "web-5d9", "uid": "1"}]),
    ));
    assert_eq!(index.len(), 1);
    index.apply(&pod(json!([{"kind": "Rollout", "name": "web", "uid": "2",
                              "controller": true}])));
    assert_eq!(index.len(), 1);
    // In the compact form a list gives, the same.
    let controlled = Json::from(pod(
        json!([{"kind": "ReplicaSet", "name": "web-5d9", "uid": "1", "controller": true}]),
    ));
    index.apply(&controlled);
    assert!(index.is_empty());
}

#[test]
fn a_listed_object_in_the_compact_form_is_judged_as_one_watched() {
    let mut db = deployment("data", "postgres", None);
    db["spec"]["template"]["spec"]["containers"][0]["ports"] = json!([{"containerPort": 5432}]);
    let objects = [
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}}),
        deployment("shop", "old", None),
        db,
        json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
               "metadata": {"name": "deny", "namespace": "data"},
               "spec": {"podSelector": {}, "policyTypes": ["Egress"]}}),
    ];
    let compact: Vec<Json> = objects.iter().map(Json::from).collect();
    let mut from_list = ClusterIndex::default();
    for object in &compact {
        from_list.apply(object);
    }
    from_list.mark_listed();
    let watched = listed(&objects);
    assert_eq!(from_list.len(), watched.len());
    let mut reviewed = deployment("shop", "web", None);
    reviewed["spec"]["template"]["spec"]["containers"][0]["ports"] =
        json!([{"containerPort": 8080}]);
    let judge = |index: &ClusterIndex| {
        let judgement = engine().judge_in_cluster(index, &reviewed);
        judgement
            .report
            .findings
            .iter()
            .map(|f| (f.rule_id.to_string(), f.message.clone()))
            .collect::<Vec<_>>()
    };
    let findings = judge(&watched);
    assert_eq!(judge(&from_list), findings);
    assert!(
        findings.iter().any(|(rule, _)| rule == "NET001"),
        "{findings:?}"
    );
    // The stored Deployment with ports is still a peer of the one under review.
    let mut removed = from_list.clone();
    removed.remove(&compact[2]);
    assert_eq!(removed.len(), from_list.len() - 1);
}

/// `cargo test -p palisade-engine --release --lib -- --ignored --nocapture bench_judge`:
/// the time of one judgement against a view of `PALISADE_BENCH_NAMESPACES` (default
/// 200) namespaces, each with a Deployment, its Service, a NetworkPolicy, a
/// ServiceAccount, a Role and a RoleBinding.
#[test]
#[ignore = "a measurement, run by hand"]
fn bench_judge_in_cluster() {
    let namespaces: usize = std::env::var("PALISADE_BENCH_NAMESPACES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(200);
    let mut index = ClusterIndex::default();
    for i in 0..namespaces {
        let ns = format!("team-{i}");
        index.apply(&json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}));
        index.apply(&deployment(&ns, "api", Some("api")));
        index.apply(&json!({"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "api", "namespace": ns},
            "spec": {"selector": {"app": "api"}, "ports": [{"port": 80}]}}));
        index.apply(
            &json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": {"name": "deny", "namespace": ns},
            "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}}),
        );
        index.apply(&json!({"apiVersion": "v1", "kind": "ServiceAccount",
            "metadata": {"name": "api", "namespace": ns}}));
        index.apply(
            &json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
            "metadata": {"name": "api", "namespace": ns},
            "rules": [{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get"]}]}),
        );
        index.apply(
            &json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
            "metadata": {"name": "api", "namespace": ns},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "api"},
            "subjects": [{"kind": "ServiceAccount", "name": "api", "namespace": ns}]}),
        );
    }
    index.mark_listed();
    let engine = engine();
    let rounds = 20;
    for (what, reviewed) in [
        (
            "Deployment (network and RBAC rules)",
            deployment("team-0", "web", Some("api")),
        ),
        (
            "Deployment declaring ports (network rules over every namespace, RBAC rules)",
            {
                let mut db = deployment("team-0", "db", Some("api"));
                db["spec"]["template"]["spec"]["containers"][0]["ports"] =
                    json!([{"name": "http", "containerPort": 8080}]);
                db
            },
        ),
        (
            "Service (network rules)",
            json!({"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "web", "namespace": "team-0"},
            "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}}),
        ),
        (
            "RoleBinding (RBAC rules)",
            json!({"apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "RoleBinding", "metadata": {"name": "web", "namespace": "team-0"},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "api"},
            "subjects": [{"kind": "ServiceAccount", "name": "api", "namespace": "team-0"}]}),
        ),
    ] {
        let started = std::time::Instant::now();
        for _ in 0..rounds {
            let judgement = engine.judge_in_cluster(&index, &reviewed);
            assert!(judgement.not_evaluated.is_empty());
        }
        let each = started.elapsed() / rounds;
        println!(
            "judge_in_cluster: {} objects in view, {:.2} ms per {what}",
            index.len(),
            each.as_secs_f64() * 1e3
        );
    }
}

#[test]
fn names_match_whole_ids() {
    assert!(names(
        "workloads (Deployment/shop/web) accept",
        "Deployment/shop/web"
    ));
    assert!(!names("Deployment/shop/web2, x", "Deployment/shop/web"));
    assert!(names(
        "Deployment/shop/web2, Deployment/shop/web",
        "Deployment/shop/web"
    ));
}
