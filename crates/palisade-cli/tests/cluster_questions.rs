//! `palisade rbac ... --cluster` and `palisade netpol ... --cluster`: the real binary and
//! its real client ask a test API server (HTTPS, bearer token) the questions it answers
//! from manifests, and give the same answers as on the same objects written as files.

use crate::common;

use common::*;
use palisade_testkit::kube_api::{ApiServer, Behaviour};
use serde_json::{json, Value};

const TOKEN: &str = "question-token-91c2";

fn plural_of(kind: &str) -> String {
    match kind {
        "NetworkPolicy" => "networkpolicies".to_string(),
        "Ingress" => "ingresses".to_string(),
        other => format!("{}s", other.to_ascii_lowercase()),
    }
}

/// A server holding `objects`, each listed under the plural of its kind.
fn serve(objects: &[Value]) -> ApiServer {
    ApiServer::start(Behaviour {
        token: TOKEN.to_string(),
        objects: objects
            .iter()
            .map(|o| (plural_of(o["kind"].as_str().unwrap()), o.clone()))
            .collect(),
        ..Behaviour::default()
    })
}

/// `objects` as a manifest file a user could have written (JSON documents are YAML).
fn write_manifests(dir: &std::path::Path, objects: &[Value]) -> std::path::PathBuf {
    let manifests = dir.join("manifests");
    std::fs::create_dir_all(&manifests).unwrap();
    let text: Vec<String> = objects
        .iter()
        .map(|o| serde_json::to_string_pretty(o).unwrap())
        .collect();
    std::fs::write(manifests.join("cluster.yaml"), text.join("\n---\n")).unwrap();
    manifests
}

fn rbac_objects() -> Vec<Value> {
    let rbac = "rbac.authorization.k8s.io/v1";
    vec![
        json!({"apiVersion": rbac, "kind": "Role",
               "metadata": {"name": "secret-reader", "namespace": "payments", "uid": "r1"},
               "rules": [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "list"]}]}),
        json!({"apiVersion": rbac, "kind": "RoleBinding",
               "metadata": {"name": "ci-reads-secrets", "namespace": "payments", "uid": "rb1"},
               "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "secret-reader"},
               "subjects": [{"kind": "ServiceAccount", "name": "ci", "namespace": "payments"}]}),
        json!({"apiVersion": rbac, "kind": "ClusterRole",
               "metadata": {"name": "auditor", "uid": "cr1"},
               "rules": [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["get"]}]}),
        json!({"apiVersion": rbac, "kind": "ClusterRoleBinding",
               "metadata": {"name": "auditors", "uid": "crb1"},
               "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "auditor"},
               "subjects": [{"kind": "Group", "name": "auditors", "apiGroup": "rbac.authorization.k8s.io"}]}),
        json!({"apiVersion": "v1", "kind": "Pod",
               "metadata": {"name": "ci-runner", "namespace": "payments", "uid": "p1"},
               "spec": {"serviceAccountName": "ci", "containers": [{"name": "ci", "image": "ci:1"}]}}),
    ]
}

/// The answer without the places it was read from (files have lines, objects do not).
fn without_locations(mut answer: Value) -> Value {
    for grant in answer["grants"].as_array_mut().unwrap() {
        let grant = grant.as_object_mut().unwrap();
        grant.remove("binding_location");
        grant.remove("role_location");
        grant.remove("rule_location");
    }
    answer
}

fn json_of(out: &std::process::Output) -> Value {
    serde_json::from_str(&stdout(out)).unwrap_or_else(|e| panic!("{e}: {}", stderr(out)))
}

#[test]
fn who_can_on_the_cluster_answers_as_on_the_same_objects_as_files() {
    let objects = rbac_objects();
    let server = serve(&objects);
    let tmp = tempfile::tempdir().unwrap();
    let kubeconfig = server.kubeconfig(tmp.path(), TOKEN);
    let files = write_manifests(tmp.path(), &objects);
    let question = [
        "rbac", "who-can", "get", "secrets", "-n", "payments", "-f", "json",
    ];

    let live = palisade(
        tmp.path(),
        &[
            &question[..],
            &["--cluster", "--kubeconfig", kubeconfig.to_str().unwrap()],
        ]
        .concat(),
    );
    assert_eq!(live.status.code(), Some(0), "{}", stderr(&live));
    let offline = palisade(
        tmp.path(),
        &[&question[..], &[files.to_str().unwrap()]].concat(),
    );
    assert_eq!(offline.status.code(), Some(0), "{}", stderr(&offline));

    let live = json_of(&live);
    let subjects = live["subjects"].to_string();
    assert!(
        subjects.contains(r#"{"kind":"ServiceAccount","name":"ci","namespace":"payments"}"#)
            && subjects.contains(r#"{"kind":"Group","name":"auditors"}"#),
        "{subjects}"
    );
    // A live object is named, not given a line of text no one can open.
    let binding = live["grants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["binding"] == "RoleBinding/payments/ci-reads-secrets")
        .unwrap_or_else(|| panic!("{live:#}"));
    assert_eq!(
        binding["binding_location"],
        "RoleBinding/payments/ci-reads-secrets"
    );
    assert_eq!(
        without_locations(live),
        without_locations(json_of(&offline))
    );

    // Only the RBAC kinds were listed: pods and secrets are none of the question's business.
    let paths: Vec<String> = server.requests().into_iter().map(|r| r.path).collect();
    let mut listed: Vec<&str> = paths
        .iter()
        .map(|p| p.rsplit('/').next().unwrap())
        .collect();
    listed.sort();
    listed.dedup();
    assert_eq!(
        listed,
        [
            "clusterrolebindings",
            "clusterroles",
            "rolebindings",
            "roles"
        ]
    );
}

#[test]
fn a_forbidden_rbac_list_is_an_error_naming_the_permission() {
    let mut behaviour = Behaviour {
        token: TOKEN.to_string(),
        objects: rbac_objects()
            .iter()
            .map(|o| (plural_of(o["kind"].as_str().unwrap()), o.clone()))
            .collect(),
        ..Behaviour::default()
    };
    behaviour
        .forbidden
        .insert("clusterrolebindings".to_string());
    let server = ApiServer::start(behaviour);
    let tmp = tempfile::tempdir().unwrap();
    let kubeconfig = server.kubeconfig(tmp.path(), TOKEN);
    let out = palisade(
        tmp.path(),
        &[
            "rbac",
            "who-can",
            "get",
            "secrets",
            "-n",
            "payments",
            "--cluster",
            "--kubeconfig",
            kubeconfig.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("error: list clusterrolebindings (rbac.authorization.k8s.io/v1) forbidden: Palisade needs list on clusterrolebindings.rbac.authorization.k8s.io"),
        "{err}"
    );
    assert!(
        err.contains("note: the answer below is based on partial input"),
        "{err}"
    );
    // What could be read is still answered.
    assert!(
        stdout(&out).contains("ServiceAccount payments/ci"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn cluster_and_manifest_paths_together_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let out = palisade(
        tmp.path(),
        &[
            "rbac",
            "who-can",
            "get",
            "secrets",
            "--cluster",
            "manifests/",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cannot be used with"),
        "{}",
        stderr(&out)
    );
    // A connection option alone does not silently read files.
    let out = palisade(tmp.path(), &["netpol", "matrix", "--context", "prod"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("--context is an option of the live cluster: add --cluster"),
        "{}",
        stderr(&out)
    );
}

fn owner(kind: &str, name: &str, uid: &str) -> Value {
    json!([{"apiVersion": "apps/v1", "kind": kind, "name": name, "uid": uid, "controller": true}])
}

/// A shop: a web Deployment exposed by a LoadBalancer, a database StatefulSet that only
/// the web pods may reach, and a default-deny policy; as a user writes them in Git.
fn network_manifests() -> Vec<Value> {
    let pod = |app: &str, port: u16| {
        json!({"metadata": {"labels": {"app": app}},
               "spec": {"containers": [{"name": app, "image": format!("{app}:1"),
                                        "ports": [{"containerPort": port}]}]}})
    };
    vec![
        json!({"apiVersion": "v1", "kind": "Namespace",
               "metadata": {"name": "shop", "uid": "ns1", "labels": {"team": "shop"}}}),
        json!({"apiVersion": "v1", "kind": "Namespace",
               "metadata": {"name": "tools", "uid": "ns2"}}),
        json!({"apiVersion": "apps/v1", "kind": "Deployment",
               "metadata": {"name": "web", "namespace": "shop", "uid": "d1"},
               "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": pod("web", 8080)}}),
        json!({"apiVersion": "apps/v1", "kind": "StatefulSet",
               "metadata": {"name": "db", "namespace": "shop", "uid": "ss1"},
               "spec": {"selector": {"matchLabels": {"app": "db"}}, "template": pod("db", 5432)}}),
        json!({"apiVersion": "apps/v1", "kind": "Deployment",
               "metadata": {"name": "debug", "namespace": "tools", "uid": "d2"},
               "spec": {"selector": {"matchLabels": {"app": "debug"}}, "template": pod("debug", 9000)}}),
        json!({"apiVersion": "v1", "kind": "Service",
               "metadata": {"name": "web", "namespace": "shop", "uid": "svc1"},
               "spec": {"type": "LoadBalancer", "selector": {"app": "web"},
                        "ports": [{"port": 80, "targetPort": 8080}]}}),
        json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
               "metadata": {"name": "default-deny", "namespace": "shop", "uid": "np1"},
               "spec": {"podSelector": {}, "policyTypes": ["Ingress"]}}),
        json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
               "metadata": {"name": "web-to-db", "namespace": "shop", "uid": "np2"},
               "spec": {"podSelector": {"matchLabels": {"app": "db"}}, "policyTypes": ["Ingress"],
                        "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "web"}}}],
                                     "ports": [{"port": 5432}]}]}}),
        json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
               "metadata": {"name": "web-from-anywhere", "namespace": "shop", "uid": "np3"},
               "spec": {"podSelector": {"matchLabels": {"app": "web"}}, "policyTypes": ["Ingress"],
                        "ingress": [{"ports": [{"port": 8080}]}]}}),
    ]
}

/// The same shop running: the Deployment's ReplicaSet and pods, the StatefulSet's pod,
/// and objects the question does not need (a Secret, a ClusterRole).
fn running_cluster() -> Vec<Value> {
    let mut objects = network_manifests();
    let web_template = objects[2]["spec"]["template"].clone();
    let db_template = objects[3]["spec"]["template"].clone();
    objects.push(json!({"apiVersion": "apps/v1", "kind": "ReplicaSet",
        "metadata": {"name": "web-7c9f", "namespace": "shop", "uid": "rs1",
                     "labels": {"app": "web"}, "ownerReferences": owner("Deployment", "web", "d1")},
        "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": web_template}}));
    for i in 0..2 {
        objects.push(json!({"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": format!("web-7c9f-{i}"), "namespace": "shop", "uid": format!("pw{i}"),
                         "labels": {"app": "web"}, "ownerReferences": owner("ReplicaSet", "web-7c9f", "rs1")},
            "spec": web_template["spec"].clone(), "status": {"phase": "Running", "podIP": format!("10.0.0.{i}")}}));
    }
    objects.push(json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "db-0", "namespace": "shop", "uid": "pd0",
                     "labels": {"app": "db"}, "ownerReferences": owner("StatefulSet", "db", "ss1")},
        "spec": db_template["spec"].clone()}));
    objects.push(json!({"apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": "db", "namespace": "shop", "uid": "s1"}, "data": {"password": "aHVudGVyMg=="}}));
    objects.push(
        json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
        "metadata": {"name": "viewer", "uid": "cr1"}, "rules": []}),
    );
    objects
}

#[test]
fn netpol_matrix_on_the_cluster_is_the_matrix_of_the_same_objects_as_files() {
    let server = serve(&running_cluster());
    let tmp = tempfile::tempdir().unwrap();
    let kubeconfig = server.kubeconfig(tmp.path(), TOKEN);
    let files = write_manifests(tmp.path(), &network_manifests());
    let live = palisade(
        tmp.path(),
        &[
            "netpol",
            "matrix",
            "-f",
            "json",
            "--cluster",
            "--kubeconfig",
            kubeconfig.to_str().unwrap(),
            "--page-size",
            "2",
        ],
    );
    assert_eq!(live.status.code(), Some(0), "{}", stderr(&live));
    let offline = palisade(
        tmp.path(),
        &["netpol", "matrix", "-f", "json", files.to_str().unwrap()],
    );
    assert_eq!(offline.status.code(), Some(0), "{}", stderr(&offline));
    // The endpoints are numbered in the order they were read (file order, or the API's
    // kind by kind): the same answer is the same set of connections between the same names.
    let connections = |out: &std::process::Output| {
        let matrix = json_of(out);
        let labels: Vec<String> = matrix["endpoints"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["label"].as_str().unwrap().to_string())
            .collect();
        let mut allowed: Vec<(String, String, String)> = matrix["allowed"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                (
                    labels[a["from"].as_u64().unwrap() as usize].clone(),
                    labels[a["to"].as_u64().unwrap() as usize].clone(),
                    a["ports"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        allowed.sort();
        let mut labels = labels;
        labels.sort();
        (labels, allowed)
    };
    let (labels, allowed) = connections(&live);
    assert_eq!((labels.clone(), allowed.clone()), connections(&offline));
    assert_eq!(
        labels,
        [
            "internet",
            "shop/*",
            "shop/db",
            "shop/web",
            "tools/*",
            "tools/debug"
        ]
    );
    let to_db: Vec<(&str, &str)> = allowed
        .iter()
        .filter(|(_, to, _)| to == "shop/db")
        .map(|(from, _, ports)| (from.as_str(), ports.as_str()))
        .collect();
    assert_eq!(to_db, [("shop/web", "5432")]);

    let live = palisade(
        tmp.path(),
        &[
            "netpol",
            "matrix",
            "--cluster",
            "--kubeconfig",
            kubeconfig.to_str().unwrap(),
        ],
    );
    let table = stdout(&live);
    // Pods count through their Deployment and StatefulSet; the database takes only web.
    assert!(
        table.contains("shop/web") && table.contains("shop/db"),
        "{table}"
    );
    assert!(!table.contains("web-7c9f"), "{table}");

    let paths: Vec<String> = server.requests().into_iter().map(|r| r.path).collect();
    assert!(paths.contains(&"/apis/networking.k8s.io/v1/networkpolicies".to_string()));
    assert!(
        !paths
            .iter()
            .any(|p| p.ends_with("/secrets") || p.ends_with("/clusterroles")),
        "{paths:?}"
    );
}

#[test]
fn netpol_explain_on_the_cluster_names_the_policies_that_deny() {
    let server = serve(&running_cluster());
    let tmp = tempfile::tempdir().unwrap();
    let kubeconfig = server.kubeconfig(tmp.path(), TOKEN);
    let out = palisade(
        tmp.path(),
        &[
            "netpol",
            "explain",
            "--from",
            "tools/debug",
            "--to",
            "shop/db",
            "--port",
            "5432",
            "-f",
            "json",
            "--cluster",
            "--kubeconfig",
            kubeconfig.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let explanation = json_of(&out);
    assert_eq!(explanation["allowed"], false, "{explanation:#}");
    assert_eq!(
        explanation["ingress"]["policies"],
        json!([
            "NetworkPolicy/shop/default-deny",
            "NetworkPolicy/shop/web-to-db"
        ])
    );
}

#[test]
fn an_unreachable_api_server_is_one_error_naming_it_and_no_answer() {
    let server = serve(&rbac_objects());
    let tmp = tempfile::tempdir().unwrap();
    let kubeconfig = server.kubeconfig(tmp.path(), TOKEN);
    // A port nothing listens on any more.
    let dead = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let text = std::fs::read_to_string(&kubeconfig)
        .unwrap()
        .replace(&server.addr.to_string(), &dead.to_string());
    std::fs::write(&kubeconfig, text).unwrap();
    for question in [
        &["rbac", "who-can", "get", "secrets"][..],
        &["netpol", "matrix"][..],
    ] {
        let out = palisade(
            tmp.path(),
            &[
                question,
                &["--cluster", "--kubeconfig", kubeconfig.to_str().unwrap()],
            ]
            .concat(),
        );
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains(&format!(
                "error: cannot reach the API server https://{dead}/: no list was answered"
            )),
            "{err}"
        );
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(stdout(&out).is_empty(), "{}", stdout(&out));
    }
}

#[test]
fn can_and_graph_read_the_cluster_too() {
    let server = serve(&rbac_objects());
    let tmp = tempfile::tempdir().unwrap();
    let kubeconfig = server.kubeconfig(tmp.path(), TOKEN);
    let live = ["--cluster", "--kubeconfig", kubeconfig.to_str().unwrap()];
    let can = palisade(
        tmp.path(),
        &[
            &[
                "rbac",
                "can",
                "serviceaccount:payments:ci",
                "-n",
                "payments",
            ][..],
            &live[..],
        ]
        .concat(),
    );
    assert_eq!(can.status.code(), Some(0), "{}", stderr(&can));
    let table = stdout(&can);
    let line = table
        .lines()
        .find(|l| l.starts_with("namespace payments") && l.contains("secrets"))
        .unwrap_or_else(|| panic!("{table}"));
    assert!(
        line.contains("[get list]")
            && line
                .ends_with("RoleBinding/payments/ci-reads-secrets -> Role/payments/secret-reader"),
        "{line}"
    );
    let graph = palisade(
        tmp.path(),
        &[&["rbac", "graph", "-f", "dot"][..], &live[..]].concat(),
    );
    assert_eq!(graph.status.code(), Some(0), "{}", stderr(&graph));
    let dot = stdout(&graph);
    assert!(
        dot.starts_with("digraph") && dot.contains("ClusterRoleBinding/auditors"),
        "{dot}"
    );
}
