//! SEC035: Atlassian API token (legacy 24-character form).

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Atlassian API token (legacy 24-character form) (Atlassian) in any text file: a value in the provider's documented format, looked for only near the keywords `atlassian`, `confluence`, `jira`. Its Shannon entropy must be at least 3.8 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A legacy Atlassian API token acts as the user in Jira and Confluence.
    /// ## Fix
    /// Revoke or rotate the credential with Atlassian now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://support.atlassian.com/atlassian-account/docs/manage-api-tokens-for-your-atlassian-account/
    pub static RULE = {
        id: "SEC035", practice: Sec, severity: High, title: "Atlassian API token (legacy 24-character form)",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Atlassian",
    keywords: &["atlassian", "confluence", "jira"],
    pattern: r##"(?i)(?:atlassian|confluence|jira)[\w.\-]{0,25}(?:["\']?\s*(?:=|:=|:|=>)\s*["\']?|["\']\s*,\s*["\'])(?P<secret>[a-zA-Z0-9]{24})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.8,
    case_sensitive: false,
    check: Check::None,
    span: Span::Line,
};
