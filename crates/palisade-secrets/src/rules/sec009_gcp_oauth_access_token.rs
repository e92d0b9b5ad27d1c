//! SEC009: Google OAuth access token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Google OAuth access token (`ya29.`) or refresh token (`1//0`) in any text file: a value in the provider's documented format, looked for only near the keywords `ya29.` and `1//0`. Its Shannon entropy must be at least 3.5 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A Google OAuth access token acts as the user or service account that obtained it until it expires.
    /// ## Fix
    /// Revoke or rotate the credential with GCP now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://developers.google.com/identity/protocols/oauth2
    pub static RULE = {
        id: "SEC009", practice: Sec, severity: High, title: "Google OAuth access token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "GCP",
    keywords: &["ya29.", "1//0"],
    pattern: r##"(?:^|[^0-9A-Za-z_])(?P<secret>ya29\.[0-9A-Za-z_\-]{30,500}|1//0[0-9A-Za-z_\-]{40,300})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.5,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
