//! `palisade webhook manifests`: everything a cluster needs to send its admission requests
//! to `palisade serve` — Namespace, ServiceAccount, Deployment, Service,
//! PodDisruptionBudget and the ValidatingWebhookConfiguration — with the serving
//! certificate either generated here (a self-signed CA, its `caBundle` in the webhook
//! configuration, the key pair in a `kubernetes.io/tls` Secret) or left to cert-manager
//! (an Issuer, a Certificate and the CA injector's annotation).
//!
//! The webhook is fail-closed (`failurePolicy: Fail`): while no replica answers within
//! `timeoutSeconds`, creating or updating the judged kinds outside the exempt namespaces is
//! refused. Two replicas and a PodDisruptionBudget keep one answering through node drains;
//! `--failure-policy ignore` admits requests unjudged instead.

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

/// The manifests as one multi-document YAML stream.
pub fn manifests(options: &ManifestOptions) -> Result<String, ServerError> {
    let ns = options.namespace.as_str();
    let name = options.name.as_str();
    let secret = format!("{name}-tls");
    let labels = json!({"app.kubernetes.io/name": name, "app.kubernetes.io/part-of": "palisade"});
    let meta = |kind_name: &str| json!({"name": kind_name, "namespace": ns, "labels": labels});
    let service_host = format!("{name}.{ns}.svc");
    let mut docs = vec![
        json!({
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": {"name": ns, "labels": {
                "app.kubernetes.io/part-of": "palisade",
                "pod-security.kubernetes.io/enforce": "restricted",
            }},
        }),
        json!({
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": meta(name),
            // The server reads no API object: no token in its pods.
            "automountServiceAccountToken": false,
        }),
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
                    "automountServiceAccountToken": false,
                    "securityContext": {
                        "runAsNonRoot": true,
                        "runAsUser": 65532,
                        "runAsGroup": 65532,
                        "seccompProfile": {"type": "RuntimeDefault"},
                    },
                    "containers": [{
                        "name": "webhook",
                        "image": options.image,
                        "imagePullPolicy": "IfNotPresent",
                        "args": ["serve", "--tls-cert", "/etc/palisade/tls/tls.crt",
                                 "--tls-key", "/etc/palisade/tls/tls.key",
                                 "--listen", "0.0.0.0:8443"],
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
                        "securityContext": {
                            "allowPrivilegeEscalation": false,
                            "readOnlyRootFilesystem": true,
                            "runAsNonRoot": true,
                            "capabilities": {"drop": ["ALL"]},
                        },
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
    docs.push(json!({
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": meta(name),
        "spec": {"minAvailable": 1, "selector": {"matchLabels": selector}},
    }));
    let mut client_config = json!({
        "service": {"name": name, "namespace": ns, "path": "/validate", "port": 443},
    });
    if let Some(bundle) = ca_bundle {
        client_config["caBundle"] = bundle.into();
    }
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
            "timeoutSeconds": options.timeout_seconds.clamp(1, 30),
            "failurePolicy": match options.failure_policy {
                FailurePolicy::Fail => "Fail",
                FailurePolicy::Ignore => "Ignore",
            },
            "matchPolicy": "Equivalent",
            "namespaceSelector": {"matchExpressions": [{
                "key": "kubernetes.io/metadata.name",
                "operator": "NotIn",
                "values": ["kube-system", ns],
            }]},
            "rules": webhook_rules(),
            "clientConfig": client_config,
        }],
    }));
    let mut out = String::from(
        "# Palisade admission webhook: generated by `palisade webhook manifests`.\n\
         # failurePolicy Fail = fail closed: while no replica answers, judged requests are refused.\n",
    );
    for doc in &docs {
        out.push_str("---\n");
        out.push_str(&crate::yaml::to_yaml(doc));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::tests::node_to_json;

    fn load(text: &str) -> Vec<Value> {
        palisade_yaml::load(text)
            .unwrap()
            .iter()
            .map(|d| node_to_json(&d.root))
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
        let webhook = &docs[6]["webhooks"][0];
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
                "PodDisruptionBudget",
                "ValidatingWebhookConfiguration"
            ]
        );
        let config = &docs[7];
        assert_eq!(
            config["metadata"]["annotations"]["cert-manager.io/inject-ca-from"],
            "sec/palisade-webhook"
        );
        assert!(config["webhooks"][0]["clientConfig"]
            .get("caBundle")
            .is_none());
        assert_eq!(config["webhooks"][0]["failurePolicy"], "Ignore");
        assert_eq!(docs[3]["spec"]["secretName"], "palisade-webhook-tls");
    }
}
