use palisade_core::{declare_rule, Finding};

use crate::kubernetes::{ClusterContext, K8sObject};

declare_rule! {
    /// ## What it checks
    /// A `ConfigMap` whose `data` holds a secret: a value a secret detector recognises
    /// (a provider token, a private key, a password assigned to a key named like
    /// `password`, `token` or `api_key`), including secrets inside embedded files such as
    /// `application.properties` or `.env` entries. A single-line value is also reported
    /// whatever its key's name when it is a high-entropy token (letters and digits drawn at
    /// random, 20 characters or more) or base64 of text that holds a secret. Ordinary
    /// configuration is not: URLs without credentials, host names, paths, feature flags,
    /// JSON or YAML blobs, UUIDs, versions, base64 of harmless text, and digests under keys
    /// that say so (`sha256`, `checksum`, `commit`), and values under keys that name
    /// another kind of value (`KAFKA_CLUSTER_ID`, `API_ENDPOINT`, `VAPID_PUBLIC_KEY`); nor
    /// are public keys and certificates in base64 DER or subresource integrity values
    /// (`sha384-…`). Files stored in `binaryData` are decoded and scanned like embedded
    /// files when they hold text; the finding names the line inside the decoded file.
    /// ## Why it matters
    /// ConfigMaps are not meant for secrets: they are readable by far more subjects than
    /// Secrets (RBAC often grants `configmaps get` broadly), are not encrypted at rest by
    /// the `EncryptionConfiguration` that covers Secrets, and show up in logs and dashboards.
    /// ## Fix
    /// Move the value into a Secret sourced from a secret store (External Secrets, Sealed
    /// Secrets, Vault) and reference it with `secretKeyRef` or a secret volume; rotate it.
    /// ## References
    /// - https://kubernetes.io/docs/concepts/configuration/configmap/
    /// - https://kubernetes.io/docs/concepts/security/secrets-good-practices/
    pub static RULE = {
        id: "SEC201", practice: Sec, severity: High,
        title: "Secret stored in a ConfigMap",
    };
}

pub fn check(obj: &K8sObject, _: &ClusterContext, out: &mut Vec<Finding>) {
    if obj.kind != "ConfigMap" {
        return;
    }
    binary_data(obj, out);
    let Some(data) = obj.root.get("data") else {
        return;
    };
    for (key, value_node) in data.entries() {
        let Some(value) = value_node.as_str() else {
            continue;
        };
        // Embedded files are scanned as text (the key names the file, so `app.properties`
        // is read as properties); single values under any key.
        let matches = if value.contains('\n') {
            palisade_secrets::builtin_scanner().scan_bytes(key, value.as_bytes())
        } else {
            palisade_secrets::scan_config_value(key, value)
        };
        for m in matches {
            let mut location = obj.location(value_node);
            if value.contains('\n') {
                // A block scalar starts on the line after its key.
                if let Some(line) = location.line.as_mut() {
                    *line += m.line - 1;
                }
                location.column = None;
            }
            let mut finding = Finding::new(
                &RULE,
                format!(
                    "ConfigMap \"{}\" holds a secret in `data.{key}`: {} ({})",
                    obj.name, m.title, m.preview
                ),
                location,
            );
            finding.secret = Some(Box::new(palisade_core::SecretInfo {
                preview: m.preview.clone(),
                fingerprint: m.fingerprint.clone(),
            }));
            out.push(finding);
        }
    }
}

/// Files in `binaryData`, base64 as the API stores them: decoded, and scanned as the files
/// they are when they hold text. Reported on the value, naming the line inside the file.
fn binary_data(obj: &K8sObject, out: &mut Vec<Finding>) {
    let Some(files) = obj.root.get("binaryData") else {
        return;
    };
    for (key, value_node) in files.entries() {
        let Some(value) = value_node.as_str() else {
            continue;
        };
        for m in palisade_secrets::scan_base64_file(key, value) {
            let mut location = obj.location(value_node);
            location.column = None;
            let mut finding = Finding::new(
                &RULE,
                format!(
                    "ConfigMap \"{}\" holds a secret in `binaryData.{key}` (line {} of the decoded file): {} ({})",
                    obj.name, m.line, m.title, m.preview
                ),
                location,
            );
            finding.secret = Some(Box::new(palisade_core::SecretInfo {
                preview: m.preview.clone(),
                fingerprint: m.fingerprint.clone(),
            }));
            out.push(finding);
        }
    }
}
