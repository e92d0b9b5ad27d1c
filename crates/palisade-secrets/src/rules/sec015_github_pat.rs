//! SEC015: GitHub personal access token (classic).

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A GitHub personal access token (classic) (GitHub) in any text file: a value in the provider's documented format, looked for only near the keywords `ghp_`. Its Shannon entropy must be at least 3.0 bits per character. The token's built-in CRC32 checksum is verified: a token whose checksum does not match is reported at medium severity as a likely test value; a body longer than the current 36 characters is reported only with a matching checksum, and a token with a matching checksum is reported whatever its entropy or runs such as `0000`: a checksum is computed, never typed.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A GitHub personal access token (classic) acts on repositories, packages and settings as its owner within its scopes.
    /// ## Fix
    /// Revoke or rotate the credential with GitHub now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://docs.github.com/authentication/keeping-your-account-and-data-secure/about-authentication-to-github#githubs-token-formats
    pub static RULE = {
        id: "SEC015", practice: Sec, severity: Critical, title: "GitHub personal access token (classic)",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "GitHub",
    keywords: &["ghp_"],
    pattern: r##"(?:^|[^0-9A-Za-z_])(?P<secret>ghp_[0-9A-Za-z]{36,40})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.0,
    case_sensitive: true,
    check: Check::Base62Crc32,
    span: Span::Line,
};
