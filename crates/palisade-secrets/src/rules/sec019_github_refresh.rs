//! SEC019: GitHub refresh token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A GitHub refresh token (GitHub) in any text file: a value in the provider's documented format, looked for only near the keywords `ghr_`. Its Shannon entropy must be at least 3.0 bits per character. The token's built-in CRC32 checksum is verified: a token whose checksum does not match is reported at medium severity as a likely test value.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A GitHub refresh token acts on repositories, packages and settings as its owner within its scopes.
    /// ## Fix
    /// Revoke or rotate the credential with GitHub now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://docs.github.com/authentication/keeping-your-account-and-data-secure/about-authentication-to-github#githubs-token-formats
    pub static RULE = {
        id: "SEC019", practice: Sec, severity: Critical, title: "GitHub refresh token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "GitHub",
    keywords: &["ghr_"],
    pattern: r##"(?:^|[^0-9A-Za-z_])(?P<secret>ghr_[0-9A-Za-z]{36})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.0,
    case_sensitive: true,
    check: Check::Base62Crc32,
    span: Span::Line,
};
