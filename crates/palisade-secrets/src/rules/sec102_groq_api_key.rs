//! SEC102: Groq API key.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Groq API key (Groq) in any text file: a value in the provider's documented format, looked for only near the keywords `gsk_`. Its Shannon entropy must be at least 3.5 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A Groq key runs models billed to the account.
    /// ## Fix
    /// Revoke or rotate the credential with Groq now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://console.groq.com/docs/api-keys
    pub static RULE = {
        id: "SEC102", practice: Sec, severity: High, title: "Groq API key",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Groq",
    keywords: &["gsk_"],
    pattern: r##"(?:^|[^0-9A-Za-z_])(?P<secret>gsk_[a-zA-Z0-9]{52})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.5,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
