use palisade_core::{declare_rule, Finding};

use super::at;
use crate::kubernetes::{ClusterContext, PodView};

declare_rule! {
    /// ## What it checks
    /// A container (init, ephemeral or regular) whose `env` entry sets a secret as a
    /// literal `value` — a value a secret detector recognises, or a credential-looking value
    /// under a name like `DB_PASSWORD` or `API_TOKEN` — instead of taking it from a Secret
    /// with `valueFrom.secretKeyRef`.
    /// ## Why it matters
    /// A literal env value lives in the workload manifest: in the repository, in every
    /// rendered Helm release, in `kubectl get -o yaml` for anyone allowed to read the
    /// Deployment, and in the pod spec stored in etcd without Secret encryption.
    /// ## Fix
    /// Store the value in a Secret (from External Secrets, Sealed Secrets or Vault) and
    /// reference it: `valueFrom: {secretKeyRef: {name: app-secrets, key: db-password}}`,
    /// or mount the Secret as a file. Rotate the exposed value.
    /// ## References
    /// - https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-environment-variables
    /// - https://kubernetes.io/docs/concepts/security/secrets-good-practices/
    pub static RULE = {
        id: "SEC202", practice: Sec, severity: High,
        title: "Secret as a literal container env value",
    };
}

pub fn check(pod: &PodView, _: &ClusterContext, out: &mut Vec<Finding>) {
    for c in &pod.containers {
        let Some(env) = c.node.get("env") else {
            continue;
        };
        for entry in env.items() {
            let (Some(name), Some(value_node)) = (
                entry.get("name").and_then(|n| n.as_str()),
                entry.get("value"),
            ) else {
                continue;
            };
            let Some(value) = value_node.as_str() else {
                continue;
            };
            if let Some(m) = palisade_secrets::scan_value(name, value).first() {
                let mut finding = at(
                    &RULE,
                    pod,
                    value_node,
                    format!(
                        "{} sets {name} to a literal secret: {} ({}); use valueFrom.secretKeyRef",
                        c.describe(),
                        m.title,
                        m.preview
                    ),
                );
                finding.secret = Some(Box::new(palisade_core::SecretInfo {
                    preview: m.preview.clone(),
                    fingerprint: m.fingerprint.clone(),
                }));
                out.push(finding);
            }
        }
    }
}
