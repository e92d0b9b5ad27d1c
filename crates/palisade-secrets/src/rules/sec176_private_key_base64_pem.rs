//! SEC176: Base64-encoded PEM private key.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Base64-encoded PEM private key (Private key) in any text file: a value in the provider's documented format, looked for only near the keywords `ls0tls1crudjtib`, `ls0tls1crudjtiby`. The value must decode from base64 to a PEM private key.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A base64-encoded private key (Kubernetes Secrets, Helm values) is the key itself.
    /// ## Fix
    /// Revoke or rotate the credential with Private key now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://kubernetes.io/docs/concepts/configuration/secret/
    pub static RULE = {
        id: "SEC176", practice: Sec, severity: High, title: "Base64-encoded PEM private key",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Private key",
    keywords: &["ls0tls1crudjtib", "ls0tls1crudjtiby"],
    pattern: r##"(?:^|[^0-9A-Za-z_])(?P<secret>LS0tLS1CRUdJTi[A-Za-z0-9+/]{0,40}(?:UFJJVkFURSBLRV|BSSVZBVEUgS0VZ|QUklWQVRFIEtFW)[A-Za-z0-9+/]{80,}={0,2})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 0.0,
    case_sensitive: false,
    check: Check::Base64Pem,
    span: Span::Line,
};
