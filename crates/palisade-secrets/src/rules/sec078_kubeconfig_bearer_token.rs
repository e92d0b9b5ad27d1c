//! SEC078: Kubernetes kubeconfig bearer token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Kubernetes kubeconfig bearer token (Kubernetes) in any text file: a value in the provider's documented format, looked for only near the keywords `users:`. Its Shannon entropy must be at least 3.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A bearer token in a kubeconfig acts as its service account or user against the API server.
    /// ## Fix
    /// Revoke or rotate the credential with Kubernetes now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://kubernetes.io/docs/reference/access-authn-authz/authentication/
    pub static RULE = {
        id: "SEC078", practice: Sec, severity: Critical, title: "Kubernetes kubeconfig bearer token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Kubernetes",
    keywords: &["users:"],
    pattern: r##"(?s)users:.{0,600}?\buser:\s*\n\s+(?:[a-z\-]+:[^\n]*\n\s+)*token:\s*["\']?(?P<secret>[A-Za-z0-9_\-.]{20,2048})"##,
    min_entropy: 3.0,
    case_sensitive: true,
    check: Check::None,
    span: Span::Block(2048),
};
