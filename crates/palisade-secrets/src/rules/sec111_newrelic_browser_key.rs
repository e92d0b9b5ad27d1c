//! SEC111: New Relic browser API token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A New Relic browser API token (New Relic) in any text file: a value in the provider's documented format, looked for only near the keywords `nrjs-`, `nrbr-`. Its Shannon entropy must be at least 3.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A browser token sends browser monitoring data into the account.
    /// ## Fix
    /// Revoke or rotate the credential with New Relic now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://docs.newrelic.com/docs/apis/intro-apis/new-relic-api-keys/
    pub static RULE = {
        id: "SEC111", practice: Sec, severity: Low, title: "New Relic browser API token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "New Relic",
    keywords: &["nrjs-", "nrbr-"],
    pattern: r##"(?:^|[^0-9A-Za-z_])(?P<secret>NR(?:JS|BR)-[a-f0-9]{19})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.0,
    case_sensitive: false,
    check: Check::None,
    span: Span::Line,
};
