//! SEC150: 1Password service account token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A 1Password service account token (1Password) in any text file: a value in the provider's documented format, looked for only near the keywords `ops_eyJ`. Its Shannon entropy must be at least 4.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A service account token reads every vault item it was granted.
    /// ## Fix
    /// Revoke or rotate the credential with 1Password now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://developer.1password.com/docs/service-accounts/
    pub static RULE = {
        id: "SEC150", practice: Sec, severity: Critical, title: "1Password service account token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "1Password",
    keywords: &["ops_eyJ"],
    pattern: r##"(?:^|[^0-9A-Za-z_])(?P<secret>ops_eyJ[a-zA-Z0-9+/_\-]{250,}={0,3})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 4.0,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
