//! `palisade serve` and `palisade webhook manifests` as a user runs them.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;

use common::{palisade, stderr, stdout};
use palisade_server::manifests::self_signed;
use serde_json::json;

fn kinds(yaml: &str) -> Vec<String> {
    palisade_yaml::load(yaml)
        .unwrap()
        .iter()
        .map(|d| {
            d.root
                .get("kind")
                .and_then(|k| k.as_str())
                .unwrap()
                .to_string()
        })
        .collect()
}

#[test]
fn webhook_manifests_are_yaml_with_the_expected_kinds() {
    let dir = tempfile::tempdir().unwrap();
    let out = palisade(
        dir.path(),
        &["webhook", "manifests", "--namespace", "team-sec"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert_eq!(
        kinds(&text),
        [
            "Namespace",
            "ServiceAccount",
            "Secret",
            "Deployment",
            "Service",
            "NetworkPolicy",
            "PodDisruptionBudget",
            "ValidatingWebhookConfiguration"
        ]
    );
    assert!(text.contains("caBundle: "));
    assert!(text.contains("namespace: team-sec"));

    let out = palisade(
        dir.path(),
        &[
            "webhook",
            "manifests",
            "--cert-manager",
            "--failure-policy",
            "ignore",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(kinds(&text).contains(&"Certificate".to_string()));
    assert!(text.contains("cert-manager.io/inject-ca-from: palisade-system/palisade-webhook"));
    assert!(text.contains("failurePolicy: Ignore"));
    assert!(!text.contains("caBundle"));

    let out = palisade(
        dir.path(),
        &["webhook", "manifests", "--namespace", "Team_Sec"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--namespace: `Team_Sec` is not a DNS label"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn serve_names_unreadable_and_mismatched_certificates() {
    let dir = tempfile::tempdir().unwrap();
    let a = self_signed(&["localhost".into()]).unwrap();
    let b = self_signed(&["localhost".into()]).unwrap();
    std::fs::write(dir.path().join("a.crt"), &a.cert_pem).unwrap();
    std::fs::write(dir.path().join("b.key"), &b.key_pem).unwrap();
    std::fs::write(dir.path().join("empty.crt"), "not a certificate\n").unwrap();
    let serve = |cert: &str, key: &str| {
        palisade(
            dir.path(),
            &[
                "serve",
                "--tls-cert",
                cert,
                "--tls-key",
                key,
                "--listen",
                "127.0.0.1:0",
            ],
        )
    };

    let out = serve("missing.crt", "b.key");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cannot read missing.crt"),
        "{}",
        stderr(&out)
    );

    let out = serve("empty.crt", "b.key");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("empty.crt: no PEM certificate"),
        "{}",
        stderr(&out)
    );

    let out = serve("a.crt", "a.crt");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("a.crt: no usable PEM private key"),
        "{}",
        stderr(&out)
    );

    let out = serve("a.crt", "b.key");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("b.key does not match the certificate in a.crt"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn serve_judges_reviews_over_https_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let pair = self_signed(&["127.0.0.1".into()]).unwrap();
    std::fs::write(dir.path().join("tls.crt"), &pair.cert_pem).unwrap();
    std::fs::write(dir.path().join("tls.key"), &pair.key_pem).unwrap();
    std::fs::write(
        dir.path().join("palisade.toml"),
        "[webhook]\nblock_at = \"critical\"\nexempt_namespaces = [\"sandbox\"]\n",
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_palisade"))
        .args(["serve", "--tls-cert", "tls.crt", "--tls-key", "tls.key"])
        .args(["--listen", "127.0.0.1:0", "--config", "palisade.toml"])
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let started: serde_json::Value = serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
    assert_eq!(started["event"], "listening");
    assert_eq!(started["block_at"], "critical");
    let base = format!("https://{}", started["addr"].as_str().unwrap());

    let ca = ureq::tls::Certificate::from_pem(pair.ca_pem.as_bytes()).unwrap();
    let agent = ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .tls_config(
                ureq::tls::TlsConfig::builder()
                    .root_certs(ureq::tls::RootCerts::Specific(Arc::new(vec![ca])))
                    .build(),
            )
            .http_status_as_error(false)
            .build(),
    );
    let health = agent.get(format!("{base}/healthz")).call().unwrap();
    assert_eq!(health.status().as_u16(), 200);

    let review = |namespace: &str| {
        json!({
            "apiVersion": "admission.k8s.io/v1",
            "kind": "AdmissionReview",
            "request": {
                "uid": "e2e-1",
                "kind": {"group": "", "version": "v1", "kind": "Pod"},
                "resource": {"group": "", "version": "v1", "resource": "pods"},
                "namespace": namespace,
                "operation": "CREATE",
                "userInfo": {"username": "jane"},
                "object": {
                    "apiVersion": "v1", "kind": "Pod",
                    "metadata": {"name": "debug", "namespace": namespace},
                    "spec": {"containers": [{"name": "sh", "image": "busybox:1.36",
                                             "securityContext": {"privileged": true}}]}
                }
            }
        })
        .to_string()
    };
    let mut response = agent
        .post(format!("{base}/validate"))
        .send(review("shop"))
        .unwrap();
    let answer: serde_json::Value =
        serde_json::from_str(&response.body_mut().read_to_string().unwrap()).unwrap();
    assert_eq!(answer["response"]["uid"], "e2e-1");
    assert_eq!(answer["response"]["allowed"], false);
    let message = answer["response"]["status"]["message"].as_str().unwrap();
    assert!(
        message.contains("ISO003 spec.containers[0].securityContext.privileged"),
        "{message}"
    );

    let mut response = agent
        .post(format!("{base}/validate"))
        .send(review("sandbox"))
        .unwrap();
    let answer: serde_json::Value =
        serde_json::from_str(&response.body_mut().read_to_string().unwrap()).unwrap();
    assert_eq!(answer["response"]["allowed"], true);

    // One JSON line per decision.
    let decision: serde_json::Value =
        serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
    assert_eq!(decision["event"], "decision");
    assert_eq!(decision["allowed"], false);
    assert_eq!(decision["namespace"], "shop");
    assert!(decision["denied_by"]
        .as_array()
        .unwrap()
        .contains(&json!("ISO003")));

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
}
