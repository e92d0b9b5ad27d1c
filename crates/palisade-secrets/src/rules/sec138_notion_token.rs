//! SEC138: Notion integration token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Notion integration token (Notion) in any text file: a value in the provider's documented format, looked for only near the keywords `ntn_`. Its Shannon entropy must be at least 3.5 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A Notion token reads and writes the pages shared with the integration.
    /// ## Fix
    /// Revoke or rotate the credential with Notion now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://developers.notion.com/docs/authorization
    pub static RULE = {
        id: "SEC138", practice: Sec, severity: Medium, title: "Notion integration token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Notion",
    keywords: &["ntn_"],
    pattern: r##"(?:^|[^0-9A-Za-z_])(?P<secret>ntn_[0-9]{9,11}[A-Za-z0-9]{35,37})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.5,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
