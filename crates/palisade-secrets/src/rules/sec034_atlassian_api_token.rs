//! SEC034: Atlassian API token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Atlassian API token (Atlassian) in any text file: a value in the provider's documented format, looked for only near the keywords `ATATT3`. The `=` before the 8-character checksum may be escaped (`\\=`, `%3D`), as it is when the token is pasted into a shell command or a URL. Its Shannon entropy must be at least 4.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// An Atlassian API token acts as the user in Jira, Confluence and Bitbucket.
    /// ## Fix
    /// Revoke or rotate the credential with Atlassian now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://support.atlassian.com/atlassian-account/docs/manage-api-tokens-for-your-atlassian-account/
    pub static RULE = {
        id: "SEC034", practice: Sec, severity: High, title: "Atlassian API token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Atlassian",
    keywords: &["ATATT3"],
    pattern: r##"(?:^|[^0-9A-Za-z_])(?P<secret>ATATT3[A-Za-z0-9_\-=]{186}|ATATT3[A-Za-z0-9_\-]{150,200}(?:\\=|%3[Dd])[A-F0-9]{8})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 4.0,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
