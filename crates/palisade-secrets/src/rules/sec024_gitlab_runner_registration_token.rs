//! SEC024: GitLab runner registration token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A GitLab runner registration token (GitLab) in any text file: a value in the provider's documented format, looked for only near the keywords `GR1348941`. Its Shannon entropy must be at least 3.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A GitLab runner registration token authenticates to the GitLab instance with the rights of its owner or runner.
    /// ## Fix
    /// Revoke or rotate the credential with GitLab now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://docs.gitlab.com/ee/security/token_overview.html
    pub static RULE = {
        id: "SEC024", practice: Sec, severity: High, title: "GitLab runner registration token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "GitLab",
    keywords: &["GR1348941"],
    pattern: r##"(?:^|[^0-9A-Za-z_\-])(?P<secret>GR1348941[0-9A-Za-z_\-]{19,}[0-9A-Za-z])(?:[^0-9A-Za-z_\-]|$)"##,
    min_entropy: 3.0,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
