//! SEC193: Tavily API key.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Tavily search API key (`tvly-`, optionally `tvly-dev-`, followed by 32 characters) in any text file, looked for only near the keyword `tvly-`. Its Shannon entropy must be at least 3.5 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A Tavily key runs searches billed to the account's credits.
    /// ## Fix
    /// Revoke or rotate the credential with Tavily now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://docs.tavily.com/documentation/api-reference/introduction
    pub static RULE = {
        id: "SEC193", practice: Sec, severity: High, title: "Tavily API key",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Tavily",
    keywords: &["tvly-"],
    pattern: r##"(?:^|[^0-9A-Za-z_\-])(?P<secret>tvly-(?:dev-|prod-)?[A-Za-z0-9]{32})(?:[^0-9A-Za-z_\-]|$)"##,
    min_entropy: 3.5,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
