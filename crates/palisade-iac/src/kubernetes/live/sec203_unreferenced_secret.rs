use std::collections::HashSet;

use palisade_core::declare_rule;
use palisade_core::Json;

use super::{finding, text, Cluster, LiveFinding, SYSTEM_NAMESPACES};

declare_rule! {
    /// ## What it checks
    /// Secrets that nothing in the cluster refers to: no pod or pod template mounts them
    /// (volumes, projected volumes, `env[].valueFrom.secretKeyRef`, `envFrom[].secretRef`,
    /// `imagePullSecrets`), no ServiceAccount lists them, no Ingress serves them
    /// (`tls[].secretName`), and no other object names them in a `secretName` or
    /// `...SecretRef` field (cert-manager Certificates and issuers, external-secrets,
    /// operators). Secrets that a controller owns or manages are left out: service account
    /// tokens, Helm release records, bootstrap tokens, objects with an owner, and the system
    /// namespaces.
    /// ## Why it matters
    /// A forgotten Secret is a credential that is still valid, still readable by everyone
    /// with `get secrets` in its namespace, and rotated by no one: the leftovers of
    /// removed workloads are what an attacker with read access collects first.
    /// ## Fix
    /// Delete the Secret, and revoke the credential it holds at its issuer; if something
    /// outside the cluster reads it, say so in the `palisade.dev/ignore` annotation.
    /// ## References
    /// - https://kubernetes.io/docs/concepts/security/secrets-good-practices/
    pub static RULE = {
        id: "SEC203", practice: Sec, severity: Low,
        title: "Secret that no workload or object refers to",
    };
}

/// Nesting below which references are not looked for (objects from an API are shallow).
const MAX_DEPTH: usize = 64;

/// A reference to a secret: its namespace when the reference says (`secretRef: {name,
/// namespace}`), and its name.
type Reference<'a> = (Option<&'a str>, &'a str);

fn reference(r: &Json) -> Option<Reference<'_>> {
    let name = r.get("name")?.as_str()?;
    Some((r.get("namespace").and_then(Json::as_str), name))
}

/// Collects the secrets `value` refers to.
fn references<'a>(value: &'a Json, depth: usize, out: &mut Vec<Reference<'a>>) {
    if depth > MAX_DEPTH {
        return;
    }
    match value {
        Json::Object(map) => {
            for (key, item) in map.iter() {
                let key = key.to_ascii_lowercase();
                match item {
                    // `secretName`, `tlsSecretName`, `caSecretName`...
                    Json::String(name) if key.ends_with("secretname") => out.push((None, name)),
                    // `secret`, `secretRef`, `secretKeyRef`, `privateKeySecretRef`...
                    Json::Object(_)
                        if key == "secret"
                            || key.ends_with("secretref")
                            || key.ends_with("secretkeyref") =>
                    {
                        out.extend(reference(item));
                    }
                    Json::Array(list) if key == "imagepullsecrets" || key == "secrets" => {
                        out.extend(list.iter().filter_map(reference));
                    }
                    _ => {}
                }
                references(item, depth + 1, out);
            }
        }
        Json::Array(list) => {
            for item in list.iter() {
                references(item, depth + 1, out);
            }
        }
        _ => {}
    }
}

/// Secrets a controller creates and reads by itself.
fn managed(secret: &Json) -> bool {
    let annotations = secret.pointer("/metadata/annotations");
    let annotated = |key: &str| annotations.and_then(|a| a.get(key)).is_some();
    let kind_of = text(secret, "/type");
    secret
        .pointer("/metadata/ownerReferences")
        .and_then(Json::as_array)
        .is_some_and(|o| !o.is_empty())
        || annotated("kubernetes.io/service-account.name")
        || kind_of == "kubernetes.io/service-account-token"
        || kind_of.starts_with("helm.sh/")
        || kind_of == "bootstrap.kubernetes.io/token"
        || text(secret, "/metadata/labels/owner") == "helm"
        || annotations
            .and_then(Json::as_object)
            .is_some_and(|a| a.iter().any(|(k, _)| k.starts_with("cert-manager.io/")))
}

pub(super) fn check(cluster: &Cluster, out: &mut Vec<LiveFinding>) {
    if cluster.of_kind("Secret").next().is_none() {
        return;
    }
    let mut referenced: HashSet<(&str, &str)> = HashSet::new();
    // Names that cluster-scoped objects refer to without a namespace: taken as any.
    let mut anywhere: HashSet<&str> = HashSet::new();
    let mut found = Vec::new();
    for i in 0..cluster.objects.len() {
        if cluster.kind(i) == "Secret" {
            continue;
        }
        found.clear();
        references(cluster.objects[i], 0, &mut found);
        let namespace = cluster.namespace(i);
        for &(ns, name) in &found {
            match ns.unwrap_or(namespace) {
                "" => anywhere.insert(name),
                ns => referenced.insert((ns, name)),
            };
        }
    }
    for i in cluster.of_kind("Secret") {
        let namespace = cluster.namespace(i);
        let name = cluster.name(i);
        if SYSTEM_NAMESPACES.contains(&namespace)
            || managed(cluster.objects[i])
            || anywhere.contains(name)
            || referenced.contains(&(namespace, name))
        {
            continue;
        }
        out.push(finding(
            &RULE,
            i,
            String::new(),
            format!(
                "Secret {namespace}/{name} is not mounted, used in env or as a pull secret by any workload, nor named by any other object"
            ),
        ));
    }
}
