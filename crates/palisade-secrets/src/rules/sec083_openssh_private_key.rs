//! SEC083: OpenSSH private key.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A OpenSSH private key (Private key) in any text file: a value in the provider's documented format, looked for only near the keywords `-----BEGIN OPENSSH PRIVATE KEY`. The key body must decode from base64 to a real key (prose between the markers is not reported). Encrypted keys are reported at low severity.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A private key in the tree is the identity it belongs to: TLS servers, SSH hosts and users, signing keys.
    /// ## Fix
    /// Revoke or rotate the credential with Private key now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://www.rfc-editor.org/rfc/rfc7468
    pub static RULE = {
        id: "SEC083", practice: Sec, severity: Critical, title: "OpenSSH private key",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Private key",
    keywords: &["-----BEGIN OPENSSH PRIVATE KEY"],
    pattern: r##"(?s)(?P<secret>-----BEGIN OPENSSH PRIVATE KEY-----.{64,16384}?-----END OPENSSH PRIVATE KEY-----)"##,
    min_entropy: 0.0,
    case_sensitive: true,
    check: Check::PemBody,
    span: Span::Block(20000),
};
