//! `palisade cluster` against a live API: the real binary and its real client (kube-rs over
//! rustls) talk to a test API server with the Kubernetes list semantics over HTTPS.

use crate::common;

use common::*;
use palisade_testkit::kube_api::{ApiServer, Behaviour, CustomResource};
use serde_json::{json, Value};

const TOKEN: &str = "test-token-7f3a";
const SECRET_VALUE: &str = "c3VwZXJzZWNyZXQtcGFzc3dvcmQ=";

fn owner(kind: &str, name: &str, uid: &str) -> Value {
    json!([{"apiVersion": "apps/v1", "kind": kind, "name": name, "uid": uid, "controller": true}])
}

fn privileged_template() -> Value {
    json!({"metadata": {"labels": {"app": "web"}},
           "spec": {"containers": [{"name": "web", "image": "nginx:1.27",
                                    "securityContext": {"privileged": true}}]}})
}

/// A small cluster: a privileged Deployment with its ReplicaSet and three pods, a bare pod,
/// a ServiceAccount bound to cluster-admin, and a Secret whose data must never be read.
fn cluster() -> Behaviour {
    let mut objects = vec![
        (
            "namespaces".to_string(),
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop", "uid": "ns1"}}),
        ),
        (
            "deployments".to_string(),
            json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "shop", "uid": "d1",
                         "managedFields": [{"manager": "kubectl"}]},
            "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": privileged_template()}}),
        ),
        (
            "replicasets".to_string(),
            json!({"apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": {"name": "web-5d9c", "namespace": "shop", "uid": "rs1", "ownerReferences": owner("Deployment", "web", "d1")},
            "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": privileged_template()}}),
        ),
        (
            "pods".to_string(),
            json!({"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "debug", "namespace": "shop", "uid": "p0"},
            "spec": {"hostPID": true, "containers": [{"name": "debug", "image": "busybox:1.36"}]}}),
        ),
        (
            "serviceaccounts".to_string(),
            json!({"apiVersion": "v1", "kind": "ServiceAccount",
            "metadata": {"name": "deployer", "namespace": "shop", "uid": "sa1"}}),
        ),
        (
            "clusterrolebindings".to_string(),
            json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
            "metadata": {"name": "deployer-admin", "uid": "crb1"},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"},
            "subjects": [{"kind": "ServiceAccount", "name": "deployer", "namespace": "shop"}]}),
        ),
        (
            "secrets".to_string(),
            json!({"apiVersion": "v1", "kind": "Secret",
            "metadata": {"name": "db", "namespace": "shop", "uid": "s1",
                         "annotations": {"kubectl.kubernetes.io/last-applied-configuration": format!("{{\"data\":{{\"password\":\"{SECRET_VALUE}\"}}}}")}},
            "data": {"password": SECRET_VALUE}}),
        ),
    ];
    for i in 0..3 {
        objects.push(("pods".to_string(), json!({"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": format!("web-5d9c-{i}"), "namespace": "shop", "uid": format!("p{}", i + 1),
                         "ownerReferences": owner("ReplicaSet", "web-5d9c", "rs1")},
            "spec": privileged_template()["spec"].clone()})));
    }
    Behaviour {
        token: TOKEN.to_string(),
        objects,
        ..Behaviour::default()
    }
}

fn run(
    server: &ApiServer,
    dir: &std::path::Path,
    token: &str,
    extra: &[&str],
) -> std::process::Output {
    let kubeconfig = server.kubeconfig(dir, token);
    let mut args = vec![
        "cluster",
        "--kubeconfig",
        kubeconfig.to_str().unwrap(),
        "--page-size",
        "2",
        "-f",
        "json",
    ];
    args.extend_from_slice(extra);
    palisade(dir, &args)
}

fn json_of(out: &std::process::Output) -> Value {
    serde_json::from_str(&stdout(out)).unwrap_or_else(|e| panic!("{e}: {}", stderr(out)))
}

fn findings_on(json: &Value, path: &str) -> Vec<String> {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["location"]["path"] == path)
        .map(|f| f["rule_id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_live_cluster_is_read_page_by_page_and_judged_through_controllers() {
    let mut behaviour = cluster();
    behaviour.expire_once.insert("pods".to_string());
    let server = ApiServer::start(behaviour);
    let tmp = tempfile::tempdir().unwrap();
    let out = run(&server, tmp.path(), TOKEN, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let json = json_of(&out);
    assert!(
        json["errors"].as_array().unwrap().is_empty(),
        "{}",
        json["errors"]
    );

    // The Deployment carries the finding, at the field; its ReplicaSet and pods do not
    // repeat it. The bare pod is judged on its own.
    let privileged = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["location"]["path"] == "Deployment/shop/web" && f["rule_id"] == "ISO003")
        .unwrap_or_else(|| panic!("{json:#}"));
    assert_eq!(
        privileged["location"]["field"],
        "spec.template.spec.containers[0].securityContext.privileged"
    );
    assert!(findings_on(&json, "ReplicaSet/shop/web-5d9c").is_empty());
    assert!(findings_on(&json, "Pod/shop/web-5d9c-0").is_empty());
    assert!(!findings_on(&json, "Pod/shop/debug").is_empty());
    // RBAC on the live objects: cluster-admin bound to a service account.
    assert!(
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule_id"].as_str().unwrap().starts_with("RBAC")
                && f["location"]["path"] == "ClusterRoleBinding/deployer-admin"),
        "{json:#}"
    );

    let requests = server.requests();
    // Every list is paginated with the asked page size (discovery documents are not lists).
    assert!(requests.iter().filter(|r| !is_discovery(&r.path)).all(|r| r
        .query
        .get("limit")
        .map(String::as_str)
        == Some("2")));
    // Four pods at two per page, with the first continued page expired (410): the list
    // starts over and reads every page again.
    let pods: Vec<_> = requests
        .iter()
        .filter(|r| r.path == "/api/v1/pods")
        .collect();
    let continues: Vec<_> = pods
        .iter()
        .map(|r| r.query.get("continue").cloned())
        .collect();
    assert_eq!(
        continues,
        [
            None,
            Some("offset-2".to_string()),
            None,
            Some("offset-2".to_string())
        ],
        "{pods:?}"
    );
    // Secrets: metadata only, never their data, and nothing of it in the report.
    let secrets: Vec<_> = requests
        .iter()
        .filter(|r| r.path == "/api/v1/secrets")
        .collect();
    assert!(
        !secrets.is_empty() && secrets.iter().all(|r| r.metadata_only),
        "{secrets:?}"
    );
    assert!(!stdout(&out).contains(SECRET_VALUE) && !stderr(&out).contains(SECRET_VALUE));
}

#[test]
fn namespaces_are_listed_one_by_one_when_given() {
    let server = ApiServer::start(cluster());
    let tmp = tempfile::tempdir().unwrap();
    let out = run(&server, tmp.path(), TOKEN, &["-n", "shop"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let paths: Vec<String> = server.requests().into_iter().map(|r| r.path).collect();
    assert!(
        paths.contains(&"/api/v1/namespaces/shop/pods".to_string()),
        "{paths:?}"
    );
    assert!(paths.contains(&"/apis/apps/v1/namespaces/shop/deployments".to_string()));
    // Cluster-scoped kinds are still read, since RBAC needs them.
    assert!(paths.contains(&"/apis/rbac.authorization.k8s.io/v1/clusterrolebindings".to_string()));
    assert!(!paths.contains(&"/api/v1/pods".to_string()));
}

#[test]
fn a_forbidden_resource_is_a_warning_naming_the_permission_and_the_rest_is_scanned() {
    let mut behaviour = cluster();
    behaviour.forbidden.insert("secrets".to_string());
    let server = ApiServer::start(behaviour);
    let tmp = tempfile::tempdir().unwrap();
    let out = run(&server, tmp.path(), TOKEN, &[]);
    // The findings decide the exit status, as in any scan with warnings.
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let json = json_of(&out);
    assert!(
        json["errors"].as_array().unwrap().is_empty(),
        "{}",
        json["errors"]
    );
    let warning = json["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .find(|w| w.starts_with("list secrets"))
        .unwrap_or_else(|| panic!("{}", json["warnings"]));
    assert!(
        warning.starts_with(
            "list secrets (core/v1) in all namespaces forbidden: Palisade needs list on secrets (HTTP 403: "
        ),
        "{warning}"
    );
    assert!(
        stderr(&out).contains("warning: list secrets (core/v1) in all namespaces forbidden"),
        "{}",
        stderr(&out)
    );
    assert!(findings_on(&json, "Deployment/shop/web").contains(&"ISO003".to_string()));
}

#[test]
fn with_strict_a_forbidden_resource_is_an_error() {
    let mut behaviour = cluster();
    behaviour.forbidden.insert("secrets".to_string());
    let server = ApiServer::start(behaviour);
    let tmp = tempfile::tempdir().unwrap();
    let out = run(
        &server,
        tmp.path(),
        TOKEN,
        &["--strict", "--fail-on", "never"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let json = json_of(&out);
    assert!(
        json["errors"].to_string().contains(
            "list secrets (core/v1) in all namespaces forbidden: Palisade needs list on secrets"
        ),
        "{}",
        json["errors"]
    );
    // Still scanned.
    assert!(findings_on(&json, "Deployment/shop/web").contains(&"ISO003".to_string()));
}

#[test]
fn forbidden_cluster_roles_name_the_rules_left_unevaluated() {
    let mut behaviour = cluster();
    behaviour.forbidden.insert("clusterroles".to_string());
    behaviour.forbidden.insert("configmaps".to_string());
    let server = ApiServer::start(behaviour);
    let tmp = tempfile::tempdir().unwrap();
    // Without findings at the threshold the run is not failed, but the report says what
    // it could not judge.
    let out = run(&server, tmp.path(), TOKEN, &["--fail-on", "never"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json = json_of(&out);
    let warnings: Vec<&str> = json["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let roles = warnings
        .iter()
        .find(|w| w.starts_with("list clusterroles (rbac.authorization.k8s.io/v1) forbidden: Palisade needs list on clusterroles.rbac.authorization.k8s.io"))
        .unwrap_or_else(|| panic!("{warnings:#?}"));
    assert!(
        roles.contains("not fully evaluated: RBAC001, RBAC002,") && roles.contains("SEC210"),
        "{roles}"
    );
    let configmaps = warnings
        .iter()
        .find(|w| w.starts_with("list configmaps (core/v1) in all namespaces forbidden"))
        .unwrap_or_else(|| panic!("{warnings:#?}"));
    assert!(
        configmaps.ends_with("not fully evaluated: SEC201"),
        "{configmaps}"
    );
    // The table shows the warnings too: the run does not read as fully green.
    let table = palisade(
        tmp.path(),
        &[
            "cluster",
            "--kubeconfig",
            tmp.path().join("kubeconfig").to_str().unwrap(),
            "--fail-on",
            "never",
        ],
    );
    assert!(
        stdout(&table).contains("warning: list configmaps (core/v1) in all namespaces forbidden"),
        "{}",
        stdout(&table)
    );
}

#[test]
fn findings_that_would_rest_on_unread_network_policies_are_withheld() {
    let rule_ids = |json: &Value| -> Vec<String> {
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule_id"].as_str().unwrap().to_string())
            .collect()
    };
    // With NetworkPolicies listable (and none in the cluster), the shop namespace runs
    // pods without any policy.
    let mut behaviour = cluster();
    behaviour.served_extra.insert("networkpolicies".to_string());
    let server = ApiServer::start(behaviour);
    let tmp = tempfile::tempdir().unwrap();
    let json = json_of(&run(&server, tmp.path(), TOKEN, &[]));
    assert!(rule_ids(&json).contains(&"NET001".to_string()), "{json:#}");

    // Forbidden to list them, Palisade cannot know: no NET001, and the warning says so.
    let mut behaviour = cluster();
    behaviour.forbidden.insert("networkpolicies".to_string());
    let server = ApiServer::start(behaviour);
    let out = run(&server, tmp.path(), TOKEN, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let json = json_of(&out);
    let ids = rule_ids(&json);
    assert!(
        !ids.iter()
            .any(|id| ["NET001", "NET002", "NET003", "NET007", "NET008"].contains(&id.as_str())),
        "{ids:?}"
    );
    assert!(ids.contains(&"ISO003".to_string()), "{ids:?}");
    let warnings = json["warnings"].to_string();
    assert!(
        warnings.contains("findings of NET001, NET002, NET003, NET007, NET008 withheld, since they would rest on the objects not read"),
        "{warnings}"
    );
}

#[test]
fn a_token_that_may_list_nothing_is_an_error() {
    let mut behaviour = cluster();
    let plurals: Vec<String> = behaviour.objects.iter().map(|(p, _)| p.clone()).collect();
    behaviour.forbidden.extend(plurals);
    let server = ApiServer::start(behaviour);
    let tmp = tempfile::tempdir().unwrap();
    let out = run(&server, tmp.path(), TOKEN, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let json = json_of(&out);
    assert!(
        json["errors"]
            .to_string()
            .contains("no Kubernetes objects could be read from the cluster"),
        "{}",
        json["errors"]
    );
}

#[test]
fn wrong_credentials_fail_every_list_and_never_end_green() {
    let server = ApiServer::start(cluster());
    let tmp = tempfile::tempdir().unwrap();
    let out = run(&server, tmp.path(), "wrong-token", &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let json = json_of(&out);
    assert!(json["findings"].as_array().unwrap().is_empty());
    assert!(
        json["errors"].to_string().contains("HTTP 401"),
        "{}",
        json["errors"]
    );
    assert!(json["errors"]
        .to_string()
        .contains("no Kubernetes objects could be read from the cluster"));
}

#[test]
fn a_resource_that_never_answers_is_reported_after_the_deadline() {
    let mut behaviour = cluster();
    behaviour.hang.insert("configmaps".to_string());
    let server = ApiServer::start(behaviour);
    let tmp = tempfile::tempdir().unwrap();
    let out = run(&server, tmp.path(), TOKEN, &["--timeout", "2"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let json = json_of(&out);
    let errors = json["errors"].to_string();
    assert!(
        errors.contains("cannot list configmaps in all namespaces: no answer in time"),
        "{errors}"
    );
    assert!(findings_on(&json, "Deployment/shop/web").contains(&"ISO003".to_string()));
}

#[test]
fn an_unreadable_kubeconfig_is_an_error_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    let out = palisade(
        tmp.path(),
        &["cluster", "--kubeconfig", "absent-kubeconfig", "-f", "json"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("absent-kubeconfig"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn print_role_lists_only_read_verbs_on_the_kinds_read() {
    let tmp = tempfile::tempdir().unwrap();
    let out = palisade(tmp.path(), &["cluster", "--print-role"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("kind: ClusterRole"));
    assert!(text.contains("resources: [roles, rolebindings, clusterroles, clusterrolebindings]"));
    // Custom resources with pod templates, read when the cluster serves them.
    assert!(text.contains("apiGroups: [\"argoproj.io\"]\n    resources: [rollouts, workflows, workflowtemplates, clusterworkflowtemplates, cronworkflows]"), "{text}");
    assert!(text
        .lines()
        .filter(|l| l.contains("verbs:"))
        .all(|l| l.trim() == "verbs: [list]"));

    // Kinds the configuration declares, under Kubernetes' default plural, said as such.
    std::fs::write(
        tmp.path().join("palisade.toml"),
        "[kubernetes]\npod_template_paths = [\"batch.example.com/Runner:spec.podSpec\", \"example.com/SandboxPolicy:spec.template\"]\n",
    )
    .unwrap();
    let out = palisade(tmp.path(), &["cluster", "--print-role"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains(
            "apiGroups: [\"batch.example.com\"]\n    resources: [runners]\n    verbs: [list]"
        ),
        "{text}"
    );
    assert!(
        text.contains("apiGroups: [\"example.com\"]\n    resources: [sandboxpolicies]"),
        "{text}"
    );
    assert!(
        text.contains("# runners.batch.example.com, sandboxpolicies.example.com from [kubernetes] pod_template_paths"),
        "{text}"
    );
}

/// Whether a request was for a discovery document (`/api`, `/apis`, `/apis/GROUP/VERSION`).
fn is_discovery(path: &str) -> bool {
    path == "/api"
        || path == "/apis"
        || (path.starts_with("/apis/") && path.split('/').count() == 4)
}

/// A cluster that serves Argo Workflows' CRD, with a workflow whose step runs privileged.
fn workflow_cluster() -> (Behaviour, Vec<Value>) {
    let objects = vec![
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "ci", "uid": "ns1"}}),
        json!({"apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow",
            "metadata": {"name": "build", "namespace": "ci", "uid": "wf1"},
            "spec": {"entrypoint": "main", "templates": [{"name": "main",
                "container": {"image": "docker:27-dind", "securityContext": {"privileged": true}}}]}}),
    ];
    let behaviour = Behaviour {
        token: TOKEN.to_string(),
        objects: vec![
            ("namespaces".to_string(), objects[0].clone()),
            ("workflows".to_string(), objects[1].clone()),
        ],
        custom_resources: vec![CustomResource {
            group: "argoproj.io".into(),
            version: "v1alpha1".into(),
            kind: "Workflow".into(),
            plural: "workflows".into(),
            namespaced: true,
        }],
        ..Behaviour::default()
    };
    (behaviour, objects)
}

/// (rule, object, field, message) of every finding, sorted.
fn finding_rows(json: &Value) -> Vec<(String, String, String, String)> {
    let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
    let mut rows: Vec<_> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                text(&f["rule_id"]),
                text(&f["location"]["path"]),
                text(&f["location"]["field"]),
                text(&f["message"]),
            )
        })
        .collect();
    rows.sort();
    rows
}

/// A custom resource that carries containers (an Argo Workflow) on a cluster serving its
/// CRD: discovery finds it, it is listed like the built-in kinds, and its privileged step
/// is reported exactly as from a dump of the same objects.
#[test]
fn custom_resources_with_pod_templates_are_discovered_and_judged_as_in_a_dump() {
    let (behaviour, objects) = workflow_cluster();
    let server = ApiServer::start(behaviour);
    let tmp = tempfile::tempdir().unwrap();
    let out = run(&server, tmp.path(), TOKEN, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let live = finding_rows(&json_of(&out));
    assert!(
        live.iter().any(|(rule, path, field, _)| rule == "ISO003"
            && path == "Workflow/ci/build"
            && field == "spec.templates[0].container.securityContext.privileged"),
        "{live:#?}"
    );
    let dump = tmp.path().join("cluster.json");
    let list = json!({"apiVersion": "v1", "kind": "List", "items": objects});
    std::fs::write(&dump, serde_json::to_vec(&list).unwrap()).unwrap();
    let offline = palisade(
        tmp.path(),
        &[
            "cluster",
            "--from-dump",
            dump.to_str().unwrap(),
            "-f",
            "json",
        ],
    );
    assert_eq!(live, finding_rows(&json_of(&offline)));
    // Discovery asked about the custom groups only, and the workflows were listed at the
    // version it gave, page by page.
    let paths: Vec<String> = server.requests().into_iter().map(|r| r.path).collect();
    assert!(paths.contains(&"/apis".to_string()), "{paths:?}");
    assert!(
        paths.contains(&"/apis/argoproj.io/v1alpha1".to_string()),
        "{paths:?}"
    );
    assert!(!paths.contains(&"/apis/apps/v1".to_string()), "{paths:?}");
    let workflow_lists: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.path == "/apis/argoproj.io/v1alpha1/workflows")
        .collect();
    assert!(
        !workflow_lists.is_empty()
            && workflow_lists
                .iter()
                .all(|r| r.query.get("limit").map(String::as_str) == Some("2")),
        "{workflow_lists:?}"
    );
}

/// Knative Serving's `services` next to the core `services`, as a cluster with Knative
/// installed serves them: the same plural in two API groups, two different resources.
#[test]
fn knative_services_are_judged_next_to_core_services_of_the_same_name() {
    let objects = vec![
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop", "uid": "ns1"}}),
        // A core Service exposing the Deployment below: read as such, it makes ISO021
        // name the exposure.
        json!({"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "web", "namespace": "shop", "uid": "svc1"},
            "spec": {"type": "LoadBalancer", "selector": {"app": "web"}, "ports": [{"port": 80}]}}),
        json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "shop", "uid": "d1"},
            "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]}}}}),
        // A Knative Service of the same name whose pod template breaks isolation rules.
        json!({"apiVersion": "serving.knative.dev/v1", "kind": "Service",
            "metadata": {"name": "web", "namespace": "shop", "uid": "ksvc1"},
            "spec": {"template": {"spec": {"hostPID": true, "containers": [{
                "image": "ghcr.io/acme/api:1.4",
                "securityContext": {"privileged": true}}]}}}}),
    ];
    let behaviour = Behaviour {
        token: TOKEN.to_string(),
        objects: vec![
            ("namespaces".to_string(), objects[0].clone()),
            ("services".to_string(), objects[1].clone()),
            ("deployments".to_string(), objects[2].clone()),
            ("services".to_string(), objects[3].clone()),
        ],
        custom_resources: vec![CustomResource {
            group: "serving.knative.dev".into(),
            version: "v1".into(),
            kind: "Service".into(),
            plural: "services".into(),
            namespaced: true,
        }],
        ..Behaviour::default()
    };
    let server = ApiServer::start(behaviour);
    let tmp = tempfile::tempdir().unwrap();
    let out = run(&server, tmp.path(), TOKEN, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let json = json_of(&out);
    let live = finding_rows(&json);
    let on_knative: Vec<(&str, &str)> = live
        .iter()
        .filter(|(_, path, _, _)| path == "Service.serving.knative.dev/shop/web")
        .map(|(rule, _, field, _)| (rule.as_str(), field.as_str()))
        .collect();
    for expected in [
        (
            "ISO003",
            "spec.template.spec.containers[0].securityContext.privileged",
        ),
        ("ISO002", "spec.template.spec.hostPID"),
    ] {
        assert!(on_knative.contains(&expected), "{expected:?}: {live:#?}");
    }
    // The core Service is read as a Service: the Deployment it selects is exposed through it.
    assert!(
        live.iter().any(|(rule, path, _, message)| rule == "ISO021"
            && path == "Deployment/shop/web"
            && message.contains("exposure through LoadBalancer Service/shop/web")),
        "{live:#?}"
    );
    // The core Service has the finding of a LoadBalancer Service, and none of the pod
    // rules that judge its Knative namesake.
    assert_eq!(findings_on(&json, "Service/shop/web"), ["NET007"]);
    // Each resource was listed at its own path, and discovery says what each is.
    let paths: Vec<String> = server.requests().into_iter().map(|r| r.path).collect();
    for listed in ["/api/v1/services", "/apis/serving.knative.dev/v1/services"] {
        assert!(paths.iter().any(|p| p == listed), "{listed}: {paths:?}");
    }
    // The same objects as a dump: the same findings.
    let dump = tmp.path().join("cluster.json");
    let list = json!({"apiVersion": "v1", "kind": "List", "items": objects});
    std::fs::write(&dump, serde_json::to_vec(&list).unwrap()).unwrap();
    let offline = palisade(
        tmp.path(),
        &[
            "cluster",
            "--from-dump",
            dump.to_str().unwrap(),
            "-f",
            "json",
        ],
    );
    assert_eq!(live, finding_rows(&json_of(&offline)));
    // In a PolicyReport, the result names the Knative Service by its apiVersion and kind.
    let kubeconfig = server.kubeconfig(tmp.path(), TOKEN);
    let report = palisade(
        tmp.path(),
        &[
            "cluster",
            "--kubeconfig",
            kubeconfig.to_str().unwrap(),
            "-f",
            "policyreport",
        ],
    );
    let report: Value = serde_json::from_str(&stdout(&report)).unwrap();
    let knative = report["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|item| item["metadata"]["namespace"] == "shop")
        .flat_map(|item| item["results"].as_array().unwrap())
        .find(|r| r["policy"] == "ISO003")
        .expect("ISO003 in the namespace's report");
    assert_eq!(
        knative["resources"][0],
        json!({"apiVersion": "serving.knative.dev/v1", "kind": "Service", "name": "web",
               "namespace": "shop", "uid": "ksvc1"})
    );
}

/// A custom resource the token may not list is a warning, like a built-in kind: the
/// permission to grant and the pod rules it leaves not fully evaluated; an error with
/// --strict.
#[test]
fn a_forbidden_custom_resource_is_a_warning_naming_the_permission() {
    let (mut behaviour, _) = workflow_cluster();
    behaviour.forbidden.insert("workflows".to_string());
    let server = ApiServer::start(behaviour);
    let tmp = tempfile::tempdir().unwrap();
    let out = run(&server, tmp.path(), TOKEN, &[]);
    assert_ne!(out.status.code(), Some(2), "{}", stderr(&out));
    let json = json_of(&out);
    let warnings = json["warnings"].to_string();
    assert!(
        warnings.contains("list workflows (argoproj.io/v1alpha1) in all namespaces forbidden: Palisade needs list on workflows.argoproj.io")
            && warnings.contains("not fully evaluated: IMG001"),
        "{warnings}"
    );
    assert!(findings_on(&json, "Workflow/ci/build").is_empty());
    let strict = run(&server, tmp.path(), TOKEN, &["--strict"]);
    assert_eq!(strict.status.code(), Some(2), "{}", stderr(&strict));
    assert!(stderr(&strict).contains("workflows.argoproj.io"));
}

/// Discovery the token may not read: the built-in kinds are still scanned, the warning says
/// custom resources were not read and which rules that leaves unjudged, and `--strict`
/// makes it an error.
#[test]
fn a_failed_discovery_is_a_warning_naming_what_it_leaves_unjudged_and_an_error_with_strict() {
    let (mut behaviour, _) = workflow_cluster();
    behaviour.discovery_forbidden = true;
    let server = ApiServer::start(behaviour);
    let tmp = tempfile::tempdir().unwrap();
    let out = run(&server, tmp.path(), TOKEN, &[]);
    assert_ne!(out.status.code(), Some(2), "{}", stderr(&out));
    let json = json_of(&out);
    let warnings = json["warnings"].to_string();
    assert!(
        warnings.contains("cannot discover the custom resources the cluster serves")
            && warnings.contains("403")
            && warnings.contains("not fully evaluated: IMG001"),
        "{warnings}"
    );
    assert!(findings_on(&json, "Workflow/ci/build").is_empty());
    let strict = run(&server, tmp.path(), TOKEN, &["--strict"]);
    assert_eq!(strict.status.code(), Some(2), "{}", stderr(&strict));
    assert!(
        stderr(&strict).contains("cannot discover the custom resources"),
        "{}",
        stderr(&strict)
    );
}

/// The options that only matter when images are scanned are refused without --images,
/// rather than silently ignored.
#[test]
fn image_options_without_images_are_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    let dump = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/cluster-live-state.json"
    );
    for option in [
        &["--concurrency", "8"][..],
        &["--no-cache"],
        &["--db", "osv.db"],
        &["--ignore-unfixed"],
        &["--platform", "linux/arm64"],
        &["--insecure-registry"],
    ] {
        let mut args = vec!["cluster", "--from-dump", dump];
        args.extend_from_slice(option);
        let out = palisade(tmp.path(), &args);
        assert_eq!(out.status.code(), Some(2), "{option:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("--images") && stdout(&out).is_empty(),
            "{option:?}: {}",
            stderr(&out)
        );
        // --list-images pulls nothing: the options are refused there too.
        let mut args = vec!["cluster", "--from-dump", dump, "--list-images"];
        args.extend_from_slice(option);
        let out = palisade(tmp.path(), &args);
        assert_eq!(out.status.code(), Some(2), "{option:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("--list-images") && stdout(&out).is_empty(),
            "--list-images {option:?}: {}",
            stderr(&out)
        );
    }
    // With --images they are taken (a cluster that runs no image: nothing to pull).
    let empty = tmp.path().join("empty.json");
    std::fs::write(
        &empty,
        r#"{"apiVersion": "v1", "kind": "List", "items": [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "idle", "labels": {"pod-security.kubernetes.io/enforce": "restricted"}}}]}"#,
    )
    .unwrap();
    let out = palisade(
        tmp.path(),
        &[
            "cluster",
            "--from-dump",
            empty.to_str().unwrap(),
            "--images",
            "--no-cache",
            "--concurrency",
            "2",
            "-f",
            "json",
        ],
    );
    assert_ne!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(json_of(&out)["errors"].as_array().unwrap().is_empty());
}

/// Benchmark, run by `bench/cluster.sh` (not by the test suite): serves the objects of the
/// List in `PALISADE_BENCH_DUMP` and prints the wall time and peak memory of `palisade
/// cluster` reading them through the API, and of `palisade cluster --from-dump` on the same
/// file, with the number of findings of each (they must agree).
#[test]
#[ignore]
fn bench_live_cluster_against_its_dump() {
    let Some(dump) = std::env::var_os("PALISADE_BENCH_DUMP") else {
        eprintln!("set PALISADE_BENCH_DUMP to a List of objects (bench/gen-cluster.py)");
        return;
    };
    let list: Value = serde_json::from_slice(&std::fs::read(&dump).unwrap()).unwrap();
    let objects: Vec<(String, Value)> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (plural(o["kind"].as_str().unwrap()), o.clone()))
        .collect();
    let count = objects.len();
    let server = ApiServer::start(Behaviour {
        token: TOKEN.into(),
        objects,
        ..Behaviour::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = server.kubeconfig(dir.path(), TOKEN);
    let measure = |what: &str, args: &[&str]| -> usize {
        let start = std::time::Instant::now();
        let out = std::process::Command::new("/usr/bin/time")
            .arg("-f")
            .arg("%M")
            .arg(env!("CARGO_BIN_EXE_palisade"))
            .args(args)
            .output()
            .unwrap();
        let wall = start.elapsed();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let rss_kb: u64 = stderr
            .lines()
            .last()
            .and_then(|l| l.trim().parse().ok())
            .unwrap_or(0);
        let report: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
        let findings = report["findings"].as_array().map_or(0, Vec::len);
        println!(
            "{what:<34} {:>7.2} s {:>6} MB  {findings} findings, exit {:?}",
            wall.as_secs_f64(),
            rss_kb / 1024,
            out.status.code()
        );
        findings
    };
    println!("{count} objects");
    let live = measure(
        "palisade cluster (API, HTTPS)",
        &[
            "cluster",
            "--kubeconfig",
            kubeconfig.to_str().unwrap(),
            "-f",
            "json",
            "-q",
        ],
    );
    let offline = measure(
        "palisade cluster --from-dump",
        &[
            "cluster",
            "--from-dump",
            dump.to_str().unwrap(),
            "-f",
            "json",
            "-q",
        ],
    );
    println!(
        "same findings live and from the dump: {}",
        if live == offline { "yes" } else { "NO" }
    );
}

/// The rules on a running cluster's state (pod status, digests pulled, what refers to
/// what) see the same through the API as in a dump of the same objects, and name the
/// controller a person edits, with the field.
#[test]
fn live_state_rules_agree_between_the_api_and_a_dump() {
    const LIVE: &[&str] = &["IMG004", "ISO024", "ISO025", "ISO026", "SEC203"];
    let dump = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/cluster-live-state.json"
    );
    let list: Value = serde_json::from_slice(&std::fs::read(dump).unwrap()).unwrap();
    let objects = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (plural(o["kind"].as_str().unwrap()), o.clone()))
        .collect();
    let server = ApiServer::start(Behaviour {
        token: TOKEN.to_string(),
        objects,
        ..Behaviour::default()
    });
    let tmp = tempfile::tempdir().unwrap();
    let live = json_of(&run(&server, tmp.path(), TOKEN, &[]));
    let offline = json_of(&palisade(
        tmp.path(),
        &["cluster", "--from-dump", dump, "-f", "json"],
    ));
    let of = |json: &Value, list: &str| -> Vec<(String, String, String, String)> {
        let mut found: Vec<_> = json[list]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| LIVE.contains(&f["rule_id"].as_str().unwrap()))
            .map(|f| {
                let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
                (
                    text(&f["rule_id"]),
                    text(&f["location"]["path"]),
                    text(&f["location"]["field"]),
                    text(&f["message"]),
                )
            })
            .collect();
        found.sort();
        found
    };
    let expected = [
        ("IMG004", "Deployment/shop/web", "spec.template.spec.containers[0].image",
         "container \"web\" runs ghcr.io/shop/web:2.4 as 2 different digests across replicas: sha256:3b1d7a5c0e9f (2 pods), sha256:9f8e7d6c5b4a (1 pod)"),
        ("ISO024", "Deployment/shop/web", "spec.template.spec.serviceAccountName",
         "pods run with the API token of ServiceAccount shop/web mounted, and no RoleBinding or ClusterRoleBinding grants that account anything"),
        ("ISO025", "DaemonSet/monitoring/node-agent", "spec.template.spec.containers[0].securityContext.privileged",
         "container \"agent\" is running privileged in 2 pods on node-a, node-b"),
        ("ISO026", "Deployment/kube-system/metrics-sync", "spec.template.spec.containers[0].image",
         "Deployment runs in the system namespace kube-system with image docker.io/library/alpine:3.20, not a cluster component's"),
        ("SEC203", "Secret/shop/old-stripe-key", "",
         "Secret shop/old-stripe-key is not mounted, used in env or as a pull secret by any workload, nor named by any other object"),
    ]
    .map(|(a, b, c, d)| (a.to_string(), b.to_string(), c.to_string(), d.to_string()));
    assert_eq!(of(&live, "findings"), expected);
    assert_eq!(of(&offline, "findings"), expected);
    // The annotation on the Secret silences SEC203 for it, in both.
    for json in [&live, &offline] {
        let suppressed = of(json, "suppressed");
        assert_eq!(suppressed.len(), 1, "{suppressed:?}");
        assert_eq!(suppressed[0].1, "Secret/shop/legacy-ftp");
    }
}
