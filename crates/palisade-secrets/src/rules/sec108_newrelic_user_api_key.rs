//! SEC108: New Relic user API key.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A New Relic user API key (New Relic) in any text file: a value in the provider's documented format, looked for only near the keywords `NRAK-`. Its Shannon entropy must be at least 3.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A user key queries and changes the New Relic account.
    /// ## Fix
    /// Revoke or rotate the credential with New Relic now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://docs.newrelic.com/docs/apis/intro-apis/new-relic-api-keys/
    pub static RULE = {
        id: "SEC108", practice: Sec, severity: High, title: "New Relic user API key",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "New Relic",
    keywords: &["NRAK-"],
    pattern: r##"(?:^|[^0-9A-Za-z_])(?P<secret>NRAK-[A-Z0-9]{27})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.0,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
