//! SEC227: Private key inside a base64-encoded document.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A PEM private key inside a base64-encoded document — a Helm values file, a kubeconfig or a configuration file encoded whole into a Kubernetes Secret, an environment variable or a CI variable — when the key is not at the document's start (SEC176 reports documents that are a key). Looked for only near the base64 of `PRIVATE KE` at its three alignments; the run around it is decoded and the key's body must decode as base64. Encrypted keys are reported at low severity.
    /// ## Why it matters
    /// Encoding hides a private key from reviewers and from scanners that look for `-----BEGIN`, not from anyone who decodes it: it signs, decrypts or authenticates as its owner.
    /// ## Fix
    /// Revoke or rotate the credential with its owner now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`. Replace the key pair: generate a new key, install its public half where the old one was trusted, and keep the private half in a secret store.
    /// ## References
    /// - https://kubernetes.io/docs/concepts/configuration/secret/
    /// - https://cwe.mitre.org/data/definitions/321.html
    pub static RULE = {
        id: "SEC227", practice: Sec, severity: High, title: "Private key inside a base64-encoded document",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Private key",
    keywords: &["UFJJVkFURSBLRV", "BSSVZBVEUgS0VZ", "QUklWQVRFIEtFW"],
    pattern: r##"(?P<secret>[A-Za-z0-9+/]*(?:UFJJVkFURSBLRV|BSSVZBVEUgS0VZ|QUklWQVRFIEtFW)[A-Za-z0-9+/]*={0,2})"##,
    min_entropy: 0.0,
    case_sensitive: true,
    check: Check::Base64PemInside,
    span: Span::Line,
};
