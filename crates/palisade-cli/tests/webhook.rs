//! `palisade serve` and `palisade webhook manifests` as a user runs them.

use crate::common;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Lines};
use std::path::Path;
use std::process::{Child, ChildStderr, Command, ExitStatus, Stdio};
use std::sync::Arc;

use base64::Engine as _;
use common::{palisade, stderr, stdout};
use palisade_server::manifests::self_signed;
use serde_json::{json, Value};

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

    // With --mutating: the MutatingWebhookConfiguration too, and the whole set still
    // passes Palisade's own rules at medium and above.
    let out = palisade(
        dir.path(),
        &["webhook", "manifests", "--mutating", "--cert-manager"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert_eq!(
        kinds(&text)[kinds(&text).len() - 2..],
        [
            "ValidatingWebhookConfiguration",
            "MutatingWebhookConfiguration"
        ]
    );
    assert!(text.contains("path: /mutate"));
    assert!(text.contains("reinvocationPolicy: IfNeeded"));
    assert!(text.contains("- --mutate"));
    std::fs::write(dir.path().join("webhook.yaml"), &text).unwrap();
    let scan = palisade(dir.path(), &["scan", "webhook.yaml", "--fail-on", "medium"]);
    assert_eq!(scan.status.code(), Some(0), "{}", stdout(&scan));

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

/// `palisade serve` running on 127.0.0.1 with a certificate of a fresh CA, and an HTTPS
/// client that trusts that CA and nothing else.
struct Served {
    child: Child,
    log: Lines<BufReader<ChildStderr>>,
    started: Value,
    base: String,
    agent: ureq::Agent,
    /// The CA of the server's certificate.
    ca_pem: String,
}

impl Served {
    /// Starts `palisade serve ARGS` in `dir` (where `palisade.toml` may be).
    fn start(dir: &Path, args: &[&str]) -> Served {
        let pair = self_signed(&["127.0.0.1".into()]).unwrap();
        std::fs::write(dir.join("tls.crt"), &pair.cert_pem).unwrap();
        std::fs::write(dir.join("tls.key"), &pair.key_pem).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_palisade"))
            .args(["serve", "--tls-cert", "tls.crt", "--tls-key", "tls.key"])
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut log = BufReader::new(child.stderr.take().unwrap()).lines();
        let started: Value = serde_json::from_str(&log.next().unwrap().unwrap()).unwrap();
        assert_eq!(started["event"], "listening", "{started}");
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
        Served {
            child,
            log,
            started,
            base,
            agent,
            ca_pem: pair.ca_pem,
        }
    }

    fn get(&self, path: &str) -> (u16, String) {
        let mut response = self
            .agent
            .get(format!("{}{path}", self.base))
            .call()
            .unwrap();
        let body = response.body_mut().read_to_string().unwrap();
        (response.status().as_u16(), body)
    }

    fn post(&self, path: &str, body: &str) -> (u16, String) {
        let mut response = self
            .agent
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/json")
            .send(body)
            .unwrap();
        let body = response.body_mut().read_to_string().unwrap();
        (response.status().as_u16(), body)
    }

    /// The answered review of `review` posted to `path`.
    fn review(&self, path: &str, review: &Value) -> Value {
        let (status, body) = self.post(path, &review.to_string());
        assert_eq!(status, 200, "{body}");
        serde_json::from_str(&body).unwrap()
    }

    /// The next JSON line the server logged.
    fn next_log(&mut self) -> Value {
        serde_json::from_str(&self.log.next().unwrap().unwrap()).unwrap()
    }

    /// SIGTERM, as the kubelet stops a pod, and the exit status.
    fn stop(mut self) -> ExitStatus {
        let killed = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        self.child.wait().unwrap()
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        // A failed assertion must not leave the server running.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An AdmissionReview as kube-apiserver sends it.
fn admission_review(
    uid: &str,
    (group, kind, resource): (&str, &str, &str),
    namespace: &str,
    object: Value,
) -> Value {
    let gvk = json!({"group": group, "version": "v1", "kind": kind});
    let gvr = json!({"group": group, "version": "v1", "resource": resource});
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
            "namespace": namespace,
            "operation": "CREATE",
            "userInfo": {"username": "jane", "uid": "42", "groups": ["system:authenticated"]},
            "object": object,
            "oldObject": null,
            "dryRun": false,
            "options": {"apiVersion": "meta.k8s.io/v1", "kind": "CreateOptions"}
        }
    })
}

/// The review of a Pod `debug` in `namespace` that runs a privileged container: denied by
/// ISO003 wherever the mode enforces.
fn privileged_pod_review(uid: &str, namespace: &str) -> Value {
    admission_review(
        uid,
        ("", "Pod", "pods"),
        namespace,
        json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "debug", "namespace": namespace},
            "spec": {"containers": [{"name": "sh", "image": "busybox:1.36",
                                     "securityContext": {"privileged": true}}]}
        }),
    )
}

#[test]
fn serve_judges_reviews_over_https_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("palisade.toml"),
        "[webhook]\nblock_at = \"critical\"\nexempt_namespaces = [\"sandbox\"]\n",
    )
    .unwrap();
    let mut served = Served::start(dir.path(), &["--config", "palisade.toml"]);
    assert_eq!(served.started["block_at"], "critical");
    assert_eq!(served.started["mutate"], false);
    assert_eq!(served.get("/healthz").0, 200);

    let review = |namespace: &str| privileged_pod_review("e2e-1", namespace);
    let answer = served.review("/validate", &review("shop"));
    assert_eq!(answer["response"]["uid"], "e2e-1");
    assert_eq!(answer["response"]["allowed"], false);
    let message = answer["response"]["status"]["message"].as_str().unwrap();
    assert!(
        message.contains("ISO003 spec.containers[0].securityContext.privileged"),
        "{message}"
    );

    let answer = served.review("/validate", &review("sandbox"));
    assert_eq!(answer["response"]["allowed"], true);

    // One JSON line per decision.
    let decision = served.next_log();
    assert_eq!(decision["event"], "decision");
    assert_eq!(decision["allowed"], false);
    assert_eq!(decision["namespace"], "shop");
    assert!(decision["denied_by"]
        .as_array()
        .unwrap()
        .contains(&json!("ISO003")));

    // Mutation is opt-in: without --mutate, /mutate says how to turn it on.
    let (status, body) = served.post("/mutate", &review("shop").to_string());
    assert_eq!(status, 404);
    assert!(body.contains("palisade serve --mutate"), "{body}");

    assert_eq!(served.stop().code(), Some(0));
}

/// (group, kind, resource) of an API type.
type Resource = (&'static str, &'static str, &'static str);

/// The pod-bearing kinds and where their pod template sits.
const POD_BEARING: [(Resource, &[&str]); 8] = [
    (("", "Pod", "pods"), &[]),
    (("apps", "Deployment", "deployments"), &["spec", "template"]),
    (
        ("apps", "StatefulSet", "statefulsets"),
        &["spec", "template"],
    ),
    (("apps", "DaemonSet", "daemonsets"), &["spec", "template"]),
    (("apps", "ReplicaSet", "replicasets"), &["spec", "template"]),
    (("batch", "Job", "jobs"), &["spec", "template"]),
    (
        ("batch", "CronJob", "cronjobs"),
        &["spec", "jobTemplate", "spec", "template"],
    ),
    (
        ("", "ReplicationController", "replicationcontrollers"),
        &["spec", "template"],
    ),
];

/// An object of `kind` named `web` whose pod spec is `spec`.
fn workload(((group, kind, _), template): (Resource, &[&str]), spec: Value) -> Value {
    let mut pod = json!({"metadata": {"labels": {"app": "web"}}, "spec": spec});
    for key in template.iter().rev() {
        let mut outer = serde_json::Map::new();
        if *key == "template" {
            outer.insert("selector".into(), json!({"matchLabels": {"app": "web"}}));
        }
        if *key == "jobTemplate" {
            outer.insert("schedule".into(), json!("0 3 * * *"));
        }
        outer.insert(key.to_string(), pod);
        pod = Value::Object(outer);
    }
    let api_version = if group.is_empty() {
        "v1".to_string()
    } else {
        format!("{group}/v1")
    };
    let mut object = pod;
    let metadata = json!({"name": "web", "namespace": "shop", "labels": {"app": "web"}});
    object["apiVersion"] = api_version.into();
    object["kind"] = kind.into();
    object["metadata"] = metadata;
    object
}

/// The object `review` was about, with the patch of `answer` applied as the API server does.
fn patched(review: &Value, answer: &Value) -> Value {
    let response = &answer["response"];
    assert_eq!(response["patchType"], "JSONPatch", "{answer}");
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(response["patch"].as_str().unwrap())
        .unwrap();
    let patch: json_patch::Patch = serde_json::from_slice(&bytes).unwrap();
    let mut object = review["request"]["object"].clone();
    json_patch::patch(&mut object, &patch).unwrap();
    object
}

#[test]
fn mutate_adds_safe_defaults_to_every_pod_bearing_kind_over_https() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("palisade.toml"),
        "[webhook]\nexempt_namespaces = [\"sandbox\"]\n",
    )
    .unwrap();
    let mut served = Served::start(dir.path(), &["--config", "palisade.toml", "--mutate"]);
    assert_eq!(served.started["mutate"], true);

    // What a user writes: nothing about seccomp, escalation or the token; one privileged
    // container and one adding SYS_ADMIN, where allowPrivilegeEscalation: false is invalid.
    let spec = json!({
        "restartPolicy": "Always",
        "initContainers": [{"name": "migrate", "image": "shop:1.4",
                            "securityContext": {"runAsNonRoot": true}}],
        "containers": [
            {"name": "app", "image": "shop:1.4"},
            {"name": "vpn", "image": "vpn:2", "securityContext": {"privileged": true}},
            {"name": "fuse", "image": "fuse:1",
             "securityContext": {"capabilities": {"add": ["SYS_ADMIN"]}}},
        ],
    });
    let expected = json!({
        "restartPolicy": "Always",
        "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
        "automountServiceAccountToken": false,
        "initContainers": [{"name": "migrate", "image": "shop:1.4",
                            "securityContext": {"runAsNonRoot": true,
                                                "allowPrivilegeEscalation": false}}],
        "containers": [
            {"name": "app", "image": "shop:1.4",
             "securityContext": {"allowPrivilegeEscalation": false}},
            {"name": "vpn", "image": "vpn:2", "securityContext": {"privileged": true}},
            {"name": "fuse", "image": "fuse:1",
             "securityContext": {"capabilities": {"add": ["SYS_ADMIN"]}}},
        ],
    });
    for (n, kind) in POD_BEARING.into_iter().enumerate() {
        let mut spec = spec.clone();
        let mut expected = expected.clone();
        if kind.0 .2 == "jobs" || kind.0 .2 == "cronjobs" {
            spec["restartPolicy"] = "Never".into();
            expected["restartPolicy"] = "Never".into();
        }
        let uid = format!("mutate-{n}");
        let review = admission_review(&uid, kind.0, "shop", workload(kind, spec));
        let answer = served.review("/mutate", &review);
        assert_eq!(answer["apiVersion"], "admission.k8s.io/v1");
        assert_eq!(answer["kind"], "AdmissionReview");
        assert_eq!(answer["response"]["uid"], uid.as_str());
        assert_eq!(answer["response"]["allowed"], true);
        assert_eq!(
            patched(&review, &answer),
            workload(kind, expected),
            "{}",
            kind.0 .1
        );
        let prefix: String = kind.1.iter().map(|k| format!("{k}.")).collect();
        let listed = answer["response"]["auditAnnotations"]["mutations"]
            .as_str()
            .unwrap();
        assert_eq!(
            listed,
            [
                "securityContext.seccompProfile.type=RuntimeDefault",
                "initContainers[0].securityContext.allowPrivilegeEscalation=false",
                "containers[0].securityContext.allowPrivilegeEscalation=false",
                "automountServiceAccountToken=false",
            ]
            .map(|field| format!("{prefix}spec.{field}"))
            .join(","),
            "{}",
            kind.0 .1
        );
        // One JSON line per request, naming the changes.
        let logged = served.next_log();
        assert_eq!(logged["event"], "mutation");
        assert_eq!(logged["uid"], uid.as_str());
        assert_eq!(logged["kind"], kind.0 .1);
        assert_eq!(logged["namespace"], "shop");
        assert_eq!(logged["name"], "web");
        assert_eq!(logged["mutations"].as_array().unwrap().len(), 4);
    }

    // What the user set explicitly, even to the weaker value, is theirs: no patch at all.
    let explicit = json!({
        "serviceAccountName": "default",
        "automountServiceAccountToken": true,
        "securityContext": {"seccompProfile": {"type": "Unconfined"}},
        "containers": [{"name": "app", "image": "shop:1.4",
                        "securityContext": {"allowPrivilegeEscalation": true}}],
    });
    for kind in POD_BEARING {
        let review = admission_review("explicit", kind.0, "shop", workload(kind, explicit.clone()));
        let response = &served.review("/mutate", &review)["response"];
        assert_eq!(response["uid"], "explicit");
        assert_eq!(response["allowed"], true);
        for absent in ["patch", "patchType", "auditAnnotations"] {
            assert!(response.get(absent).is_none(), "{absent}: {response}");
        }
    }
    // A pod of its own service account keeps its token; the rest is still set.
    let own_account = json!({"serviceAccountName": "shop",
                             "containers": [{"name": "app", "image": "shop:1.4"}]});
    let review = admission_review(
        "own",
        POD_BEARING[0].0,
        "shop",
        workload(POD_BEARING[0], own_account),
    );
    let object = patched(&review, &served.review("/mutate", &review));
    assert!(object["spec"].get("automountServiceAccountToken").is_none());
    assert_eq!(
        object["spec"]["securityContext"]["seccompProfile"]["type"],
        "RuntimeDefault"
    );

    // Exempt namespaces are left alone, as /validate leaves them unjudged.
    let review = admission_review(
        "exempt",
        POD_BEARING[1].0,
        "sandbox",
        workload(POD_BEARING[1], spec),
    );
    let response = &served.review("/mutate", &review)["response"];
    assert_eq!(response["allowed"], true);
    assert!(response.get("patch").is_none(), "{response}");

    // Every field set is counted, by namespace and setting.
    let (status, metrics) = served.get("/metrics");
    assert_eq!(status, 200);
    for (setting, count) in [
        ("seccomp_profile", 9),
        ("allow_privilege_escalation", 17),
        ("automount_service_account_token", 8),
    ] {
        let line = format!(
            r#"palisade_webhook_mutations_total{{namespace="shop",setting="{setting}"}} {count}"#
        );
        assert!(metrics.contains(&line), "{line}\n{metrics}");
    }
    assert!(
        metrics.contains(r#"palisade_webhook_requests_total{path="/mutate",code="200"} 18"#),
        "{metrics}"
    );
    assert_eq!(served.stop().code(), Some(0));
}

#[test]
fn mutate_answers_bad_input_with_a_4xx_and_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("palisade.toml"),
        "[webhook]\nmutate = true\n",
    )
    .unwrap();
    let served = Served::start(dir.path(), &["--config", "palisade.toml", "--quiet"]);
    assert_eq!(served.started["mutate"], true);
    let cases = [
        ("{not json", "the body is not an AdmissionReview"),
        (
            r#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}"#,
            "the AdmissionReview has no `request`",
        ),
        (
            r#"{"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview","request":{}}"#,
            "apiVersion `admission.k8s.io/v1beta1` is not served",
        ),
        (
            r#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"1","kind":{"kind":"Pod"},"resource":{"resource":"pods"},"operation":"CREATE"}}"#,
            "a CREATE request must carry `request.object`",
        ),
    ];
    for (body, reason) in cases {
        let (status, text) = served.post("/mutate", body);
        assert_eq!(status, 400, "{body}: {text}");
        assert!(text.contains(reason), "{body}: {text}");
    }
    let (_, metrics) = served.get("/metrics");
    assert!(
        metrics.contains(r#"palisade_webhook_errors_total{kind="bad_request"} 4"#),
        "{metrics}"
    );
    assert!(
        metrics.contains(r#"palisade_webhook_requests_total{path="/mutate",code="400"} 4"#),
        "{metrics}"
    );
    assert_eq!(served.stop().code(), Some(0));
}

#[test]
fn serve_judges_user_policies_on_the_request_as_sent() {
    let dir = tempfile::tempdir().unwrap();
    // A VAP (Deny: high, blocks) that reads the request's user, and a Gatekeeper CEL
    // template that, like the library's, lets UPDATEs through.
    std::fs::write(
        dir.path().join("policies.yaml"),
        r#"apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: no-root-from-humans}
spec:
  matchConstraints:
    resourceRules:
      - {apiGroups: [""], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [pods]}
  validations:
    - expression: "request.userInfo.username.startsWith('system:serviceaccount:') || object.spec.containers.all(c, c.?securityContext.?runAsNonRoot.orValue(false))"
      messageExpression: "'user ' + request.userInfo.username + ' may only create non-root pods'"
  auditAnnotations:
    - key: requested-by
      valueExpression: "request.userInfo.username"
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: no-root-from-humans}
spec:
  policyName: no-root-from-humans
  validationActions: [Deny]
---
apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata: {name: k8sneedsteam}
spec:
  crd: {spec: {names: {kind: K8sNeedsTeam}}}
  targets:
    - target: admission.k8s.gatekeeper.sh
      code:
        - engine: K8sNativeValidation
          source:
            validations:
              - expression: "request.operation == 'UPDATE' || has(object.metadata.labels) && 'team' in object.metadata.labels"
                message: "pods need a team label"
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sNeedsTeam
metadata: {name: pods-need-team}
spec:
  enforcementAction: deny
  match: {kinds: [{apiGroups: [""], kinds: [Pod]}]}
"#,
    )
    .unwrap();
    let mut served = Served::start(dir.path(), &["--policy", "policies.yaml"]);
    assert_eq!(served.started["policies"], 2, "{}", served.started);
    let pod = json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "web", "namespace": "shop"},
        "spec": {"securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
                 "containers": [{"name": "app", "image": "registry.example.com/web:1.2",
                                 "securityContext": {"allowPrivilegeEscalation": false,
                                                     "readOnlyRootFilesystem": true,
                                                     "capabilities": {"drop": ["ALL"]}}}]}
    });
    let answer = served.review(
        "/validate",
        &admission_review("pol-1", ("", "Pod", "pods"), "shop", pod.clone()),
    );
    assert_eq!(answer["response"]["allowed"], false, "{answer}");
    assert_eq!(
        answer["response"]["auditAnnotations"]["no-root-from-humans.requested-by"], "jane",
        "{answer}"
    );
    let message = answer["response"]["status"]["message"].as_str().unwrap();
    assert!(
        message.contains(
            "POL:no-root-from-humans/no-root-from-humans spec.containers: user jane may only create non-root pods"
        ),
        "{message}"
    );
    assert!(
        message.contains("POL:K8sNeedsTeam/pods-need-team metadata.labels: pods need a team label"),
        "{message}"
    );
    let decision = served.next_log();
    assert!(decision["denied_by"]
        .as_array()
        .unwrap()
        .contains(&json!("POL:no-root-from-humans/no-root-from-humans")));

    // The same pod from a service account, as an UPDATE: both policies let it through.
    let mut update = admission_review("pol-2", ("", "Pod", "pods"), "shop", pod.clone());
    update["request"]["operation"] = json!("UPDATE");
    update["request"]["oldObject"] = pod;
    update["request"]["userInfo"]["username"] = json!("system:serviceaccount:ci:deployer");
    let answer = served.review("/validate", &update);
    assert_eq!(answer["response"]["allowed"], true, "{answer}");
    assert_eq!(served.stop().code(), Some(0));

    // A policy that does not load keeps the server from starting.
    std::fs::write(dir.path().join("bad.yaml"), "apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicy\nmetadata: {name: bad}\nspec:\n  validations:\n    - expression: \"object.(\"\n").unwrap();
    let out = palisade(
        dir.path(),
        &[
            "serve",
            "--tls-cert",
            "tls.crt",
            "--tls-key",
            "tls.key",
            "--listen",
            "127.0.0.1:0",
            "--policy",
            "bad.yaml",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("ValidatingAdmissionPolicy bad: validations[0] does not parse"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn rules_admission_lists_what_the_webhook_applies() {
    let dir = tempfile::tempdir().unwrap();
    let out = palisade(dir.path(), &["rules", "--admission", "-f", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let rows: Vec<Value> = serde_json::from_str(&stdout(&out)).unwrap();
    let ids: Vec<&str> = rows.iter().map(|r| r["id"].as_str().unwrap()).collect();
    for id in ["ISO003", "IMG001", "RBAC001", "SEC201"] {
        assert!(ids.contains(&id), "{id} runs at admission: {ids:?}");
    }
    let all = stdout(&palisade(dir.path(), &["rules"]));
    for id in ["NET001", "RBAC015", "IMG010", "FN001", "DEP001"] {
        assert!(all.contains(id), "{id} is a rule");
        assert!(!ids.contains(&id), "{id} does not run at admission");
    }
    let table = stdout(&palisade(dir.path(), &["rules", "--admission"]));
    assert!(
        table.contains(
            "9 need the rest of the cluster and run only with `serve --cluster`: NET001, NET002"
        ),
        "{table}"
    );
    // With --cluster, the context rules are listed too.
    let out = palisade(
        dir.path(),
        &["rules", "--admission", "--cluster", "-f", "json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let rows: Vec<Value> = serde_json::from_str(&stdout(&out)).unwrap();
    let with_cluster: Vec<&str> = rows.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(with_cluster.len(), ids.len() + 9);
    for id in ["NET001", "NET007", "RBAC014", "RBAC015", "SEC210", "ISO003"] {
        assert!(with_cluster.contains(&id), "{id} runs with --cluster");
    }
    for id in ["IMG010", "FN001"] {
        assert!(!with_cluster.contains(&id), "{id} never runs at admission");
    }
    let table = stdout(&palisade(
        dir.path(),
        &["rules", "--admission", "--cluster"],
    ));
    assert!(
        table.contains(
            "of which 9 judge the object against the server's view of the cluster: NET001"
        ),
        "{table}"
    );
}

#[test]
fn serve_reloads_a_changed_configuration_and_keeps_the_old_one_when_the_new_one_is_broken() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("palisade.toml");
    std::fs::write(&config, "[webhook.namespace_modes]\nshop = \"warn\"\n").unwrap();
    let mut served = Served::start(
        dir.path(),
        &[
            "--config",
            "palisade.toml",
            "--reload-interval",
            "1",
            "--quiet",
        ],
    );
    let privileged = privileged_pod_review("reload-1", "shop");
    let answer = served.review("/validate", &privileged);
    assert_eq!(answer["response"]["allowed"], true, "{answer}");
    assert_eq!(answer["response"]["auditAnnotations"]["mode"], "warn");

    // Requests keep flowing while the configuration changes under them: each gets a
    // decision, none an error.
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let traffic = {
        let (agent, url, body) = (
            served.agent.clone(),
            format!("{}/validate", served.base),
            privileged.to_string(),
        );
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut statuses = Vec::new();
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let mut response = agent
                    .post(&url)
                    .header("content-type", "application/json")
                    .send(body.as_str())
                    .unwrap();
                let text = response.body_mut().read_to_string().unwrap();
                statuses.push((response.status().as_u16(), text));
            }
            statuses
        })
    };

    // The namespace is enforced from now on.
    std::fs::write(&config, "[webhook]\nblock_at = \"high\"\n").unwrap();
    let reload = served.next_log();
    assert_eq!(reload["event"], "config_reload", "{reload}");
    assert_eq!(reload["ok"], true, "{reload}");
    let answer = served.review("/validate", &privileged);
    assert_eq!(answer["response"]["allowed"], false, "{answer}");

    // A broken file (half written, a typo) is logged with its file and line and the
    // previous configuration stays in service.
    std::fs::write(&config, "[webhook]\nblock_at = \"hig\n").unwrap();
    let failed = served.next_log();
    assert_eq!(failed["event"], "config_reload", "{failed}");
    assert_eq!(failed["ok"], false, "{failed}");
    let error = failed["error"].as_str().unwrap();
    assert!(
        error.contains("palisade.toml") && error.contains("line 2"),
        "{error}"
    );
    let answer = served.review("/validate", &privileged);
    assert_eq!(answer["response"]["allowed"], false, "{answer}");

    std::fs::write(&config, "\n[webhook]\nblock_at = \"severe\"\n").unwrap();
    let failed = served.next_log();
    assert_eq!(failed["ok"], false, "{failed}");
    let error = failed["error"].as_str().unwrap();
    assert!(
        error.contains("palisade.toml: line 3:") && error.contains("severe"),
        "{error}"
    );
    let answer = served.review("/validate", &privileged);
    assert_eq!(answer["response"]["allowed"], false, "{answer}");

    // Fixed: loaded again.
    std::fs::write(&config, "[webhook.namespace_modes]\nshop = \"audit\"\n").unwrap();
    assert_eq!(served.next_log()["ok"], true);
    let answer = served.review("/validate", &privileged);
    assert_eq!(answer["response"]["allowed"], true, "{answer}");
    assert_eq!(answer["response"]["auditAnnotations"]["mode"], "audit");

    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let statuses = traffic.join().unwrap();
    assert!(!statuses.is_empty());
    for (status, body) in &statuses {
        assert_eq!(*status, 200, "{body}");
        let answer: Value = serde_json::from_str(body).unwrap();
        assert_eq!(answer["response"]["uid"], "reload-1");
    }

    let (_, metrics) = served.get("/metrics");
    assert!(
        metrics.contains("palisade_webhook_reloads_total{source=\"config\",outcome=\"ok\"} 2"),
        "{metrics}"
    );
    assert!(
        metrics.contains("palisade_webhook_reloads_total{source=\"config\",outcome=\"error\"} 2"),
        "{metrics}"
    );
    assert_eq!(served.stop().code(), Some(0));
}

/// The soft limit on open files of this process (the server inherits it), from
/// /proc/self/limits; `None` where there is no such file.
fn open_files_limit() -> Option<usize> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

/// A process's peak resident memory in kB (VmHWM), on Linux.
fn peak_rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn agent_trusting(cas: &[&str]) -> ureq::Agent {
    let roots = cas
        .iter()
        .map(|pem| ureq::tls::Certificate::from_pem(pem.as_bytes()).unwrap())
        .collect();
    ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .tls_config(
                ureq::tls::TlsConfig::builder()
                    .root_certs(ureq::tls::RootCerts::Specific(Arc::new(roots)))
                    .build(),
            )
            .http_status_as_error(false)
            .timeout_global(Some(std::time::Duration::from_secs(120)))
            .build(),
    )
}

#[test]
fn serve_answers_a_thousand_concurrent_connections_while_its_certificate_is_rotated() {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    // Each connection is a descriptor in this process and one in the server's.
    let wanted = 1000;
    let connections = match open_files_limit() {
        Some(limit) if limit < wanted + 100 => {
            eprintln!(
                "open files limited to {limit} (ulimit -n): {} concurrent connections instead of {wanted}",
                limit.saturating_sub(100)
            );
            limit.saturating_sub(100).max(10)
        }
        _ => wanted,
    };
    let dir = tempfile::tempdir().unwrap();
    let mut served = Served::start(dir.path(), &["--reload-interval", "1", "--quiet"]);
    // The rotated certificate comes from a second CA; the load's clients trust both.
    let second = self_signed(&["127.0.0.1".into()]).unwrap();
    let url = format!("{}/validate", served.base);
    let pod = |privileged: bool| {
        admission_review(
            if privileged { "bad" } else { "good" },
            ("", "Pod", "pods"),
            "shop",
            json!({
                "apiVersion": "v1", "kind": "Pod",
                "metadata": {"name": "web", "namespace": "shop"},
                "spec": {"containers": [{"name": "web", "image": "nginx:1.27",
                                         "securityContext": {"privileged": privileged}}]}
            }),
        )
        .to_string()
    };
    let bodies = Arc::new([pod(false), pod(true)]);
    let answered = Arc::new(AtomicUsize::new(0));
    let rotated = Arc::new(AtomicBool::new(false));
    let start = Arc::new(std::sync::Barrier::new(connections));
    let first_ca_pem = served.ca_pem.clone();
    let second_ca_pem = second.ca_pem.clone();
    let workers: Vec<_> = (0..connections)
        .map(|i| {
            let (url, bodies, answered, rotated, start) = (
                url.clone(),
                bodies.clone(),
                answered.clone(),
                rotated.clone(),
                start.clone(),
            );
            let cas = [first_ca_pem.clone(), second_ca_pem.clone()];
            std::thread::Builder::new()
                .stack_size(256 * 1024)
                .spawn(move || {
                    let mut problems = Vec::new();
                    start.wait();
                    // New connections (a new agent each round, so a new TLS handshake)
                    // until the rotated certificate is in service.
                    loop {
                        let agent = agent_trusting(&[&cas[0], &cas[1]]);
                        for k in 0..3 {
                            let privileged = (i + k) % 2 == 1;
                            let result = agent
                                .post(&url)
                                .header("content-type", "application/json")
                                .send(bodies[privileged as usize].as_str())
                                .and_then(|mut r| {
                                    let status = r.status().as_u16();
                                    r.body_mut().read_to_string().map(|b| (status, b))
                                });
                            match result {
                                Ok((200, body)) => {
                                    let answer: Value = serde_json::from_str(&body).unwrap();
                                    if answer["response"]["allowed"] != json!(!privileged) {
                                        problems.push(format!("wrong decision: {body}"));
                                    }
                                }
                                Ok((status, body)) if (400..500).contains(&status) => {
                                    if body.trim().is_empty() {
                                        problems.push(format!("{status} without a reason"));
                                    }
                                }
                                Ok((status, body)) => problems.push(format!("{status}: {body}")),
                                Err(e) => problems.push(format!("no answer: {e}")),
                            }
                            answered.fetch_add(1, Ordering::Relaxed);
                        }
                        if rotated.load(Ordering::Relaxed) {
                            break;
                        }
                    }
                    problems
                })
                .unwrap()
        })
        .collect();

    // Rotate once the load is on: certificate first, then key, as a careless renewal
    // would; the half-written pair is not served.
    while answered.load(Ordering::Relaxed) < connections {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    std::fs::write(dir.path().join("tls.crt"), &second.cert_pem).unwrap();
    std::fs::write(dir.path().join("tls.key"), &second.key_pem).unwrap();
    loop {
        let event = served.next_log();
        if event["event"] == "certificate_reload" && event["ok"] == true {
            break;
        }
    }
    // New connections get the new certificate: a client trusting only the new CA connects.
    let only_new = agent_trusting(&[&second.ca_pem]);
    let mut response = only_new
        .post(&url)
        .header("content-type", "application/json")
        .send(bodies[0].as_str())
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert!(response
        .body_mut()
        .read_to_string()
        .unwrap()
        .contains("\"allowed\":true"));
    rotated.store(true, Ordering::Relaxed);

    let mut problems = Vec::new();
    for worker in workers {
        problems.extend(worker.join().unwrap());
    }
    let total = answered.load(Ordering::Relaxed);
    assert!(
        problems.is_empty(),
        "{} of {total} requests went wrong, first: {:?}",
        problems.len(),
        &problems[..problems.len().min(5)]
    );
    // The server is still healthy, on the new certificate only, and its memory stayed
    // bounded.
    let only_old = std::mem::replace(&mut served.agent, only_new);
    assert!(only_old
        .get(format!("{}/healthz", served.base))
        .call()
        .is_err());
    assert_eq!(served.get("/healthz").0, 200);
    if let Some(peak) = peak_rss_kb(served.child.id()) {
        eprintln!(
            "{connections} connections, {total} requests, server peak RSS {} MB",
            peak / 1024
        );
        assert!(peak < 512 * 1024, "server peak RSS {peak} kB");
    }
    let (_, metrics) = served.get("/metrics");
    assert!(
        metrics.contains("palisade_webhook_reloads_total{source=\"certificate\",outcome=\"ok\"} 1"),
        "{metrics}"
    );
    assert_eq!(served.stop().code(), Some(0));
}

#[test]
fn serve_with_cluster_takes_namespace_modes_from_their_labels_over_the_configuration() {
    let token = "webhook-token-5e1";
    let namespace = |name: &str, labels: Value| {
        (
            "namespaces".to_string(),
            json!({"apiVersion": "v1", "kind": "Namespace",
                   "metadata": {"name": name, "labels": labels}}),
        )
    };
    let api = view_server(
        token,
        vec![
            namespace("legacy", json!({"palisade.dev/warn": "true"})),
            namespace("lab", json!({"palisade.dev/enforce": "true"})),
            namespace("shop", json!({"team": "shop"})),
        ],
        |_| {},
    );
    let dir = tempfile::tempdir().unwrap();
    let kube = dir.path().join("kube");
    std::fs::create_dir(&kube).unwrap();
    let kubeconfig = api.kubeconfig(&kube, token);
    // The configuration would audit `lab` and warn in `shop`.
    std::fs::write(
        dir.path().join("palisade.toml"),
        "[webhook.namespace_modes]\nlab = \"audit\"\nshop = \"warn\"\n",
    )
    .unwrap();
    let mut served = Served::start(
        dir.path(),
        &[
            "--config",
            "palisade.toml",
            "--quiet",
            "--cluster",
            "--kubeconfig",
            kubeconfig.to_str().unwrap(),
        ],
    );
    let refreshed = served.next_log();
    assert_eq!(refreshed["event"], "cluster_view", "{refreshed}");
    assert_eq!(refreshed["ok"], true, "{refreshed}");
    assert_eq!(refreshed["namespaces"], 3);
    assert_eq!(
        refreshed["labelled"],
        json!({"lab": "enforce", "legacy": "warn"})
    );
    assert!(api
        .requests()
        .iter()
        .any(|r| r.path == "/api/v1/namespaces"));

    let privileged = |ns: &str| privileged_pod_review("labels-1", ns);
    // The label enforces where the configuration would only audit.
    let answer = served.review("/validate", &privileged("lab"));
    assert_eq!(answer["response"]["allowed"], false, "{answer}");
    // The label warns where the configuration says nothing.
    let answer = served.review("/validate", &privileged("legacy"));
    assert_eq!(answer["response"]["allowed"], true, "{answer}");
    assert_eq!(answer["response"]["auditAnnotations"]["mode"], "warn");
    assert!(!answer["response"]["warnings"]
        .as_array()
        .unwrap()
        .is_empty());
    // No label: the configuration's mode.
    let answer = served.review("/validate", &privileged("shop"));
    assert_eq!(answer["response"]["auditAnnotations"]["mode"], "warn");
    // Unknown to both: enforced.
    let answer = served.review("/validate", &privileged("other"));
    assert_eq!(answer["response"]["allowed"], false, "{answer}");
    let (_, metrics) = served.get("/metrics");
    assert!(
        metrics.contains("palisade_webhook_reloads_total{source=\"cluster\",outcome=\"ok\"}"),
        "{metrics}"
    );
    assert_eq!(served.stop().code(), Some(0));

    // A cluster that refuses the list: logged, and the configuration's modes apply.
    let refusing = view_server(token, Vec::new(), |b| {
        b.forbidden.insert("namespaces".to_string());
    });
    let kubeconfig = refusing.kubeconfig(&kube, token);
    let mut served = Served::start(
        dir.path(),
        &[
            "--config",
            "palisade.toml",
            "--quiet",
            "--cluster",
            "--kubeconfig",
            kubeconfig.to_str().unwrap(),
        ],
    );
    let refreshed = served.next_log();
    assert_eq!(refreshed["event"], "cluster_view", "{refreshed}");
    assert_eq!(refreshed["ok"], false, "{refreshed}");
    let error = refreshed["unavailable"]["Namespace"].as_str().unwrap();
    assert!(
        error.contains("list namespaces (core/v1) forbidden"),
        "{error}"
    );
    let answer = served.review("/validate", &privileged("lab"));
    assert_eq!(answer["response"]["allowed"], true, "{answer}");
    assert_eq!(answer["response"]["auditAnnotations"]["mode"], "audit");
    assert_eq!(served.stop().code(), Some(0));

    // Connection options mean nothing without --cluster.
    let out = palisade(
        dir.path(),
        &[
            "serve",
            "--tls-cert",
            "tls.crt",
            "--tls-key",
            "tls.key",
            "--context",
            "prod",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--context is an option of the cluster view: add --cluster"));
}

/// Every resource `palisade serve --cluster` lists and watches.
fn view_plurals() -> BTreeSet<String> {
    palisade_cluster::kinds_named(palisade_server::VIEW_KINDS)
        .iter()
        .map(|k| k.plural.to_string())
        .collect()
}

/// A test API server (TLS, token, lists and watches) that serves every resource of the
/// webhook's view, holding `objects`; `tweak` refuses or breaks some of them.
fn view_server(
    token: &str,
    objects: Vec<(String, Value)>,
    tweak: impl FnOnce(&mut palisade_testkit::kube_api::Behaviour),
) -> palisade_testkit::kube_api::ApiServer {
    use palisade_testkit::kube_api::{ApiServer, Behaviour};
    let mut behaviour = Behaviour {
        token: token.to_string(),
        objects,
        served_extra: view_plurals(),
        bookmark_every: std::time::Duration::from_millis(200),
        ..Behaviour::default()
    };
    tweak(&mut behaviour);
    ApiServer::start(behaviour)
}

/// `palisade serve --cluster` against `api`, with `args` before, and its first
/// `cluster_view` log line (the first listing).
fn serve_with_view(
    dir: &Path,
    api: &palisade_testkit::kube_api::ApiServer,
    token: &str,
    args: &[&str],
) -> (Served, Value) {
    let kube = dir.join("kube");
    std::fs::create_dir_all(&kube).unwrap();
    let kubeconfig = api.kubeconfig(&kube, token);
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--cluster", "--kubeconfig", kubeconfig.to_str().unwrap()]);
    let mut served = Served::start(dir, &all);
    let listed = served.next_log();
    assert_eq!(listed["event"], "cluster_view", "{listed}");
    (served, listed)
}

/// Reviews `review` again until `done` holds of the answer, as a change on the API server
/// reaches the webhook through its watch: at most 600 tries, 100 ms apart.
fn review_until(served: &Served, review: &Value, done: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..600 {
        let answer = served.review("/validate", review);
        if done(&answer) {
            return answer;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("the webhook's view never caught up with the API server");
}

/// A Deployment that passes every single-object rule, with `pod` merged into its pod spec.
fn compliant_deployment(namespace: &str, name: &str, pod: Value) -> Value {
    let mut spec = json!({
        "automountServiceAccountToken": false,
        "securityContext": {"runAsNonRoot": true, "runAsUser": 10001, "runAsGroup": 10001,
                            "seccompProfile": {"type": "RuntimeDefault"}},
        "containers": [{
            "name": "app",
            "image": "registry.example.com/shop/web@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "securityContext": {"allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true,
                                "capabilities": {"drop": ["ALL"]}},
            "resources": {"limits": {"cpu": "500m", "memory": "256Mi"},
                          "requests": {"cpu": "100m", "memory": "128Mi"}},
            "livenessProbe": {"httpGet": {"path": "/healthz", "port": 8080}},
            "readinessProbe": {"httpGet": {"path": "/healthz", "port": 8080}}
        }]
    });
    for (key, value) in pod.as_object().unwrap() {
        spec[key] = value.clone();
    }
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": name, "namespace": namespace, "labels": {"app": name}},
        "spec": {"replicas": 2, "selector": {"matchLabels": {"app": name}},
                 "template": {"metadata": {"labels": {"app": name}}, "spec": spec}}
    })
}

fn default_deny(namespace: &str) -> Value {
    json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
           "metadata": {"name": "default-deny", "namespace": namespace},
           "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}})
}

fn strings(value: &Value) -> Vec<&str> {
    value
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

#[test]
fn serve_with_cluster_denies_a_workload_in_a_namespace_without_network_policy_until_one_is_watched_in(
) {
    let token = "view-token-net";
    let api = view_server(
        token,
        vec![(
            "namespaces".into(),
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}}),
        )],
        |_| {},
    );
    let dir = tempfile::tempdir().unwrap();
    let (served, listed) = serve_with_view(dir.path(), &api, token, &["--deny-on", "medium"]);
    assert_eq!(listed["ok"], true, "{listed}");
    assert_eq!(listed["objects"], 1, "{listed}");
    let web = admission_review(
        "net-1",
        ("apps", "Deployment", "deployments"),
        "shop",
        compliant_deployment("shop", "web", json!({})),
    );
    let answer = served.review("/validate", &web);
    assert_eq!(answer["response"]["allowed"], false, "{answer}");
    let message = answer["response"]["status"]["message"].as_str().unwrap();
    assert!(
        message.contains(
            "NET001: namespace shop has no NetworkPolicy, so its workloads (Deployment/shop/web)"
        ),
        "{message}"
    );
    assert_eq!(
        answer["response"]["auditAnnotations"]["denied-by"],
        "NET001"
    );

    // A default-deny policy created on the API server reaches the webhook by its watch.
    api.put("networkpolicies", default_deny("shop"));
    let answer = review_until(&served, &web, |a| a["response"]["allowed"] == true);
    // It came by a watch from the list's version.
    let requests = api.requests();
    assert!(requests
        .iter()
        .any(|r| r.path == "/apis/networking.k8s.io/v1/networkpolicies"
            && r.query.contains_key("watch")));

    assert!(
        strings(&answer["response"]["warnings"]).is_empty(),
        "{answer}"
    );
    assert!(answer["response"]["auditAnnotations"]
        .get("not-evaluated")
        .is_none());

    // Deleted again: denied again.
    assert!(api.remove("networkpolicies", Some("shop"), "default-deny"));
    let answer = review_until(&served, &web, |a| a["response"]["allowed"] == false);
    assert_eq!(
        answer["response"]["auditAnnotations"]["denied-by"],
        "NET001"
    );

    // A policy under review that selects no workload of the view.
    api.put(
        "deployments",
        compliant_deployment("shop", "web", json!({})),
    );
    let stray = json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
        "metadata": {"name": "stray", "namespace": "shop"},
        "spec": {"podSelector": {"matchLabels": {"app": "webb"}}, "policyTypes": ["Ingress"]}});
    let stray = admission_review(
        "net-2",
        ("networking.k8s.io", "NetworkPolicy", "networkpolicies"),
        "shop",
        stray,
    );
    // Once the watch brings the Deployment in, the policy selects none of its pods.
    let answer = review_until(&served, &stray, |a| {
        !strings(&a["response"]["warnings"]).is_empty()
    });
    assert_eq!(answer["response"]["allowed"], true, "{answer}");
    let warnings = strings(&answer["response"]["warnings"]);
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with("NET009: NetworkPolicy/shop/stray selects pods")),
        "{warnings:?}"
    );
    let (_, metrics) = served.get("/metrics");
    assert!(
        metrics.contains("palisade_webhook_reloads_total{source=\"cluster\",outcome=\"ok\"}"),
        "{metrics}"
    );
    assert_eq!(served.stop().code(), Some(0));
}

#[test]
fn serve_with_cluster_judges_service_account_permissions_and_bindings_to_missing_roles() {
    let token = "view-token-rbac";
    let api = view_server(
        token,
        vec![
            (
                "namespaces".into(),
                json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "ci"}}),
            ),
            (
                "serviceaccounts".into(),
                json!({"apiVersion": "v1", "kind": "ServiceAccount",
                       "metadata": {"name": "deployer", "namespace": "ci"}}),
            ),
            (
                "clusterrolebindings".into(),
                json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
                       "metadata": {"name": "deployer-admin"},
                       "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole",
                                   "name": "cluster-admin"},
                       "subjects": [{"kind": "ServiceAccount", "name": "deployer", "namespace": "ci"}]}),
            ),
            ("networkpolicies".into(), default_deny("ci")),
        ],
        |_| {},
    );
    let dir = tempfile::tempdir().unwrap();
    let (served, listed) = serve_with_view(dir.path(), &api, token, &[]);
    assert_eq!(listed["ok"], true, "{listed}");

    let runner = |account: &str| {
        admission_review(
            "rbac-1",
            ("apps", "Deployment", "deployments"),
            "ci",
            compliant_deployment(
                "ci",
                "runner",
                json!({"serviceAccountName": account, "automountServiceAccountToken": true}),
            ),
        )
    };
    let answer = served.review("/validate", &runner("deployer"));
    assert_eq!(answer["response"]["allowed"], false, "{answer}");
    let message = answer["response"]["status"]["message"].as_str().unwrap();
    assert!(
        message.contains("RBAC014: Deployment/ci/runner runs as ServiceAccount ci/deployer with its token mounted; the account can act as cluster-admin"),
        "{message}"
    );
    // An account without permissions: admitted.
    let answer = served.review("/validate", &runner("builder"));
    assert_eq!(answer["response"]["allowed"], true, "{answer}");

    // The binding is removed from the cluster: the same Deployment is admitted.
    assert!(api.remove("clusterrolebindings", None, "deployer-admin"));
    review_until(&served, &runner("deployer"), |a| {
        a["response"]["allowed"] == true
    });

    // A RoleBinding to a Role that does not exist (yet) is a warning; once the Role is
    // created, it is not.
    let binding = admission_review(
        "rbac-2",
        ("rbac.authorization.k8s.io", "RoleBinding", "rolebindings"),
        "ci",
        json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
               "metadata": {"name": "read-pods", "namespace": "ci"},
               "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "pod-reader"},
               "subjects": [{"kind": "ServiceAccount", "name": "deployer", "namespace": "ci"}]}),
    );
    let answer = served.review("/validate", &binding);
    assert_eq!(answer["response"]["allowed"], true, "{answer}");
    let warnings = strings(&answer["response"]["warnings"]);
    assert!(
        warnings.iter().any(|w| w.starts_with(
            "RBAC015: RoleBinding/ci/read-pods refers to Role pod-reader in namespace ci"
        )),
        "{warnings:?}"
    );
    api.put(
        "roles",
        json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
               "metadata": {"name": "pod-reader", "namespace": "ci"},
               "rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list"]}]}),
    );
    review_until(&served, &binding, |a| {
        !strings(&a["response"]["warnings"])
            .iter()
            .any(|w| w.starts_with("RBAC015"))
    });

    // Once the account may read every Secret of its namespace, a workload that mounts none
    // of them is warned (SEC210, medium); without its token mounted, it is not.
    api.put(
        "roles",
        json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
               "metadata": {"name": "secret-reader", "namespace": "ci"},
               "rules": [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "list"]}]}),
    );
    api.put(
        "rolebindings",
        json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
               "metadata": {"name": "read-secrets", "namespace": "ci"},
               "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "secret-reader"},
               "subjects": [{"kind": "ServiceAccount", "name": "deployer", "namespace": "ci"}]}),
    );
    let answer = review_until(&served, &runner("deployer"), |a| {
        strings(&a["response"]["warnings"])
            .iter()
            .any(|w| w.starts_with("SEC210"))
    });
    // (RBAC014, high, denies it as well: its token can read Secrets.)
    assert_eq!(
        answer["response"]["auditAnnotations"]["denied-by"], "RBAC014",
        "{answer}"
    );
    assert!(
        strings(&answer["response"]["warnings"]).contains(
            &"SEC210: Deployment/ci/runner (ServiceAccount ci/deployer) can read every Secret of namespace ci through the API but mounts none"
        ),
        "{answer}"
    );
    let mut tokenless = runner("deployer");
    tokenless["request"]["object"]["spec"]["template"]["spec"]["automountServiceAccountToken"] =
        json!(false);
    let answer = served.review("/validate", &tokenless);
    assert!(
        !strings(&answer["response"]["warnings"])
            .iter()
            .any(|w| w.starts_with("SEC210")),
        "{answer}"
    );
    assert_eq!(served.stop().code(), Some(0));
}

#[test]
fn serve_with_cluster_names_a_kind_it_may_not_read_and_does_not_evaluate_the_rules_that_need_it() {
    let token = "view-token-forbidden";
    let api = view_server(
        token,
        vec![(
            "namespaces".into(),
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}}),
        )],
        |b| {
            b.forbidden.insert("networkpolicies".into());
            b.unwatchable.insert("roles".into());
        },
    );
    let dir = tempfile::tempdir().unwrap();
    let (mut served, listed) = serve_with_view(dir.path(), &api, token, &["--deny-on", "medium"]);
    assert_eq!(listed["ok"], false, "{listed}");
    let reason = listed["unavailable"]["NetworkPolicy"].as_str().unwrap();
    assert!(
        reason.contains(
            "list networkpolicies (networking.k8s.io/v1) in all namespaces forbidden: Palisade needs list on networkpolicies.networking.k8s.io"
        ),
        "{reason}"
    );
    let withheld = strings(&listed["not_evaluated"]);
    assert_eq!(
        withheld,
        ["NET001", "NET002", "NET003", "NET007", "NET008", "NET009"]
    );

    // The Deployment is neither denied nor passed on NET001: the rule was not evaluated,
    // and the answer says so. The other rules still judge.
    let web = compliant_deployment("shop", "web", json!({}));
    let answer = served.review(
        "/validate",
        &admission_review(
            "forbidden-1",
            ("apps", "Deployment", "deployments"),
            "shop",
            web,
        ),
    );
    assert_eq!(answer["response"]["allowed"], true, "{answer}");
    // (RBAC014 and RBAC015 join them once the refused watch of Roles below is seen.)
    let withheld = answer["response"]["auditAnnotations"]["not-evaluated"]
        .as_str()
        .unwrap();
    assert!(
        withheld.starts_with("NET001,NET002,NET003,NET007,NET008,NET009"),
        "{answer}"
    );
    let mut privileged = compliant_deployment("shop", "debug", json!({}));
    privileged["spec"]["template"]["spec"]["containers"][0]["securityContext"]["privileged"] =
        json!(true);
    let answer = served.review(
        "/validate",
        &admission_review(
            "forbidden-2",
            ("apps", "Deployment", "deployments"),
            "shop",
            privileged,
        ),
    );
    assert_eq!(answer["response"]["allowed"], false, "{answer}");

    // Roles may be listed but not watched: once the watch is refused, the rules that read
    // Roles are withheld too, with the reason logged.
    let unfollowed = loop {
        let line = served.next_log();
        if line["event"] == "cluster_view" && line["unavailable"].get("Role").is_some() {
            break line;
        }
    };
    let reason = unfollowed["unavailable"]["Role"].as_str().unwrap();
    assert!(
        reason.contains("Palisade needs watch on roles.rbac.authorization.k8s.io"),
        "{reason}"
    );
    assert!(strings(&unfollowed["not_evaluated"]).contains(&"RBAC015"));
    let (_, metrics) = served.get("/metrics");
    assert!(
        metrics.contains("palisade_webhook_rules_not_evaluated_total{rule=\"NET001\"} 2"),
        "{metrics}"
    );
    assert_eq!(served.stop().code(), Some(0));
}

/// The kubectl to run: $PALISADE_KUBECTL, else `kubectl` on the PATH, if it answers.
pub(crate) fn kubectl() -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PALISADE_KUBECTL")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| "kubectl".into());
    Command::new(&path)
        .args(["version", "--client"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|_| path)
}

/// `kubectl apply --dry-run=client --validate=false -f file` with `kubeconfig` and
/// `home` as HOME. No OpenAPI schema (offline): kubectl decodes every document, maps its
/// kind to a resource of the right scope and says whether it would be created.
pub(crate) fn kubectl_dry_run(
    kubectl: &Path,
    kubeconfig: &Path,
    home: &Path,
    file: &Path,
) -> std::process::Output {
    Command::new(kubectl)
        .env("KUBECONFIG", kubeconfig)
        .env("HOME", home)
        .args(["apply", "--dry-run=client", "--validate=false", "-f"])
        .arg(file)
        .output()
        .unwrap()
}

/// The dry run succeeded and would create each of the `documents`.
pub(crate) fn assert_dry_run_creates(applied: &std::process::Output, documents: usize, what: &str) {
    let text = String::from_utf8_lossy(&applied.stdout);
    assert!(
        applied.status.success(),
        "kubectl apply {what}: {}\n{text}",
        String::from_utf8_lossy(&applied.stderr)
    );
    assert_eq!(
        text.lines()
            .filter(|l| l.ends_with("created (dry run)"))
            .count(),
        documents,
        "{text}"
    );
}

/// The API groups, versions and resources (plural, kind, namespaced) of the kinds
/// `webhook manifests` writes, as a Kubernetes 1.3x API server with cert-manager installed
/// serves them.
/// (plural, kind, namespaced)
type ApiResource = (&'static str, &'static str, bool);

const DISCOVERY: &[(&str, &str, &[ApiResource])] = &[
    (
        "",
        "v1",
        &[
            ("namespaces", "Namespace", false),
            ("serviceaccounts", "ServiceAccount", true),
            ("secrets", "Secret", true),
            ("services", "Service", true),
            ("configmaps", "ConfigMap", true),
        ],
    ),
    ("apps", "v1", &[("deployments", "Deployment", true)]),
    (
        "rbac.authorization.k8s.io",
        "v1",
        &[
            ("clusterroles", "ClusterRole", false),
            ("clusterrolebindings", "ClusterRoleBinding", false),
        ],
    ),
    (
        "networking.k8s.io",
        "v1",
        &[("networkpolicies", "NetworkPolicy", true)],
    ),
    (
        "policy",
        "v1",
        &[("poddisruptionbudgets", "PodDisruptionBudget", true)],
    ),
    (
        "admissionregistration.k8s.io",
        "v1",
        &[
            (
                "validatingwebhookconfigurations",
                "ValidatingWebhookConfiguration",
                false,
            ),
            (
                "mutatingwebhookconfigurations",
                "MutatingWebhookConfiguration",
                false,
            ),
        ],
    ),
    (
        "cert-manager.io",
        "v1",
        &[
            ("certificates", "Certificate", true),
            ("issuers", "Issuer", true),
        ],
    ),
];

/// The answer of an API server that knows the kinds of [`DISCOVERY`] and holds no object:
/// what `kubectl apply --dry-run=client` needs to map each document to its resource and
/// find that it would be created.
fn discovery_answer(path: &str) -> (u16, Value) {
    let path = path.split('?').next().unwrap_or(path);
    if path == "/api" {
        return (200, json!({"kind": "APIVersions", "versions": ["v1"]}));
    }
    if path == "/apis" {
        let groups: Vec<Value> = DISCOVERY
            .iter()
            .filter(|(g, _, _)| !g.is_empty())
            .map(|(g, v, _)| {
                let gv = json!({"groupVersion": format!("{g}/{v}"), "version": v});
                json!({"name": g, "versions": [gv], "preferredVersion": gv})
            })
            .collect();
        return (
            200,
            json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}),
        );
    }
    for (group, version, resources) in DISCOVERY {
        let group_version = if group.is_empty() {
            format!("/api/{version}")
        } else {
            format!("/apis/{group}/{version}")
        };
        if path == group_version {
            let resources: Vec<Value> = resources
                .iter()
                .map(|(plural, kind, namespaced)| {
                    json!({"name": plural, "singularName": "", "namespaced": namespaced,
                           "kind": kind, "verbs": ["create", "delete", "get", "list", "patch", "update"]})
                })
                .collect();
            let gv = group_version
                .trim_start_matches("/api/")
                .trim_start_matches("/apis/");
            return (
                200,
                json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv,
                       "resources": resources}),
            );
        }
    }
    (
        404,
        json!({"kind": "Status", "apiVersion": "v1", "status": "Failure",
               "message": format!("{path} not found"), "reason": "NotFound", "code": 404}),
    )
}

/// A plain-HTTP API server on 127.0.0.1 answering [`discovery_answer`]; it lives as long
/// as the test process.
fn discovery_server() -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let mut stream = stream;
                let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(10)));
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && head.len() < 65536 {
                    match stream.read(&mut byte) {
                        Ok(1) => head.push(byte[0]),
                        _ => return,
                    }
                }
                let head = String::from_utf8_lossy(&head);
                let path = head.split_whitespace().nth(1).unwrap_or("/");
                let (status, body) = discovery_answer(path);
                let body = body.to_string();
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            });
        }
    });
    format!("http://{addr}")
}

#[test]
fn webhook_manifests_pass_kubectl_apply_dry_run() {
    let Some(kubectl) = kubectl() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "kubectl not found (.ci/install.d/45-kubectl.sh installs it; required when CI is set)"
        );
        eprintln!("SKIP kubectl apply --dry-run=client: kubectl not found (.ci/install.d/45-kubectl.sh installs it)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let server = discovery_server();
    let kubeconfig = dir.path().join("kubeconfig");
    std::fs::write(
        &kubeconfig,
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: offline\n  cluster:\n    server: {server}\nusers:\n- name: nobody\n  user: {{}}\ncontexts:\n- name: offline\n  context:\n    cluster: offline\n    user: nobody\ncurrent-context: offline\n"
        ),
    )
    .unwrap();
    for args in [
        &["--namespace", "team-sec"][..],
        &[
            "--mutating",
            "--cert-manager",
            "--failure-policy",
            "ignore",
            "--cluster-view",
        ][..],
    ] {
        let out = palisade(dir.path(), &[&["webhook", "manifests"][..], args].concat());
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let file = dir.path().join("webhook.yaml");
        std::fs::write(&file, stdout(&out)).unwrap();
        let documents = kinds(&stdout(&out)).len();
        // No OpenAPI schema offline (--validate=false): kubectl decodes every document, maps
        // its kind to a resource of the right scope and finds it would be created. Fields
        // are held to the API's schema in `manifests_schema.rs`.
        let applied = kubectl_dry_run(&kubectl, &kubeconfig, dir.path(), &file);
        assert_dry_run_creates(&applied, documents, &format!("{args:?}"));
    }
    // The check is real: a kind the API does not serve is refused.
    let file = dir.path().join("typo.yaml");
    std::fs::write(
        &file,
        "apiVersion: apps/v1\nkind: Deploymnet\nmetadata:\n  name: web\n",
    )
    .unwrap();
    let applied = kubectl_dry_run(&kubectl, &kubeconfig, dir.path(), &file);
    assert!(!applied.status.success());
    let error = String::from_utf8_lossy(&applied.stderr);
    assert!(error.contains("Deploymnet"), "{error}");
}

/// A Gatekeeper CEL template and constraint that deny pods without the label `label`.
fn label_policy(label: &str) -> String {
    format!(
        r#"apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata: {{name: k8sneedslabel}}
spec:
  crd: {{spec: {{names: {{kind: K8sNeedsLabel}}}}}}
  targets:
    - target: admission.k8s.gatekeeper.sh
      code:
        - engine: K8sNativeValidation
          source:
            validations:
              - expression: "has(object.metadata.labels) && '{label}' in object.metadata.labels"
                message: "pods need a {label} label"
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sNeedsLabel
metadata: {{name: pods-need-label}}
spec:
  enforcementAction: deny
  match: {{kinds: [{{apiGroups: [""], kinds: [Pod]}}]}}
"#
    )
}

#[test]
fn serve_reloads_changed_policy_files_named_by_the_configuration() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("policies")).unwrap();
    let policy = dir.path().join("policies/labels.yaml");
    std::fs::write(&policy, label_policy("team")).unwrap();
    std::fs::write(
        dir.path().join("palisade.toml"),
        "[webhook]\npolicies = [\"policies/labels.yaml\"]\n",
    )
    .unwrap();
    let mut served = Served::start(
        dir.path(),
        &[
            "--config",
            "palisade.toml",
            "--reload-interval",
            "1",
            "--quiet",
        ],
    );
    let pod = admission_review(
        "policy-reload",
        ("", "Pod", "pods"),
        "shop",
        json!({"apiVersion": "v1", "kind": "Pod",
               "metadata": {"name": "web", "namespace": "shop"},
               "spec": {"containers": [{"name": "app", "image": "registry.example.com/web:1.2"}]}}),
    );
    let message = |served: &Served| {
        let answer = served.review("/validate", &pod);
        answer["response"]["status"]["message"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    assert!(message(&served).contains("pods need a team label"));

    std::fs::write(&policy, label_policy("owner")).unwrap();
    let reload = served.next_log();
    assert_eq!(reload["ok"], true, "{reload}");
    let now = message(&served);
    assert!(
        now.contains("pods need a owner label") && !now.contains("team"),
        "{now}"
    );

    // A policy that does not load keeps the policies in service.
    std::fs::write(&policy, "kind: ConstraintTemplate\nspec: [\n").unwrap();
    let failed = served.next_log();
    assert_eq!(failed["ok"], false, "{failed}");
    assert!(
        failed["error"].as_str().unwrap().contains("labels.yaml"),
        "{failed}"
    );
    assert!(message(&served).contains("pods need a owner label"));
    assert_eq!(served.stop().code(), Some(0));
}

/// Decision latency and the server's peak memory with a cluster view of
/// `PALISADE_BENCH_NAMESPACES` namespaces (default 1,000), each with a Deployment, its
/// Service, a default-deny NetworkPolicy, a ServiceAccount, a Role and a RoleBinding:
/// `cargo test -p palisade-cli --test integration -- --ignored --nocapture webhook::bench_serve_with_cluster_view`
/// prints the figures (a measurement, not a timed assertion).
#[test]
#[ignore = "a measurement, run by hand"]
fn bench_serve_with_cluster_view() {
    let namespaces: usize = std::env::var("PALISADE_BENCH_NAMESPACES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1000);
    let mut objects: Vec<(String, Value)> = Vec::new();
    for i in 0..namespaces {
        let ns = format!("team-{i}");
        objects.push((
            "namespaces".into(),
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}),
        ));
        objects.push((
            "deployments".into(),
            compliant_deployment(&ns, "api", json!({"serviceAccountName": "api"})),
        ));
        objects.push((
            "services".into(),
            json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "api", "namespace": ns},
                   "spec": {"selector": {"app": "api"}, "ports": [{"port": 80}]}}),
        ));
        objects.push(("networkpolicies".into(), default_deny(&ns)));
        objects.push((
            "serviceaccounts".into(),
            json!({"apiVersion": "v1", "kind": "ServiceAccount",
                   "metadata": {"name": "api", "namespace": ns}}),
        ));
        objects.push((
            "roles".into(),
            json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
                   "metadata": {"name": "api", "namespace": ns},
                   "rules": [{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get"]}]}),
        ));
        objects.push((
            "rolebindings".into(),
            json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
                   "metadata": {"name": "api", "namespace": ns},
                   "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "api"},
                   "subjects": [{"kind": "ServiceAccount", "name": "api", "namespace": ns}]}),
        ));
    }
    let token = "bench-view";
    let api = view_server(token, objects, |_| {});
    let dir = tempfile::tempdir().unwrap();
    let (served, listed) = serve_with_view(dir.path(), &api, token, &["--quiet"]);
    assert_eq!(listed["ok"], true, "{listed}");
    let web = compliant_deployment("team-0", "web", json!({"serviceAccountName": "api"}));
    // A workload serving a database port may be reachable from other namespaces (NET008):
    // it is judged against every namespace's policies and workloads. One declaring a web
    // port is judged against its own namespace, like one declaring none.
    let with_port = |name: &str, port: u16| {
        let mut deployment =
            compliant_deployment("team-0", name, json!({"serviceAccountName": "api"}));
        deployment["spec"]["template"]["spec"]["containers"][0]["ports"] =
            json!([{"name": "port", "containerPort": port}]);
        deployment
    };
    let listening = with_port("web-8080", 8080);
    let database = with_port("db", 5432);
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1e3;
    for (what, object) in [
        ("Deployment", web),
        ("Deployment declaring port 8080", listening),
        ("Deployment serving PostgreSQL (5432)", database),
    ] {
        let review = admission_review(
            "bench-1",
            ("apps", "Deployment", "deployments"),
            "team-0",
            object,
        );
        let mut times = Vec::new();
        for _ in 0..200 {
            let started = std::time::Instant::now();
            let answer = served.review("/validate", &review);
            times.push(started.elapsed());
            assert_eq!(answer["response"]["allowed"], true, "{answer}");
        }
        times.sort();
        println!(
            "serve --cluster: {} objects in view; 200 reviews of a {what} over HTTPS: p50 {:.2} ms, p99 {:.2} ms",
            listed["objects"],
            ms(times[100]),
            ms(times[197]),
        );
    }
    println!(
        "serve --cluster: server peak RSS {} MB",
        peak_rss_kb(served.child.id()).map_or("?".into(), |kb| (kb / 1024).to_string())
    );
}

/// A README scenario block split into its `palisade serve` command's arguments after the
/// certificate options (which `Served::start` gives, with a loopback address of its own),
/// the lines shown under that command, and the block's other commands with theirs.
struct ServeScenario {
    args: Vec<String>,
    shown: Vec<String>,
    commands: Vec<(String, Vec<String>)>,
}

impl ServeScenario {
    fn of(name: &str) -> ServeScenario {
        let mut scenario = ServeScenario::of_lines(name);
        assert!(
            !scenario.commands.is_empty(),
            "scenario {name} has no command"
        );
        let (first, shown) = scenario.commands.remove(0);
        let serve = first
            .strip_prefix("palisade serve --tls-cert tls.crt --tls-key tls.key")
            .unwrap_or_else(|| panic!("scenario {name} starts with `$ palisade serve`: {first}"));
        scenario.args = serve.split_whitespace().map(str::to_string).collect();
        scenario.shown = shown;
        scenario
    }

    /// A block of the same server's lines without its command (the README says which
    /// command printed them).
    fn of_lines(name: &str) -> ServeScenario {
        let mut scenario = ServeScenario {
            args: Vec::new(),
            shown: Vec::new(),
            commands: Vec::new(),
        };
        for line in crate::readme::readme_scenario(name) {
            if let Some(command) = line.strip_prefix("$ ") {
                scenario.commands.push((command.to_string(), Vec::new()));
            } else if let Some((_, shown)) = scenario.commands.last_mut() {
                shown.push(line);
            } else {
                scenario.shown.push(line);
            }
        }
        scenario
    }

    /// Runs the block's `curl` command against `served` (the README's address replaced by
    /// the server's, its `ca.crt` written beside) and compares what it prints.
    fn check_curl(&self, served: &Served, dir: &Path, index: usize) {
        let (command, shown) = &self.commands[index];
        assert!(command.starts_with("curl "), "{command}");
        std::fs::write(dir.join("ca.crt"), &served.ca_pem).unwrap();
        let addr = served.started["addr"].as_str().unwrap();
        let command = command
            .split_whitespace()
            .map(|w| match w.strip_prefix("https://") {
                Some(rest) => format!("https://{addr}/{}", rest.split_once('/').unwrap().1),
                None => w.to_string(),
            })
            .collect::<Vec<_>>()
            .join(" ");
        let out = Command::new("sh")
            .args(["-c", &command])
            .current_dir(dir)
            .output()
            .expect("curl runs");
        let printed: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_string)
            .collect();
        crate::readme::assert_printed_as_shown(&command, shown, &printed);
    }
}

/// The count of a metric line `name` in the server's `/metrics`, 0 when absent.
fn metric(served: &Served, name: &str) -> f64 {
    let (_, metrics) = served.get("/metrics");
    metrics
        .lines()
        .find_map(|l| l.strip_prefix(name)?.trim().parse().ok())
        .unwrap_or(0.0)
}

/// The README's reload example: the server started with its command, the configuration
/// broken and then fixed under it, and its `curl` of the reload counters.
#[test]
fn readme_scenario_serve_reload_is_what_the_server_prints() {
    let scenario = ServeScenario::of("serve-reload");
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("palisade.toml");
    std::fs::write(&config, "[webhook]\nblock_at = \"high\"\n").unwrap();
    let args: Vec<&str> = scenario.args.iter().map(String::as_str).collect();
    let mut served = Served::start(dir.path(), &args);
    let mut printed = vec![served.started.to_string()];
    std::fs::write(&config, "[webhook]\nblock_at = \"medium\n").unwrap();
    printed.push(served.next_log().to_string());
    std::fs::write(&config, "[webhook]\nblock_at = \"medium\"\n").unwrap();
    printed.push(served.next_log().to_string());
    crate::readme::assert_printed_as_shown("palisade serve", &scenario.shown, &printed);
    scenario.check_curl(&served, dir.path(), 0);
    assert_eq!(served.stop().code(), Some(0));
}

/// The README's cluster-view examples: a Deployment sent into a namespace without a
/// NetworkPolicy is denied, admitted once a default-deny policy reaches the view by its
/// watch (the log lines and the first answer's `response`), and admitted with the network
/// rules marked not evaluated when the service account may not list NetworkPolicies.
#[test]
fn readme_scenario_serve_cluster_view_is_what_the_server_prints() {
    let scenario = ServeScenario::of("serve-cluster-view");
    let token = "readme-view-token";
    let shop = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}});
    let web = admission_review(
        "705f8d3e-1",
        ("apps", "Deployment", "deployments"),
        "shop",
        compliant_deployment("shop", "web", json!({})),
    );
    let start = |api: &palisade_testkit::kube_api::ApiServer, dir: &Path| {
        let kube = dir.join("kube");
        std::fs::create_dir_all(&kube).unwrap();
        api.kubeconfig(&kube, token);
        let args: Vec<&str> = scenario.args.iter().map(String::as_str).collect();
        let mut served = Served::start(dir, &args);
        let listed = served.next_log();
        (served, listed)
    };

    let api = view_server(token, vec![("namespaces".into(), shop.clone())], |_| {});
    let dir = tempfile::tempdir().unwrap();
    let (mut served, listed) = start(&api, dir.path());
    let mut printed = vec![served.started.to_string(), listed.to_string()];
    let denied = served.review("/validate", &web);
    printed.push(served.next_log().to_string());
    let before = metric(
        &served,
        "palisade_webhook_reloads_total{source=\"cluster\",outcome=\"ok\"}",
    );
    api.put("networkpolicies", default_deny("shop"));
    let until = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while metric(
        &served,
        "palisade_webhook_reloads_total{source=\"cluster\",outcome=\"ok\"}",
    ) <= before
    {
        assert!(
            std::time::Instant::now() < until,
            "the policy never reached the view"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    served.review("/validate", &web);
    printed.push(served.next_log().to_string());
    crate::readme::assert_printed_as_shown("palisade serve --cluster", &scenario.shown, &printed);
    assert_eq!(served.stop().code(), Some(0));

    // The first answer's `response`, as the README prints it.
    let shown = crate::readme::readme_scenario("serve-cluster-view-response");
    let shown: Value = serde_json::from_str(&shown.join("\n")).unwrap();
    assert_eq!(denied["response"], shown, "{denied}");

    // A service account that may not list NetworkPolicies.
    let forbidden = ServeScenario::of_lines("serve-cluster-view-forbidden");
    let api = view_server(token, vec![("namespaces".into(), shop)], |b| {
        b.forbidden.insert("networkpolicies".into());
    });
    let dir = tempfile::tempdir().unwrap();
    let (mut served, listed) = start(&api, dir.path());
    served.review("/validate", &web);
    let printed = vec![listed.to_string(), served.next_log().to_string()];
    crate::readme::assert_printed_as_shown("palisade serve --cluster", &forbidden.shown, &printed);
    forbidden.check_curl(&served, dir.path(), 0);
    assert_eq!(served.stop().code(), Some(0));
}
