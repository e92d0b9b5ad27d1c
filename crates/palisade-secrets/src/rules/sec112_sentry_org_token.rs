//! SEC112: Sentry organization auth token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Sentry organization auth token (Sentry) in any text file: a value in the provider's documented format, looked for only near the keywords `sntrys_`. Its Shannon entropy must be at least 3.5 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// An org token uploads releases and source maps and reads issues.
    /// ## Fix
    /// Revoke or rotate the credential with Sentry now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://docs.sentry.io/account/auth-tokens/
    pub static RULE = {
        id: "SEC112", practice: Sec, severity: High, title: "Sentry organization auth token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Sentry",
    keywords: &["sntrys_"],
    pattern: r##"(?:^|[^0-9A-Za-z_])(?P<secret>sntrys_eyJ[A-Za-z0-9+/=_\-]{80,400})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.5,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
