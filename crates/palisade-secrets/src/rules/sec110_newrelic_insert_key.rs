//! SEC110: New Relic insights insert key.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A New Relic insights insert key (New Relic) in any text file: a value in the provider's documented format, looked for only near the keywords `NRII-`. Its Shannon entropy must be at least 3.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// An insert key writes events into the account.
    /// ## Fix
    /// Revoke or rotate the credential with New Relic now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://docs.newrelic.com/docs/apis/intro-apis/new-relic-api-keys/
    pub static RULE = {
        id: "SEC110", practice: Sec, severity: Medium, title: "New Relic insights insert key",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "New Relic",
    keywords: &["NRII-"],
    pattern: r##"(?:^|[^0-9A-Za-z_\-])(?P<secret>NRII-[a-zA-Z0-9\-_]{24,32})(?:[^0-9A-Za-z_\-]|$)"##,
    min_entropy: 3.0,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
