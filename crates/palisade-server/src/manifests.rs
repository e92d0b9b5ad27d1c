//! `palisade webhook manifests`: everything a cluster needs to send its admission requests
//! to `palisade serve` — Namespace, ServiceAccount, Deployment, Service, NetworkPolicy,
//! PodDisruptionBudget and the ValidatingWebhookConfiguration (and, when asked, the
//! MutatingWebhookConfiguration of `/mutate`) — with the serving
//! certificate either generated here (a self-signed CA, its `caBundle` in the webhook
//! configuration, the key pair in a `kubernetes.io/tls` Secret) or left to cert-manager
//! (an Issuer, a Certificate and the CA injector's annotation).
//!
//! The webhook is fail-closed (`failurePolicy: Fail`): while no replica answers within
//! `timeoutSeconds`, creating or updating the judged kinds outside the exempt namespaces is
//! refused. Two replicas and a PodDisruptionBudget keep one answering through node drains;
//! `--failure-policy ignore` admits requests unjudged instead. The mutating webhook, when
//! written, has the same policy: while it is down, Pods and workloads outside the exempt
//! namespaces are refused (`Fail`) or stored without the defaults (`Ignore`).

use base64::Engine as _;
use serde_json::{json, Value};

use crate::ServerError;

/// Where the serving certificate comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertSource {
    /// A CA and serving certificate generated now, written as a Secret.
    SelfSigned,
    /// cert-manager issues the certificate and injects the CA bundle.
    CertManager,
}

/// What the cluster does with a request the webhook cannot answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailurePolicy {
    /// Refuse it (fail closed).
    Fail,
    /// Admit it unjudged (fail open).
    Ignore,
}

/// How the manifests are written.
#[derive(Debug, Clone)]
pub struct ManifestOptions {
    pub namespace: String,
    /// Name of every object (and of the Service the API server calls).
    pub name: String,
    pub image: String,
    pub certificates: CertSource,
    pub failure_policy: FailurePolicy,
    /// How long the API server waits for an answer (1 to 30 s).
    pub timeout_seconds: u8,
    pub replicas: u32,
    /// Also a MutatingWebhookConfiguration, and the server started with `--mutate`.
    pub mutating: bool,
    /// The server started with `--cluster` (context rules and namespace modes from labels):
    /// a ClusterRole that may list and watch what the server reads
    /// ([`crate::cluster::VIEW_KINDS`]) and nothing else, the service account's token in the
    /// pod, and egress to the API server.
    pub cluster_view: bool,
}

impl ManifestOptions {
    pub fn new(namespace: &str) -> ManifestOptions {
        ManifestOptions {
            namespace: namespace.to_string(),
            name: "palisade-webhook".into(),
            image: format!("ghcr.io/palisade/palisade:{}", env!("CARGO_PKG_VERSION")),
            certificates: CertSource::SelfSigned,
            failure_policy: FailurePolicy::Fail,
            timeout_seconds: 5,
            replicas: 2,
            mutating: false,
            cluster_view: false,
        }
    }
}

/// A certificate authority and a serving certificate it signed, in PEM.
pub struct SelfSigned {
    pub ca_pem: String,
    pub cert_pem: String,
    pub key_pem: String,
}

/// The current year, from the clock (for certificate validity; a day off does not matter).
fn this_year() -> i32 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    1970 + (secs / 31_556_952) as i32
}

/// Generates a CA (valid ten years) and a certificate for `names` (DNS names or IP
/// addresses) it signed (valid five years), both ECDSA P-256.
pub fn self_signed(names: &[String]) -> Result<SelfSigned, ServerError> {
    use rcgen::{
        date_time_ymd, BasicConstraints, CertificateParams, CertifiedIssuer, DnType,
        ExtendedKeyUsagePurpose, IsCa, KeyPair, KeyUsagePurpose,
    };
    let err = |e: rcgen::Error| ServerError::Certificate(e.to_string());
    let year = this_year();
    let mut ca = CertificateParams::new(Vec::<String>::new()).map_err(err)?;
    ca.distinguished_name
        .push(DnType::CommonName, "palisade webhook CA");
    ca.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    ca.not_before = date_time_ymd(year - 1, 1, 1);
    ca.not_after = date_time_ymd(year + 10, 1, 1);
    let ca = CertifiedIssuer::self_signed(ca, KeyPair::generate().map_err(err)?).map_err(err)?;
    let mut leaf = CertificateParams::new(names.to_vec()).map_err(err)?;
    leaf.distinguished_name.push(
        DnType::CommonName,
        names.first().cloned().unwrap_or_default(),
    );
    leaf.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    leaf.not_before = date_time_ymd(year - 1, 1, 1);
    leaf.not_after = date_time_ymd(year + 5, 1, 1);
    let key = KeyPair::generate().map_err(err)?;
    let cert = leaf.signed_by(&key, &ca).map_err(err)?;
    Ok(SelfSigned {
        ca_pem: ca.pem(),
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
    })
}

fn b64(text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(text)
}

/// The kinds the webhook judges, as admission rules.
fn webhook_rules() -> Value {
    let rule = |group: &str, resources: &[&str]| {
        json!({
            "apiGroups": [group],
            "apiVersions": ["v1"],
            "operations": ["CREATE", "UPDATE"],
            "resources": resources,
            "scope": "*",
        })
    };
    json!([
        rule(
            "",
            &[
                "pods",
                "services",
                "configmaps",
                "secrets",
                "serviceaccounts"
            ]
        ),
        rule(
            "apps",
            &["deployments", "statefulsets", "daemonsets", "replicasets"]
        ),
        rule("batch", &["jobs", "cronjobs"]),
        rule(
            "rbac.authorization.k8s.io",
            &[
                "roles",
                "rolebindings",
                "clusterroles",
                "clusterrolebindings"
            ]
        ),
        rule("networking.k8s.io", &["networkpolicies", "ingresses"]),
    ])
}

/// What `/mutate` patches: Pods as they are created and as `kubectl debug` adds ephemeral
/// containers, and the workloads with a pod template (a Job's template is immutable, so
/// Jobs on CREATE only).
fn mutating_rules() -> Value {
    let rule = |group: &str, resources: &[&str], operations: &[&str]| {
        json!({
            "apiGroups": [group],
            "apiVersions": ["v1"],
            "operations": operations,
            "resources": resources,
            "scope": "Namespaced",
        })
    };
    json!([
        rule("", &["pods"], &["CREATE"]),
        rule("", &["pods/ephemeralcontainers"], &["UPDATE"]),
        rule("", &["replicationcontrollers"], &["CREATE", "UPDATE"]),
        rule(
            "apps",
            &["deployments", "statefulsets", "daemonsets", "replicasets"],
            &["CREATE", "UPDATE"]
        ),
        rule("batch", &["jobs"], &["CREATE"]),
        rule("batch", &["cronjobs"], &["CREATE", "UPDATE"]),
    ])
}

/// Checks that `value` can name a namespace or Service: a DNS label (RFC 1123).
fn dns_label(option: &str, value: &str) -> Result<(), ServerError> {
    if palisade_core::kinds::is_dns_label(value) {
        Ok(())
    } else {
        Err(ServerError::Config {
            source_name: option.to_string(),
            message: format!(
                "`{value}` is not a DNS label (lowercase letters, digits and `-`, at most 63)"
            ),
        })
    }
}

/// The manifests as one multi-document YAML stream.
pub fn manifests(options: &ManifestOptions) -> Result<String, ServerError> {
    dns_label("--namespace", &options.namespace)?;
    dns_label("--name", &options.name)?;
    if options.image.trim().is_empty() || options.image.contains(char::is_whitespace) {
        return Err(ServerError::Config {
            source_name: "--image".into(),
            message: format!("`{}` is not an image reference", options.image),
        });
    }
    let ns = options.namespace.as_str();
    let name = options.name.as_str();
    let secret = format!("{name}-tls");
    let labels = json!({"app.kubernetes.io/name": name, "app.kubernetes.io/part-of": "palisade"});
    let meta = |kind_name: &str| json!({"name": kind_name, "namespace": ns, "labels": labels});
    let service_host = format!("{name}.{ns}.svc");
    let mut docs = vec![
        palisade_core::kinds::palisade_namespace(ns),
        // The server mounts a token only with the cluster view (`--cluster-view`).
        palisade_core::kinds::palisade_service_account(ns, name, &labels),
    ];
    let mut webhook_annotations = serde_json::Map::new();
    let mut ca_bundle = None;
    match options.certificates {
        CertSource::SelfSigned => {
            let pair = self_signed(&[
                name.to_string(),
                format!("{name}.{ns}"),
                service_host.clone(),
                format!("{service_host}.cluster.local"),
            ])?;
            ca_bundle = Some(b64(&pair.ca_pem));
            docs.push(json!({
                "apiVersion": "v1",
                "kind": "Secret",
                "metadata": meta(&secret),
                "type": "kubernetes.io/tls",
                "data": {
                    "tls.crt": b64(&pair.cert_pem),
                    "tls.key": b64(&pair.key_pem),
                    "ca.crt": b64(&pair.ca_pem),
                },
            }));
        }
        CertSource::CertManager => {
            docs.push(json!({
                "apiVersion": "cert-manager.io/v1",
                "kind": "Issuer",
                "metadata": meta(&format!("{name}-selfsigned")),
                "spec": {"selfSigned": {}},
            }));
            docs.push(json!({
                "apiVersion": "cert-manager.io/v1",
                "kind": "Certificate",
                "metadata": meta(name),
                "spec": {
                    "secretName": secret,
                    "dnsNames": [service_host, format!("{service_host}.cluster.local")],
                    "issuerRef": {"kind": "Issuer", "name": format!("{name}-selfsigned")},
                    "privateKey": {"algorithm": "ECDSA", "size": 256, "rotationPolicy": "Always"},
                },
            }));
            webhook_annotations.insert(
                "cert-manager.io/inject-ca-from".into(),
                format!("{ns}/{name}").into(),
            );
        }
    }
    let selector = json!({"app.kubernetes.io/name": name});
    let mut args = vec![
        "serve",
        "--tls-cert",
        "/etc/palisade/tls/tls.crt",
        "--tls-key",
        "/etc/palisade/tls/tls.key",
        "--listen",
        "0.0.0.0:8443",
    ];
    if options.mutating {
        args.push("--mutate");
    }
    if options.cluster_view {
        args.push("--cluster");
        // Exactly what the server lists and watches: the kinds of its view.
        docs.push(json!({
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "ClusterRole",
            "metadata": {"name": format!("{name}-view"), "labels": labels},
            "rules": view_rules(),
        }));
        docs.push(json!({
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "ClusterRoleBinding",
            "metadata": {"name": format!("{name}-view"), "labels": labels},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole",
                        "name": format!("{name}-view")},
            "subjects": [{"kind": "ServiceAccount", "name": name, "namespace": ns}],
        }));
    }
    docs.push(json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": meta(name),
        "spec": {
            "replicas": options.replicas,
            "selector": {"matchLabels": selector},
            "template": {
                "metadata": {"labels": labels},
                "spec": {
                    "serviceAccountName": name,
                    // The token is only needed to list the Namespaces (--cluster).
                    "automountServiceAccountToken": options.cluster_view,
                    "securityContext": palisade_core::kinds::restricted_pod_security_context(),
                    "containers": [{
                        "name": "webhook",
                        "image": options.image,
                        "imagePullPolicy": "IfNotPresent",
                        "args": args,
                        "env": [{"name": "POD_NAMESPACE",
                                 "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}}],
                        "ports": [{"name": "https", "containerPort": 8443, "protocol": "TCP"}],
                        "readinessProbe": {"httpGet": {"path": "/readyz", "port": "https", "scheme": "HTTPS"},
                                           "periodSeconds": 5},
                        "livenessProbe": {"httpGet": {"path": "/healthz", "port": "https", "scheme": "HTTPS"},
                                          "periodSeconds": 10},
                        "resources": {
                            "requests": {"cpu": "100m", "memory": "32Mi"},
                            "limits": {"cpu": "1", "memory": "128Mi"},
                        },
                        "securityContext": palisade_core::kinds::restricted_container_security_context(),
                        "volumeMounts": [{"name": "tls", "mountPath": "/etc/palisade/tls", "readOnly": true}],
                    }],
                    "volumes": [{"name": "tls", "secret": {"secretName": secret}}],
                },
            },
        },
    }));
    docs.push(json!({
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": meta(name),
        "spec": {
            "type": "ClusterIP",
            "selector": selector,
            "ports": [{"name": "https", "port": 443, "targetPort": "https", "protocol": "TCP"}],
        },
    }));
    // The API server calls in from outside the pod network (its address is not known
    // here), so ingress is open on the webhook port only; the server calls nothing.
    let mut policy_meta = meta(name);
    policy_meta["annotations"] = json!({
        "palisade.dev/ignore": "NET004",
        "palisade.dev/ignore-reason": "the API server calls the webhook from outside the pod network; narrow with an ipBlock of the control plane's addresses where they are known",
    });
    docs.push(json!({
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": policy_meta,
        "spec": {
            "podSelector": {},
            "policyTypes": ["Ingress", "Egress"],
            "ingress": [{"ports": [{"port": 8443, "protocol": "TCP"}]}],
            // With --cluster, the API server (its address is not known here: the ports it
            // listens on) and DNS; without, the server calls nothing.
            "egress": if options.cluster_view {
                json!([{"ports": [{"port": 443, "protocol": "TCP"}, {"port": 6443, "protocol": "TCP"},
                                  {"port": 53, "protocol": "UDP"}, {"port": 53, "protocol": "TCP"}]}])
            } else {
                json!([])
            },
        },
    }));
    docs.push(json!({
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": meta(name),
        "spec": {"minAvailable": 1, "selector": {"matchLabels": selector}},
    }));
    let failure_policy = match options.failure_policy {
        FailurePolicy::Fail => "Fail",
        FailurePolicy::Ignore => "Ignore",
    };
    let namespace_selector = json!({"matchExpressions": [{
        "key": "kubernetes.io/metadata.name",
        "operator": "NotIn",
        "values": ["kube-system", ns],
    }]});
    let timeout_seconds = options.timeout_seconds.clamp(1, 30);
    let client_config = |path: &str| {
        let mut config = json!({
            "service": {"name": name, "namespace": ns, "path": path, "port": 443},
        });
        if let Some(bundle) = &ca_bundle {
            config["caBundle"] = bundle.clone().into();
        }
        config
    };
    let mut webhook_meta = json!({"name": name, "labels": labels});
    if !webhook_annotations.is_empty() {
        webhook_meta["annotations"] = Value::Object(webhook_annotations);
    }
    docs.push(json!({
        "apiVersion": "admissionregistration.k8s.io/v1",
        "kind": "ValidatingWebhookConfiguration",
        "metadata": webhook_meta,
        "webhooks": [{
            "name": "validate.palisade.dev",
            "admissionReviewVersions": ["v1"],
            "sideEffects": "None",
            "timeoutSeconds": timeout_seconds,
            "failurePolicy": failure_policy,
            "matchPolicy": "Equivalent",
            "namespaceSelector": namespace_selector,
            "rules": webhook_rules(),
            "clientConfig": client_config("/validate"),
        }],
    }));
    if options.mutating {
        docs.push(json!({
            "apiVersion": "admissionregistration.k8s.io/v1",
            "kind": "MutatingWebhookConfiguration",
            "metadata": webhook_meta,
            "webhooks": [{
                "name": "mutate.palisade.dev",
                "admissionReviewVersions": ["v1"],
                "sideEffects": "None",
                "timeoutSeconds": timeout_seconds,
                "failurePolicy": failure_policy,
                "matchPolicy": "Equivalent",
                // Called again when a later webhook changes the object (it may add a container).
                "reinvocationPolicy": "IfNeeded",
                "namespaceSelector": namespace_selector,
                "rules": mutating_rules(),
                "clientConfig": client_config("/mutate"),
            }],
        }));
    }
    let mut out = String::from(
        "# Palisade admission webhook: generated by `palisade webhook manifests`.\n\
         # failurePolicy Fail = fail closed: while no replica answers, judged requests are refused.\n",
    );
    for doc in &docs {
        out.push_str("---\n");
        out.push_str(&palisade_yaml::to_yaml(doc));
    }
    Ok(out)
}

/// The rules of the view's ClusterRole: list and watch on each resource of
/// [`crate::cluster::VIEW_KINDS`], one rule per API group.
fn view_rules() -> Vec<Value> {
    let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
    for kind in palisade_cluster::kinds_named(crate::cluster::VIEW_KINDS) {
        match groups.iter_mut().find(|(g, _)| *g == kind.group) {
            Some((_, plurals)) => plurals.push(kind.plural),
            None => groups.push((kind.group, vec![kind.plural])),
        }
    }
    groups
        .into_iter()
        .map(|(group, resources)| {
            json!({"apiGroups": [group], "resources": resources, "verbs": ["list", "watch"]})
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Vec<Value> {
        palisade_yaml::load(text)
            .unwrap()
            .iter()
            .map(|d| palisade_yaml::to_json(&d.root))
            .collect()
    }

    fn kinds(docs: &[Value]) -> Vec<&str> {
        docs.iter().map(|d| d["kind"].as_str().unwrap()).collect()
    }

    #[test]
    fn self_signed_manifests_carry_the_ca_and_a_matching_key_pair() {
        let docs = load(&manifests(&ManifestOptions::new("palisade-system")).unwrap());
        assert_eq!(
            kinds(&docs),
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
        let decode = |v: &Value| {
            String::from_utf8(
                base64::engine::general_purpose::STANDARD
                    .decode(v.as_str().unwrap())
                    .unwrap(),
            )
            .unwrap()
        };
        let secret = &docs[2];
        let webhook = &docs[7]["webhooks"][0];
        assert_eq!(
            decode(&webhook["clientConfig"]["caBundle"]),
            decode(&secret["data"]["ca.crt"])
        );
        assert_eq!(webhook["sideEffects"], "None");
        assert_eq!(webhook["failurePolicy"], "Fail");
        assert_eq!(webhook["admissionReviewVersions"], json!(["v1"]));
        assert_eq!(webhook["timeoutSeconds"], 5);
        assert_eq!(
            webhook["namespaceSelector"]["matchExpressions"][0]["values"],
            json!(["kube-system", "palisade-system"])
        );
        assert_eq!(webhook["clientConfig"]["service"]["path"], "/validate");
        // The key in the Secret is the certificate's.
        let dir = std::env::temp_dir().join(format!("palisade-manifests-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (cert, key) = (dir.join("tls.crt"), dir.join("tls.key"));
        std::fs::write(&cert, decode(&secret["data"]["tls.crt"])).unwrap();
        std::fs::write(&key, decode(&secret["data"]["tls.key"])).unwrap();
        crate::load_certified_key(&cert, &key).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// Findings of `palisade scan` on the manifests, at medium or above, as `RULE kind`.
    fn serious_findings(text: &str) -> Vec<String> {
        let engine = palisade_engine::Engine::new(palisade_engine::Settings::default()).unwrap();
        let report = engine.scan_documents(vec![palisade_engine::FileEntry::memory(
            "webhook.yaml",
            text.as_bytes(),
        )]);
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        report
            .findings
            .iter()
            .filter(|f| f.severity >= palisade_core::Severity::Medium)
            .map(|f| {
                format!(
                    "{} {}",
                    f.rule_id,
                    f.location.resource.as_deref().unwrap_or("")
                )
            })
            .collect()
    }

    #[test]
    fn the_manifests_pass_palisades_own_rules() {
        for (mutating, cluster_view) in [(false, false), (true, false), (false, true)] {
            let mut options = ManifestOptions::new("palisade-system");
            options.mutating = mutating;
            options.cluster_view = cluster_view;
            options.certificates = CertSource::CertManager;
            assert_eq!(
                serious_findings(&manifests(&options).unwrap()),
                Vec::<String>::new()
            );
            // A generated key in a Secret is what the self-signed mode is; nothing else is
            // flagged.
            options.certificates = CertSource::SelfSigned;
            for finding in serious_findings(&manifests(&options).unwrap()) {
                assert!(finding.starts_with("SEC"), "{finding}");
            }
        }
    }

    #[test]
    fn cluster_view_manifests_may_list_and_watch_what_the_view_reads_and_nothing_else() {
        let mut options = ManifestOptions::new("palisade-system");
        options.cluster_view = true;
        options.certificates = CertSource::CertManager;
        let docs = load(&manifests(&options).unwrap());
        let role = docs.iter().find(|d| d["kind"] == "ClusterRole").unwrap();
        let verbs = json!(["list", "watch"]);
        assert_eq!(
            role["rules"],
            json!([
                {"apiGroups": [""], "resources": ["namespaces", "pods", "replicationcontrollers",
                                                  "services", "serviceaccounts"], "verbs": verbs},
                {"apiGroups": ["apps"], "resources": ["deployments", "daemonsets", "statefulsets",
                                                      "replicasets"], "verbs": verbs},
                {"apiGroups": ["batch"], "resources": ["jobs", "cronjobs"], "verbs": verbs},
                {"apiGroups": ["networking.k8s.io"], "resources": ["networkpolicies", "ingresses"],
                 "verbs": verbs},
                {"apiGroups": ["rbac.authorization.k8s.io"], "resources": ["roles", "rolebindings",
                 "clusterroles", "clusterrolebindings"], "verbs": verbs},
            ])
        );
        // Every kind of the view is granted, and no Secret or ConfigMap is.
        let granted: usize = role["rules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["resources"].as_array().unwrap().len())
            .sum();
        assert_eq!(granted, crate::cluster::VIEW_KINDS.len());
        let binding = docs
            .iter()
            .find(|d| d["kind"] == "ClusterRoleBinding")
            .unwrap();
        assert_eq!(binding["roleRef"]["name"], role["metadata"]["name"]);
        assert_eq!(
            binding["subjects"],
            json!([{"kind": "ServiceAccount", "name": "palisade-webhook", "namespace": "palisade-system"}])
        );
        let deployment = docs.iter().find(|d| d["kind"] == "Deployment").unwrap();
        let pod = &deployment["spec"]["template"]["spec"];
        assert_eq!(pod["automountServiceAccountToken"], true);
        assert!(pod["containers"][0]["args"]
            .as_array()
            .unwrap()
            .contains(&json!("--cluster")));
        let policy = docs.iter().find(|d| d["kind"] == "NetworkPolicy").unwrap();
        assert!(policy["spec"]["egress"][0]["ports"]
            .as_array()
            .unwrap()
            .contains(&json!({"port": 6443, "protocol": "TCP"})));
        // Without it: no role, no token, no egress.
        let docs = load(&manifests(&ManifestOptions::new("palisade-system")).unwrap());
        assert!(!docs.iter().any(|d| d["kind"] == "ClusterRole"));
        let deployment = docs.iter().find(|d| d["kind"] == "Deployment").unwrap();
        assert_eq!(
            deployment["spec"]["template"]["spec"]["automountServiceAccountToken"],
            false
        );
    }

    #[test]
    fn mutating_manifests_call_mutate_with_the_validating_webhooks_ca_and_exemptions() {
        let mut options = ManifestOptions::new("palisade-system");
        options.mutating = true;
        options.timeout_seconds = 3;
        let docs = load(&manifests(&options).unwrap());
        assert_eq!(
            kinds(&docs),
            [
                "Namespace",
                "ServiceAccount",
                "Secret",
                "Deployment",
                "Service",
                "NetworkPolicy",
                "PodDisruptionBudget",
                "ValidatingWebhookConfiguration",
                "MutatingWebhookConfiguration"
            ]
        );
        let args = &docs[3]["spec"]["template"]["spec"]["containers"][0]["args"];
        assert!(args.as_array().unwrap().contains(&json!("--mutate")));
        let validating = &docs[7]["webhooks"][0];
        let mutating = &docs[8]["webhooks"][0];
        assert_eq!(mutating["name"], "mutate.palisade.dev");
        assert_eq!(mutating["clientConfig"]["service"]["path"], "/mutate");
        assert_eq!(
            mutating["clientConfig"]["caBundle"],
            validating["clientConfig"]["caBundle"]
        );
        for key in [
            "namespaceSelector",
            "sideEffects",
            "timeoutSeconds",
            "failurePolicy",
            "matchPolicy",
            "admissionReviewVersions",
        ] {
            assert_eq!(mutating[key], validating[key], "{key}");
        }
        assert_eq!(mutating["timeoutSeconds"], 3);
        assert_eq!(mutating["matchPolicy"], "Equivalent");
        assert_eq!(mutating["reinvocationPolicy"], "IfNeeded");
        let resources: Vec<&str> = mutating["rules"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|r| r["resources"].as_array().unwrap())
            .map(|r| r.as_str().unwrap())
            .collect();
        assert_eq!(
            resources,
            [
                "pods",
                "pods/ephemeralcontainers",
                "replicationcontrollers",
                "deployments",
                "statefulsets",
                "daemonsets",
                "replicasets",
                "jobs",
                "cronjobs"
            ]
        );
        // Without --mutating: neither the configuration nor the flag.
        let docs = load(&manifests(&ManifestOptions::new("palisade-system")).unwrap());
        assert!(!kinds(&docs).contains(&"MutatingWebhookConfiguration"));
        let args = &docs[3]["spec"]["template"]["spec"]["containers"][0]["args"];
        assert!(!args.as_array().unwrap().contains(&json!("--mutate")));
    }

    #[test]
    fn names_that_kubernetes_would_reject_are_refused() {
        let e = manifests(&ManifestOptions::new("Palisade System"))
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("--namespace: `Palisade System` is not a DNS label"),
            "{e}"
        );
    }

    #[test]
    fn cert_manager_manifests_leave_the_ca_to_the_injector() {
        let mut options = ManifestOptions::new("sec");
        options.certificates = CertSource::CertManager;
        options.failure_policy = FailurePolicy::Ignore;
        let docs = load(&manifests(&options).unwrap());
        assert_eq!(
            kinds(&docs),
            [
                "Namespace",
                "ServiceAccount",
                "Issuer",
                "Certificate",
                "Deployment",
                "Service",
                "NetworkPolicy",
                "PodDisruptionBudget",
                "ValidatingWebhookConfiguration"
            ]
        );
        let config = &docs[8];
        assert_eq!(
            config["metadata"]["annotations"]["cert-manager.io/inject-ca-from"],
            "sec/palisade-webhook"
        );
        assert!(config["webhooks"][0]["clientConfig"]
            .get("caBundle")
            .is_none());
        options.mutating = true;
        let docs = load(&manifests(&options).unwrap());
        let mutating = &docs[9];
        assert_eq!(mutating["kind"], "MutatingWebhookConfiguration");
        assert_eq!(
            mutating["metadata"]["annotations"]["cert-manager.io/inject-ca-from"],
            "sec/palisade-webhook"
        );
        assert_eq!(mutating["webhooks"][0]["failurePolicy"], "Ignore");
        assert_eq!(config["webhooks"][0]["failurePolicy"], "Ignore");
        assert_eq!(docs[3]["spec"]["secretName"], "palisade-webhook-tls");
    }
}
