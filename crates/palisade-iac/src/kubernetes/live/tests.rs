//! Pass and fail cases of each live rule, on objects as an API server returns them.

use serde_json::{json, Value};

use super::{check, LiveOptions};

fn meta(kind: &str, ns: &str, name: &str, uid: &str, owner: Option<(&str, &str)>) -> Value {
    let mut m = json!({"name": name, "uid": uid});
    if !ns.is_empty() {
        m["namespace"] = json!(ns);
    }
    if let Some((owner_kind, owner_uid)) = owner {
        m["ownerReferences"] = json!([{"apiVersion": "apps/v1", "kind": owner_kind,
            "name": "owner", "uid": owner_uid, "controller": true}]);
    }
    let api = match kind {
        "Deployment" | "ReplicaSet" | "DaemonSet" => "apps/v1",
        "Ingress" => "networking.k8s.io/v1",
        "RoleBinding" | "ClusterRoleBinding" => "rbac.authorization.k8s.io/v1",
        _ => "v1",
    };
    json!({"apiVersion": api, "kind": kind, "metadata": m})
}

fn deployment(ns: &str, name: &str, uid: &str, spec: Value) -> Vec<Value> {
    let mut d = meta("Deployment", ns, name, uid, None);
    d["spec"] = json!({"template": {"spec": spec}});
    let mut rs = meta(
        "ReplicaSet",
        ns,
        &format!("{name}-5d4f"),
        &format!("{uid}-rs"),
        Some(("Deployment", uid)),
    );
    rs["spec"] = json!({"template": {"spec": spec}});
    vec![d, rs]
}

/// A running pod of `owner_uid` (a ReplicaSet or DaemonSet) with `spec` and the digest
/// its node pulled for the first container.
fn pod(ns: &str, name: &str, owner: Option<(&str, &str)>, spec: Value, digest: &str) -> Value {
    let mut p = meta("Pod", ns, name, &format!("uid-{name}"), owner);
    let first = spec["containers"][0].clone();
    p["spec"] = spec;
    p["spec"]["nodeName"] = json!("node-1");
    p["status"] = json!({"phase": "Running", "containerStatuses": [{
        "name": first["name"], "image": first["image"],
        "imageID": format!("docker.io/library/app@{digest}"),
        "state": {"running": {"startedAt": "2026-12-01T00:00:00Z"}}}]});
    p
}

fn spec(image: &str) -> Value {
    json!({"containers": [{"name": "app", "image": image}]})
}

const D1: &str = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
const D2: &str = "sha256:2222222222222222222222222222222222222222222222222222222222222222";

/// The objects in the form the rules read them.
fn compact(objects: &[Value]) -> Vec<palisade_core::Json> {
    objects.iter().map(palisade_core::Json::from).collect()
}

fn run(objects: &[Value]) -> Vec<(String, String, String, String)> {
    let compact = compact(objects);
    let mut found: Vec<_> = check(&compact, &LiveOptions::default())
        .into_iter()
        .map(|f| {
            let o = &objects[f.object];
            (
                f.finding.rule_id.to_string(),
                format!(
                    "{}/{}",
                    o["kind"].as_str().unwrap_or(""),
                    o["metadata"]["name"].as_str().unwrap_or("")
                ),
                f.finding.location.field.clone().unwrap_or_default(),
                f.finding.message.clone(),
            )
        })
        .collect();
    found.sort();
    found
}

fn ids(objects: &[Value], rule: &str) -> Vec<(String, String)> {
    run(objects)
        .into_iter()
        .filter(|f| f.0 == rule)
        .map(|f| (f.1, f.2))
        .collect()
}

#[test]
fn img004_replicas_of_a_moved_tag_are_reported_on_their_deployment() {
    let mut objects = deployment("shop", "web", "d1", spec("app:1.0"));
    objects.push(pod(
        "shop",
        "web-a",
        Some(("ReplicaSet", "d1-rs")),
        spec("app:1.0"),
        D1,
    ));
    objects.push(pod(
        "shop",
        "web-b",
        Some(("ReplicaSet", "d1-rs")),
        spec("app:1.0"),
        D1,
    ));
    objects.push(pod(
        "shop",
        "web-c",
        Some(("ReplicaSet", "d1-rs")),
        spec("app:1.0"),
        D2,
    ));
    let found = run(&objects);
    let img: Vec<_> = found.iter().filter(|f| f.0 == "IMG004").collect();
    assert_eq!(img.len(), 1, "{found:?}");
    assert_eq!(img[0].1, "Deployment/web");
    assert_eq!(img[0].2, "spec.template.spec.containers[0].image");
    assert_eq!(
        img[0].3,
        "container \"app\" runs app:1.0 as 2 different digests across replicas: sha256:111111111111 (2 pods), sha256:222222222222 (1 pod)"
    );
}

#[test]
fn img004_one_digest_a_pinned_image_or_a_lone_pod_pass() {
    let mut same = deployment("shop", "web", "d1", spec("app:1.0"));
    same.push(pod(
        "shop",
        "web-a",
        Some(("ReplicaSet", "d1-rs")),
        spec("app:1.0"),
        D1,
    ));
    same.push(pod(
        "shop",
        "web-b",
        Some(("ReplicaSet", "d1-rs")),
        spec("app:1.0"),
        D1,
    ));
    assert!(ids(&same, "IMG004").is_empty());

    let pinned_image = format!("app@{D1}");
    let mut pinned = deployment("shop", "web", "d1", spec(&pinned_image));
    pinned.push(pod(
        "shop",
        "web-a",
        Some(("ReplicaSet", "d1-rs")),
        spec(&pinned_image),
        D1,
    ));
    pinned.push(pod(
        "shop",
        "web-b",
        Some(("ReplicaSet", "d1-rs")),
        spec(&pinned_image),
        D2,
    ));
    assert!(ids(&pinned, "IMG004").is_empty());

    // Pods without a controller are not replicas of anything.
    let lone = vec![
        pod("shop", "a", None, spec("app:1.0"), D1),
        pod("shop", "b", None, spec("app:1.0"), D2),
    ];
    assert!(ids(&lone, "IMG004").is_empty());
}

fn privileged_spec() -> Value {
    json!({"containers": [{"name": "agent", "image": "agent:1",
        "securityContext": {"privileged": true}}]})
}

#[test]
fn iso025_running_privileged_pods_are_reported_once_per_controller() {
    let mut ds = meta("DaemonSet", "monitoring", "node-agent", "ds1", None);
    ds["spec"] = json!({"template": {"spec": privileged_spec()}});
    let mut objects = vec![ds];
    for (n, node) in ["node-1", "node-2"].iter().enumerate() {
        let mut p = pod(
            "monitoring",
            &format!("node-agent-{n}"),
            Some(("DaemonSet", "ds1")),
            privileged_spec(),
            D1,
        );
        p["spec"]["nodeName"] = json!(node);
        objects.push(p);
    }
    let found: Vec<_> = run(&objects)
        .into_iter()
        .filter(|f| f.0 == "ISO025")
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].1, "DaemonSet/node-agent");
    assert_eq!(
        found[0].2,
        "spec.template.spec.containers[0].securityContext.privileged"
    );
    assert_eq!(
        found[0].3,
        "container \"agent\" is running privileged in 2 pods on node-1, node-2"
    );

    let lone = vec![pod("default", "debug", None, privileged_spec(), D1)];
    assert_eq!(
        run(&lone)
            .into_iter()
            .filter(|f| f.0 == "ISO025")
            .map(|f| (f.1, f.2, f.3))
            .collect::<Vec<_>>(),
        vec![(
            "Pod/debug".to_string(),
            "spec.containers[0].securityContext.privileged".to_string(),
            "container \"agent\" is running privileged in pod Pod/default/debug on node-1"
                .to_string()
        )]
    );
}

#[test]
fn iso025_pending_pods_stopped_containers_and_unprivileged_ones_pass() {
    let mut pending = pod("default", "p", None, privileged_spec(), D1);
    pending["status"]["phase"] = json!("Pending");
    let mut waiting = pod("default", "w", None, privileged_spec(), D1);
    waiting["status"]["containerStatuses"][0]["state"] =
        json!({"waiting": {"reason": "CrashLoopBackOff"}});
    let plain = pod("default", "x", None, spec("app:1"), D1);
    assert!(ids(&[pending, waiting, plain], "ISO025").is_empty());
}

fn with_token(mut p: Value, account: &str) -> Value {
    p["spec"]["serviceAccountName"] = json!(account);
    p["spec"]["volumes"] = json!([{"name": "kube-api-access-x2x9", "projected": {"sources": [
        {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
        {"configMap": {"name": "kube-root-ca.crt"}}]}}]);
    p
}

fn binding(kind: &str, ns: &str, subject: Value) -> Value {
    let mut b = meta(kind, ns, "b", &format!("b-{ns}-{kind}"), None);
    b["subjects"] = json!([subject]);
    b["roleRef"] =
        json!({"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"});
    b
}

#[test]
fn iso024_a_token_of_an_account_nothing_is_bound_to_is_reported() {
    let mut objects = deployment("shop", "worker", "w1", spec("app:1"));
    objects.push(with_token(
        pod(
            "shop",
            "worker-a",
            Some(("ReplicaSet", "w1-rs")),
            spec("app:1"),
            D1,
        ),
        "worker",
    ));
    objects.push(with_token(
        pod(
            "shop",
            "worker-b",
            Some(("ReplicaSet", "w1-rs")),
            spec("app:1"),
            D1,
        ),
        "worker",
    ));
    // A binding for another account, and one in another namespace, do not count.
    objects.push(binding(
        "RoleBinding",
        "shop",
        json!({"kind": "ServiceAccount", "name": "api"}),
    ));
    objects.push(binding(
        "RoleBinding",
        "other",
        json!({"kind": "ServiceAccount", "name": "worker"}),
    ));
    assert_eq!(
        ids(&objects, "ISO024"),
        vec![(
            "Deployment/worker".to_string(),
            "spec.template.spec.serviceAccountName".to_string()
        )]
    );
}

#[test]
fn iso024_bound_accounts_default_and_unmounted_tokens_pass() {
    let direct = vec![
        with_token(pod("shop", "a", None, spec("app:1"), D1), "worker"),
        binding(
            "RoleBinding",
            "shop",
            json!({"kind": "ServiceAccount", "name": "worker"}),
        ),
    ];
    let cross_namespace = vec![
        with_token(pod("shop", "a", None, spec("app:1"), D1), "worker"),
        binding(
            "ClusterRoleBinding",
            "",
            json!({"kind": "ServiceAccount", "name": "worker", "namespace": "shop"}),
        ),
    ];
    let group = vec![
        with_token(pod("shop", "a", None, spec("app:1"), D1), "worker"),
        binding(
            "ClusterRoleBinding",
            "",
            json!({"kind": "Group", "name": "system:serviceaccounts:shop"}),
        ),
    ];
    let default = vec![with_token(
        pod("shop", "a", None, spec("app:1"), D1),
        "default",
    )];
    let mut unmounted = pod("shop", "a", None, spec("app:1"), D1);
    unmounted["spec"]["serviceAccountName"] = json!("worker");
    for objects in [direct, cross_namespace, group, default, vec![unmounted]] {
        assert!(ids(&objects, "ISO024").is_empty(), "{objects:?}");
    }
}

#[test]
fn iso026_foreign_workloads_in_system_namespaces_are_reported() {
    let mut objects = deployment(
        "kube-system",
        "miner",
        "m1",
        spec("docker.io/evil/xmrig:latest"),
    );
    objects.extend(deployment(
        "kube-system",
        "coredns",
        "c1",
        spec("registry.k8s.io/coredns/coredns:v1.11.1"),
    ));
    objects.extend(deployment(
        "kube-system",
        "cilium-operator",
        "o1",
        json!({"priorityClassName": "system-cluster-critical",
               "containers": [{"name": "op", "image": "quay.io/cilium/operator:v1.16"}]}),
    ));
    let mut mirror = pod(
        "kube-system",
        "etcd-node-1",
        None,
        spec("quay.io/coreos/etcd:v3.5"),
        D1,
    );
    mirror["metadata"]["annotations"] = json!({"kubernetes.io/config.mirror": "abc"});
    objects.push(mirror);
    objects.extend(deployment(
        "shop",
        "web",
        "s1",
        spec("docker.io/shop/web:1"),
    ));
    assert_eq!(
        ids(&objects, "ISO026"),
        vec![(
            "Deployment/miner".to_string(),
            "spec.template.spec.containers[0].image".to_string()
        )]
    );
    // A registry the user declares as their add-ons' is a system one.
    let options = LiveOptions {
        system_images: vec!["docker.io/evil/".to_string()],
    };
    assert!(check(&compact(&objects), &options)
        .iter()
        .all(|f| f.finding.rule_id != "ISO026"));
}

fn secret(ns: &str, name: &str) -> Value {
    let mut s = meta("Secret", ns, name, &format!("s-{ns}-{name}"), None);
    s["type"] = json!("Opaque");
    s
}

#[test]
fn sec203_secrets_nothing_refers_to_are_reported() {
    let mut mounted = spec("app:1");
    mounted["volumes"] = json!([{"name": "c", "secret": {"secretName": "db-creds"}}]);
    mounted["containers"][0]["env"] =
        json!([{"name": "K", "valueFrom": {"secretKeyRef": {"name": "api-key", "key": "k"}}}]);
    mounted["containers"][0]["envFrom"] = json!([{"secretRef": {"name": "env-all"}}]);
    mounted["imagePullSecrets"] = json!([{"name": "regcred"}]);
    let mut objects = deployment("shop", "web", "w1", mounted);
    let mut ingress = meta("Ingress", "shop", "web", "i1", None);
    ingress["spec"] = json!({"tls": [{"hosts": ["shop.example"], "secretName": "web-tls"}]});
    objects.push(ingress);
    let mut issuer = meta("ClusterIssuer", "", "letsencrypt", "ci1", None);
    issuer["spec"] = json!({"acme": {"privateKeySecretRef": {"name": "acme-key"}, "solvers": [
        {"dns01": {"route53": {"secretAccessKeySecretRef": {"name": "route53", "key": "k"}}}}]}});
    objects.push(issuer);
    let mut token = secret("shop", "web-token");
    token["metadata"]["annotations"] = json!({"kubernetes.io/service-account.name": "web"});
    let mut release = secret("shop", "sh.helm.release.v1.web.v3");
    release["type"] = json!("helm.sh/release.v1");
    let mut owned = secret("shop", "generated");
    owned["metadata"]["ownerReferences"] =
        json!([{"kind": "Certificate", "name": "x", "uid": "u"}]);
    for s in [
        secret("shop", "db-creds"),
        secret("shop", "api-key"),
        secret("shop", "env-all"),
        secret("shop", "regcred"),
        secret("shop", "web-tls"),
        secret("cert-manager", "acme-key"),
        secret("kube-system", "old"),
        token,
        release,
        owned,
        secret("shop", "old-db-password"),
        // Same name as a mounted one, but in another namespace: nothing there uses it.
        secret("payments", "db-creds"),
    ] {
        objects.push(s);
    }
    assert_eq!(
        ids(&objects, "SEC203"),
        vec![
            ("Secret/db-creds".to_string(), String::new()),
            ("Secret/old-db-password".to_string(), String::new()),
        ]
    );
    let messages: Vec<_> = run(&objects)
        .into_iter()
        .filter(|f| f.0 == "SEC203")
        .map(|f| f.3)
        .collect();
    assert!(messages.contains(&"Secret payments/db-creds is not mounted, used in env or as a pull secret by any workload, nor named by any other object".to_string()));
}

#[test]
fn hostile_owner_cycles_and_deep_objects_end() {
    let a = meta("ReplicaSet", "x", "a", "ua", Some(("ReplicaSet", "ub")));
    let b = meta("ReplicaSet", "x", "b", "ub", Some(("ReplicaSet", "ua")));
    let mut p = pod("x", "p", Some(("ReplicaSet", "ua")), privileged_spec(), D1);
    let mut deep = json!("bottom");
    // serde_json stops parsing at 128 levels: an API response cannot be deeper.
    for _ in 0..120 {
        deep = json!({"a": [deep]});
    }
    p["spec"]["x-deep"] = deep;
    let found = check(
        &compact(&[a, b, p, secret("x", "s")]),
        &LiveOptions::default(),
    );
    assert!(found.iter().any(|f| f.finding.rule_id == "ISO025"));
}

#[test]
fn every_live_rule_is_documented() {
    for rule in super::rules() {
        for section in ["What it checks", "Why it matters", "Fix", "References"] {
            assert!(
                rule.section(section).is_some(),
                "{} lacks `## {section}`",
                rule.id
            );
        }
    }
}
