//! SEC118: Dynatrace API token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Dynatrace API token (Dynatrace) in any text file: a value in the provider's documented format, looked for only near the keywords `dt0c01.`. Its Shannon entropy must be at least 3.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A Dynatrace token reads monitoring data and changes settings.
    /// ## Fix
    /// Revoke or rotate the credential with Dynatrace now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://docs.dynatrace.com/docs/manage/identity-access-management/access-tokens-and-oauth-clients/access-tokens
    pub static RULE = {
        id: "SEC118", practice: Sec, severity: High, title: "Dynatrace API token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Dynatrace",
    keywords: &["dt0c01."],
    pattern: r##"(?:^|[^0-9A-Za-z_])(?P<secret>dt0c01\.[A-Z0-9]{24}\.[A-Z0-9]{64})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.0,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
