//! SEC170: Zendesk API token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Zendesk API token (Zendesk) in any text file: a value in the provider's documented format, looked for only near the keywords `zendesk`. Its Shannon entropy must be at least 3.5 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A Zendesk token reads every ticket: customer personal data.
    /// ## Fix
    /// Revoke or rotate the credential with Zendesk now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://developer.zendesk.com/api-reference/introduction/security-and-auth/
    pub static RULE = {
        id: "SEC170", practice: Sec, severity: High, title: "Zendesk API token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Zendesk",
    keywords: &["zendesk"],
    pattern: r##"(?i)(?:zendesk[\w.\-]{0,20}(?:token|key|secret))[\w.\-]{0,25}(?:["\']?\s*(?:=|:=|:|=>)\s*["\']?|["\']\s*,\s*["\'])(?P<secret>[a-zA-Z0-9]{40})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.5,
    case_sensitive: false,
    check: Check::None,
    span: Span::Line,
};
