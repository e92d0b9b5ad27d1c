//! `palisade serve` end to end: the server on 127.0.0.1 with a certificate generated here,
//! AdmissionReviews as the API server sends them, over real HTTPS from a client that trusts
//! only the test CA.

use std::sync::Arc;

use palisade_server::manifests::self_signed;
use palisade_server::review::AdmissionReviewResponse;
use palisade_server::{engine_settings, start, Running, ServerOptions, WebhookSettings};
use serde_json::{json, Value};

struct Webhook {
    server: Option<Running>,
    agent: ureq::Agent,
    base: String,
    _dir: tempfile::TempDir,
}

impl Webhook {
    fn start(settings: WebhookSettings, max_body_bytes: usize) -> Webhook {
        Webhook::start_with(settings, max_body_bytes, palisade_server::CLIENT_TIMEOUT)
    }

    fn start_with(
        settings: WebhookSettings,
        max_body_bytes: usize,
        client_timeout: std::time::Duration,
    ) -> Webhook {
        let dir = tempfile::tempdir().unwrap();
        let pair = self_signed(&["localhost".into(), "127.0.0.1".into()]).unwrap();
        let (cert, key) = (dir.path().join("tls.crt"), dir.path().join("tls.key"));
        std::fs::write(&cert, &pair.cert_pem).unwrap();
        std::fs::write(&key, &pair.key_pem).unwrap();
        let mut options = ServerOptions::new("127.0.0.1:0".parse().unwrap(), cert, key);
        options.settings = settings;
        options.max_body_bytes = max_body_bytes;
        options.log_decisions = false;
        options.stop_on_signals = false;
        options.client_timeout = client_timeout;
        let engine =
            palisade_engine::Engine::new(engine_settings(palisade_core::Config::default()))
                .unwrap();
        let server = start(engine, options).unwrap();
        let ca = ureq::tls::Certificate::from_pem(pair.ca_pem.as_bytes()).unwrap();
        let tls = ureq::tls::TlsConfig::builder()
            .root_certs(ureq::tls::RootCerts::Specific(Arc::new(vec![ca])))
            .build();
        let agent = ureq::Agent::new_with_config(
            ureq::Agent::config_builder()
                .tls_config(tls)
                .http_status_as_error(false)
                .timeout_global(Some(std::time::Duration::from_secs(30)))
                .build(),
        );
        let base = format!("https://127.0.0.1:{}", server.local_addr().port());
        Webhook {
            server: Some(server),
            agent,
            base,
            _dir: dir,
        }
    }

    fn default() -> Webhook {
        Webhook::start(
            WebhookSettings {
                exempt_namespaces: ["kube-system".to_string(), "palisade-system".to_string()]
                    .into(),
                ..WebhookSettings::default()
            },
            palisade_server::MAX_BODY_BYTES,
        )
    }

    fn try_post(&self, body: &[u8]) -> Result<(u16, String), ureq::Error> {
        let mut response = self
            .agent
            .post(format!("{}/validate", self.base))
            .header("Content-Type", "application/json")
            .send(body)?;
        let status = response.status().as_u16();
        Ok((status, response.body_mut().read_to_string()?))
    }

    fn post(&self, body: &[u8]) -> (u16, String) {
        self.try_post(body).unwrap()
    }

    fn review(&self, review: &Value) -> AdmissionReviewResponse {
        let (status, body) = self.post(review.to_string().as_bytes());
        assert_eq!(status, 200, "{body}");
        serde_json::from_str(&body).unwrap()
    }

    fn get(&self, path: &str) -> (u16, String) {
        let mut response = self
            .agent
            .get(format!("{}{path}", self.base))
            .call()
            .unwrap();
        let status = response.status().as_u16();
        (status, response.body_mut().read_to_string().unwrap())
    }
}

impl Drop for Webhook {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            server.shutdown().unwrap();
        }
    }
}

/// An AdmissionReview as kube-apiserver sends it for `object`.
fn review(uid: &str, operation: &str, object: &Value) -> Value {
    let kind = object["kind"].as_str().unwrap();
    let api_version = object["apiVersion"].as_str().unwrap();
    let (group, version) = api_version.split_once('/').unwrap_or(("", api_version));
    let resource = format!("{}s", kind.to_ascii_lowercase());
    let gvk = json!({"group": group, "version": version, "kind": kind});
    let gvr = json!({"group": group, "version": version, "resource": resource});
    let options_kind = if operation == "CREATE" {
        "CreateOptions"
    } else {
        "UpdateOptions"
    };
    json!({
        "apiVersion": "admission.k8s.io/v1",
        "kind": "AdmissionReview",
        "request": {
            "uid": uid,
            "kind": gvk,
            "resource": gvr,
            "requestKind": gvk,
            "requestResource": gvr,
            "name": object["metadata"]["name"],
            "namespace": object["metadata"]["namespace"],
            "operation": operation,
            "userInfo": {"username": "jane", "uid": "42", "groups": ["system:authenticated"]},
            "object": object,
            "oldObject": null,
            "dryRun": false,
            "options": {"apiVersion": "meta.k8s.io/v1", "kind": options_kind},
        }
    })
}

fn hardened_pod_spec() -> Value {
    json!({
        "automountServiceAccountToken": false,
        "securityContext": {
            "runAsNonRoot": true,
            "runAsUser": 10001,
            "seccompProfile": {"type": "RuntimeDefault"}
        },
        "containers": [{
            "name": "app",
            "image": "registry.example.com/shop/web@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "securityContext": {
                "allowPrivilegeEscalation": false,
                "readOnlyRootFilesystem": true,
                "runAsNonRoot": true,
                "capabilities": {"drop": ["ALL"]}
            },
            "resources": {
                "requests": {"cpu": "100m", "memory": "64Mi"},
                "limits": {"cpu": "500m", "memory": "128Mi"}
            }
        }]
    })
}

fn privileged_pod(namespace: &str) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "debug", "namespace": namespace},
        "spec": {"containers": [{
            "name": "shell",
            "image": "busybox:1.36",
            "securityContext": {"privileged": true}
        }]}
    })
}

#[test]
fn a_privileged_pod_is_denied_naming_the_rule_and_field() {
    let hook = Webhook::default();
    let answer = hook.review(&review("uid-priv", "CREATE", &privileged_pod("shop")));
    assert_eq!(answer.api_version, "admission.k8s.io/v1");
    assert_eq!(answer.kind, "AdmissionReview");
    assert_eq!(answer.response.uid, "uid-priv");
    assert!(!answer.response.allowed);
    let status = answer.response.status.unwrap();
    assert_eq!(status.code, 403);
    assert!(
        status
            .message
            .contains("ISO003 spec.containers[0].securityContext.privileged: "),
        "{}",
        status.message
    );
    assert!(status
        .message
        .starts_with("palisade denied Pod/shop/debug: "));
    assert!(answer.response.audit_annotations["denied-by"].contains("ISO003"));
}

#[test]
fn a_hardened_pod_is_allowed_and_lower_findings_come_back_as_warnings() {
    let hook = Webhook::default();
    let pod = json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "web", "namespace": "shop"},
        "spec": hardened_pod_spec(),
    });
    let answer = hook.review(&review("uid-ok", "CREATE", &pod));
    assert_eq!(answer.response.uid, "uid-ok");
    assert!(answer.response.allowed, "{:?}", answer.response);
    assert!(answer.response.status.is_none());
    // Whatever the rules still say about it is below `high` and is only a warning.
    for warning in &answer.response.warnings {
        assert!(warning.chars().count() <= 256, "{warning}");
    }

    // The same pod with one weakness is allowed with a warning naming rule and field.
    let mut weaker = pod.clone();
    weaker["spec"]["containers"][0]["image"] = json!("registry.example.com/shop/web:latest");
    let answer = hook.review(&review("uid-latest", "CREATE", &weaker));
    assert!(answer.response.allowed, "{:?}", answer.response);
    assert!(
        answer
            .response
            .warnings
            .iter()
            .any(|w| w.contains("spec.containers[0].image")),
        "{:?}",
        answer.response.warnings
    );
}

#[test]
fn exempt_namespaces_delete_and_dry_run_are_handled() {
    let hook = Webhook::default();
    let answer = hook.review(&review("uid-sys", "CREATE", &privileged_pod("kube-system")));
    assert!(answer.response.allowed);
    assert!(answer.response.warnings.is_empty());

    // DELETE carries only oldObject and is always allowed.
    let mut delete = review("uid-del", "DELETE", &privileged_pod("shop"));
    delete["request"]["oldObject"] = delete["request"]["object"].take();
    delete["request"]["options"] = json!({"apiVersion": "meta.k8s.io/v1", "kind": "DeleteOptions"});
    let answer = hook.review(&delete);
    assert_eq!(answer.response.uid, "uid-del");
    assert!(answer.response.allowed);

    // A dry run (`kubectl apply --dry-run=server`) gets the real verdict: the webhook has
    // no side effects, so the user sees the denial before applying for real.
    let mut dry = review("uid-dry", "UPDATE", &privileged_pod("shop"));
    dry["request"]["dryRun"] = json!(true);
    dry["request"]["oldObject"] = dry["request"]["object"].clone();
    let answer = hook.review(&dry);
    assert!(!answer.response.allowed);

    // Removing the finalizers of an object being deleted is never blocked.
    let mut terminating = privileged_pod("shop");
    terminating["metadata"]["deletionTimestamp"] = json!("2026-01-01T00:00:00Z");
    let mut update = review("uid-fin", "UPDATE", &terminating);
    update["request"]["oldObject"] = update["request"]["object"].clone();
    assert!(hook.review(&update).response.allowed);
}

#[test]
fn rules_that_need_the_rest_of_the_cluster_are_not_applied() {
    let hook = Webhook::default();
    // Alone, a database pod "is reachable from the internet" (NET008, high) and its
    // namespace "has no NetworkPolicy" (NET001): `palisade scan` of this one file says so.
    // The server cannot see the cluster's policies, so it does not deny nor warn on them.
    let mut spec = hardened_pod_spec();
    spec["containers"][0]["ports"] = json!([{"containerPort": 5432}]);
    let database = json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "db", "namespace": "shop", "labels": {"app": "postgres"}},
        "spec": spec});
    let answer = hook.review(&review("uid-db", "CREATE", &database));
    assert!(answer.response.allowed, "{:?}", answer.response);
    for warning in &answer.response.warnings {
        let rule = warning.split([' ', ':']).next().unwrap();
        assert!(
            !palisade_server::NEEDS_CLUSTER_VIEW.contains(&rule),
            "{warning}"
        );
    }
}

#[test]
fn secrets_belong_in_secrets_not_in_config_maps() {
    let hook = Webhook::default();
    let key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ3kLm9Pq2";
    let secret = json!({"apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": "db", "namespace": "shop"}, "type": "Opaque",
        "stringData": {"aws_secret_access_key": key}});
    let answer = hook.review(&review("uid-secret", "CREATE", &secret));
    assert!(answer.response.allowed, "{:?}", answer.response);
    assert!(
        answer.response.warnings.is_empty(),
        "{:?}",
        answer.response.warnings
    );

    let config_map = json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "app", "namespace": "shop"},
        "data": {"AWS_SECRET_ACCESS_KEY": key}});
    let answer = hook.review(&review("uid-cm", "CREATE", &config_map));
    assert!(!answer.response.allowed);
    let message = answer.response.status.unwrap().message;
    assert!(
        message.contains("SEC201 data.AWS_SECRET_ACCESS_KEY: "),
        "{message}"
    );
    assert!(
        !message.contains(key),
        "the secret is never sent back whole: {message}"
    );
}

#[test]
fn a_deployment_is_judged_through_its_pod_template() {
    let hook = Webhook::default();
    let mut spec = hardened_pod_spec();
    spec["hostPID"] = json!(true);
    spec["containers"][0]["securityContext"]["privileged"] = json!(true);
    spec["containers"][0]["securityContext"]["allowPrivilegeEscalation"] = json!(true);
    let deployment = json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        // No namespace in the object: the request's is used.
        "metadata": {"name": "web"},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}}, "spec": spec}
        }
    });
    let mut request = review("uid-deploy", "CREATE", &deployment);
    request["request"]["namespace"] = json!("shop");
    let answer = hook.review(&request);
    assert!(!answer.response.allowed);
    let message = answer.response.status.unwrap().message;
    assert!(
        message.starts_with("palisade denied Deployment/shop/web: "),
        "{message}"
    );
    assert!(
        message.contains("ISO003 spec.template.spec.containers[0].securityContext.privileged: "),
        "{message}"
    );
    assert!(message.contains("spec.template.spec.hostPID"), "{message}");

    let mut fixed = deployment.clone();
    fixed["spec"]["template"]["spec"] = hardened_pod_spec();
    let mut request = review("uid-deploy-ok", "CREATE", &fixed);
    request["request"]["namespace"] = json!("shop");
    assert!(hook.review(&request).response.allowed);
}

#[test]
fn bad_requests_get_400_with_a_reason_and_oversized_bodies_are_refused() {
    let hook = Webhook::start(WebhookSettings::default(), 256 * 1024);
    let (status, body) = hook.post(b"{\"apiVersion\": \"admission.k8s.io/v1\", ");
    assert_eq!(status, 400);
    assert!(body.contains("not an AdmissionReview"), "{body}");

    let (status, body) = hook.post(
        br#"{"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview","request":{}}"#,
    );
    assert_eq!(status, 400);
    assert!(body.contains("admission.k8s.io/v1beta1"), "{body}");

    let (status, body) =
        hook.post(br#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}"#);
    assert_eq!(status, 400);
    assert!(body.contains("no `request`"), "{body}");

    let nested = format!(
        r#"{{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{{"uid":"1","kind":{{"kind":"Pod"}},"resource":{{"resource":"pods"}},"operation":"CREATE","object":{}1{}}}}}"#,
        "[".repeat(50_000),
        "]".repeat(50_000)
    );
    let (status, _) = hook.post(nested.as_bytes());
    assert_eq!(status, 400);

    let mut big = review("uid-big", "CREATE", &privileged_pod("shop"));
    big["request"]["object"]["metadata"]["annotations"] = json!({"blob": "x".repeat(300 * 1024)});
    // The server answers 413 at once, without reading the body; a client still writing
    // may see the connection close under it instead. Either way the server refused it.
    match hook.try_post(big.to_string().as_bytes()) {
        Ok((status, body)) => {
            assert_eq!(status, 413, "{body}");
            assert!(body.contains("262144 byte limit"), "{body}");
        }
        Err(ureq::Error::Io(e)) => assert!(
            matches!(
                e.kind(),
                std::io::ErrorKind::BrokenPipe | std::io::ErrorKind::ConnectionReset
            ),
            "{e}"
        ),
        Err(e) => panic!("{e}"),
    }

    // The server still answers after all that.
    let answer = hook.review(&review("uid-after", "CREATE", &privileged_pod("shop")));
    assert!(!answer.response.allowed);
    let (_, metrics) = hook.get("/metrics");
    assert!(
        metrics.contains(r#"palisade_webhook_errors_total{kind="bad_request"} 4"#),
        "{metrics}"
    );
    assert!(
        metrics.contains(r#"palisade_webhook_errors_total{kind="too_large"} 1"#),
        "{metrics}"
    );
    assert!(
        metrics.contains(r#"palisade_webhook_requests_total{path="/validate",code="400"} 4"#),
        "{metrics}"
    );
}

#[test]
fn a_decision_past_its_deadline_is_an_error_not_a_verdict() {
    let hook = Webhook::start(
        WebhookSettings {
            timeout: std::time::Duration::from_nanos(1),
            ..WebhookSettings::default()
        },
        palisade_server::MAX_BODY_BYTES,
    );
    let containers: Vec<Value> = (0..300)
        .map(|i| json!({"name": format!("c{i}"), "image": "busybox:1.36"}))
        .collect();
    let pod = json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "big", "namespace": "shop"}, "spec": {"containers": containers}});
    let (status, body) = hook.post(review("uid-slow", "CREATE", &pod).to_string().as_bytes());
    assert_eq!(status, 503, "{body}");
    assert!(
        body.contains("no decision within the 1ns deadline"),
        "{body}"
    );
    let (_, metrics) = hook.get("/metrics");
    assert!(
        metrics.contains(r#"palisade_webhook_errors_total{kind="timeout"} 1"#),
        "{metrics}"
    );
}

#[test]
fn silent_and_slow_clients_are_cut_off_while_others_are_served() {
    use std::io::{Read, Write};
    use std::time::{Duration, Instant};
    let hook = Webhook::start_with(
        WebhookSettings::default(),
        palisade_server::MAX_BODY_BYTES,
        Duration::from_millis(300),
    );
    let addr = hook.base.trim_start_matches("https://").to_string();
    // Connections that never start TLS, and one that sends its hello a byte at a time.
    let silent: Vec<_> = (0..50)
        .map(|_| std::net::TcpStream::connect(&addr).unwrap())
        .collect();
    let mut dripping = std::net::TcpStream::connect(&addr).unwrap();
    dripping.write_all(&[0x16]).unwrap();
    // Meanwhile a real client is answered.
    assert_eq!(hook.get("/healthz").0, 200);
    let started = Instant::now();
    for mut conn in silent.into_iter().chain([dripping.try_clone().unwrap()]) {
        conn.set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut buf = [0u8; 16];
        // Closed by the server: end of stream (or a reset), not our read timeout.
        match conn.read(&mut buf) {
            Ok(n) => assert!(n == 0 || buf[0] == 0x15, "unexpected bytes"),
            Err(e) => assert!(
                !matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ),
                "still open: {e}"
            ),
        }
    }
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn health_and_metrics_answer_and_count_the_decisions() {
    let hook = Webhook::default();
    assert_eq!(hook.get("/healthz"), (200, "ok\n".to_string()));
    assert_eq!(hook.get("/readyz"), (200, "ok\n".to_string()));
    assert_eq!(hook.get("/nowhere").0, 404);
    for uid in ["a", "b"] {
        hook.review(&review(uid, "CREATE", &privileged_pod("shop")));
    }
    hook.review(&review("c", "CREATE", &privileged_pod("kube-system")));
    let (status, metrics) = hook.get("/metrics");
    assert_eq!(status, 200);
    for line in [
        r#"palisade_webhook_decisions_total{namespace="shop",outcome="denied"} 2"#,
        r#"palisade_webhook_findings_total{rule="ISO003",namespace="shop",action="deny"} 2"#,
        r#"palisade_webhook_requests_total{path="/validate",code="200"} 3"#,
        r#"palisade_webhook_requests_total{path="/healthz",code="200"} 1"#,
        r#"palisade_webhook_requests_total{path="other",code="404"} 1"#,
        r#"palisade_webhook_request_duration_seconds_count{path="/validate"} 3"#,
    ] {
        assert!(metrics.contains(line), "{line} missing from\n{metrics}");
    }
    // Exempt namespaces are not decisions.
    assert!(!metrics.contains(r#"namespace="kube-system""#), "{metrics}");
}

#[test]
fn a_client_that_does_not_trust_the_ca_is_refused_by_tls() {
    let hook = Webhook::default();
    let stranger = ureq::Agent::new_with_config(ureq::Agent::config_builder().build());
    assert!(stranger
        .get(format!("{}/healthz", hook.base))
        .call()
        .is_err());
    // Plain HTTP on the TLS port gets no answer either.
    let plain = ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .timeout_global(Some(std::time::Duration::from_secs(15)))
            .build(),
    );
    let url = hook.base.replace("https://", "http://");
    assert!(plain.get(format!("{url}/healthz")).call().is_err());
}

#[test]
fn namespace_modes_exempt_users_and_existing_findings() {
    let settings = WebhookSettings {
        namespace_modes: [
            ("legacy".to_string(), palisade_server::Mode::Warn),
            ("lab".to_string(), palisade_server::Mode::Audit),
        ]
        .into(),
        exempt_users: ["system:serviceaccount:flux-system:kustomize-controller".to_string()].into(),
        exempt_groups: ["platform-admins".to_string()].into(),
        allow_existing: true,
        ..WebhookSettings::default()
    };
    let hook = Webhook::start(settings, palisade_server::MAX_BODY_BYTES);

    // warn: allowed, the denying findings come back as warnings.
    let answer = hook.review(&review("m-warn", "CREATE", &privileged_pod("legacy")));
    assert!(answer.response.allowed);
    assert!(
        answer
            .response
            .warnings
            .iter()
            .any(|w| w.starts_with("ISO003 ")),
        "{:?}",
        answer.response.warnings
    );
    assert_eq!(answer.response.audit_annotations["mode"], "warn");
    // audit: allowed silently, recorded in the audit annotations.
    let answer = hook.review(&review("m-audit", "CREATE", &privileged_pod("lab")));
    assert!(answer.response.allowed);
    assert!(answer.response.warnings.is_empty());
    assert!(answer.response.audit_annotations["audit-violations"].contains("ISO003"));
    // enforce (every other namespace).
    assert!(
        !hook
            .review(&review("m-enf", "CREATE", &privileged_pod("shop")))
            .response
            .allowed
    );

    // Exempt users and groups are not judged.
    let mut by_flux = review("m-flux", "CREATE", &privileged_pod("shop"));
    by_flux["request"]["userInfo"]["username"] =
        json!("system:serviceaccount:flux-system:kustomize-controller");
    assert!(hook.review(&by_flux).response.allowed);
    let mut by_admin = review("m-admin", "CREATE", &privileged_pod("shop"));
    by_admin["request"]["userInfo"]["groups"] = json!(["system:authenticated", "platform-admins"]);
    assert!(hook.review(&by_admin).response.allowed);

    // allow_existing: an UPDATE that keeps the old object's blocking finding passes with a
    // warning; one that adds a new blocking finding is denied.
    let old = privileged_pod("shop");
    let mut relabelled = old.clone();
    relabelled["metadata"]["labels"] = json!({"team": "shop"});
    let mut update = review("m-upd", "UPDATE", &relabelled);
    update["request"]["oldObject"] = old.clone();
    let answer = hook.review(&update);
    assert!(answer.response.allowed, "{:?}", answer.response.status);
    assert!(answer.response.audit_annotations["allowed-existing"].contains("ISO003"));
    let mut worse = relabelled.clone();
    worse["spec"]["hostNetwork"] = json!(true);
    let mut update = review("m-worse", "UPDATE", &worse);
    update["request"]["oldObject"] = old;
    assert!(!hook.review(&update).response.allowed);
}
