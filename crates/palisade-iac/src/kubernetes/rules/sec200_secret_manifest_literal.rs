use palisade_core::{declare_rule, Finding, Severity};

use crate::kubernetes::{ClusterContext, K8sObject};

declare_rule! {
    /// ## What it checks
    /// A Kubernetes `Secret` manifest in the tree with literal values under `data`
    /// (base64) or `stringData`. Each value is decoded and run through the secret
    /// detectors: a value a provider rule recognises (a cloud key, a token, a private key)
    /// is reported at high severity, any other literal value at medium.
    /// ## Why it matters
    /// base64 is an encoding, not encryption: a committed Secret manifest is the secret
    /// in clear for everyone with read access to the repository, its forks and its CI logs.
    /// ## Fix
    /// Keep only encrypted or referenced secrets in the tree: Sealed Secrets
    /// (`SealedSecret`), External Secrets (`ExternalSecret` pointing at Vault, AWS Secrets
    /// Manager, GCP Secret Manager...), SOPS-encrypted files, or a Helm value injected at
    /// deploy time. Rotate every value that was committed.
    /// ## References
    /// - https://kubernetes.io/docs/concepts/security/secrets-good-practices/
    /// - https://github.com/bitnami-labs/sealed-secrets
    /// - https://external-secrets.io/
    pub static RULE = {
        id: "SEC200", practice: Sec, severity: Medium,
        title: "Secret manifest with literal values committed",
    };
}

pub fn check(obj: &K8sObject, _: &ClusterContext, out: &mut Vec<Finding>) {
    if obj.kind != "Secret" || !obj.api_version.starts_with('v') {
        return;
    }
    for field in ["data", "stringData"] {
        let Some(map) = obj.root.get(field) else {
            continue;
        };
        for (key, value_node) in map.entries() {
            let Some(raw) = value_node.as_str() else {
                continue;
            };
            if raw.trim().is_empty() || raw.contains("{{") || raw.contains("${") {
                continue;
            }
            let value = if field == "data" {
                match palisade_secrets::validate::base64_decode(raw.as_bytes())
                    .and_then(|b| String::from_utf8(b).ok())
                {
                    Some(v) => v,
                    None => continue,
                }
            } else {
                raw.to_string()
            };
            if value.trim().is_empty() {
                continue;
            }
            let location = obj.location(value_node);
            let found = palisade_secrets::scan_value(key, &value);
            let provider_match = found
                .iter()
                .find(|m| &*m.rule_id != palisade_secrets::GENERIC_RULE_ID);
            let mut finding = match provider_match {
                Some(m) => Finding::new(
                    &RULE,
                    format!(
                        "Secret \"{}\" holds a secret in `{field}.{key}`: {} ({}); use a SealedSecret or an ExternalSecret",
                        obj.name, m.title, m.preview
                    ),
                    location,
                )
                .with_severity(Severity::High),
                None => Finding::new(
                    &RULE,
                    format!(
                        "Secret \"{}\" has a literal value in `{field}.{key}`; use a SealedSecret or an ExternalSecret",
                        obj.name
                    ),
                    location,
                ),
            };
            finding.secret = Some(Box::new(palisade_core::SecretInfo {
                preview: palisade_secrets::preview(value.as_bytes()),
                fingerprint: palisade_secrets::fingerprint(value.as_bytes()),
            }));
            out.push(finding);
        }
    }
}
