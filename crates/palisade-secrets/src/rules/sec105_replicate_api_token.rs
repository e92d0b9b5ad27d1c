//! SEC105: Replicate API token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Replicate API token (Replicate) in any text file: a value in the provider's documented format, looked for only near the keywords `r8_`. Its Shannon entropy must be at least 3.5 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A Replicate token runs models billed to the account.
    /// ## Fix
    /// Revoke or rotate the credential with Replicate now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://replicate.com/docs/reference/http
    pub static RULE = {
        id: "SEC105", practice: Sec, severity: High, title: "Replicate API token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Replicate",
    keywords: &["r8_"],
    pattern: r##"(?:^|[^0-9A-Za-z_])(?P<secret>r8_[a-zA-Z0-9]{37})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.5,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
