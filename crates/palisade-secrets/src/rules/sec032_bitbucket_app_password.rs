//! SEC032: Bitbucket app password / access token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Bitbucket app password / access token (Bitbucket) in any text file: a value in the provider's documented format, looked for only near the keywords `ATBB`, `ATCTT3`. Its Shannon entropy must be at least 3.5 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A Bitbucket app password or access token reads and writes repositories as its owner.
    /// ## Fix
    /// Revoke or rotate the credential with Bitbucket now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://support.atlassian.com/bitbucket-cloud/docs/app-passwords/
    pub static RULE = {
        id: "SEC032", practice: Sec, severity: High, title: "Bitbucket app password / access token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Bitbucket",
    keywords: &["ATBB", "ATCTT3"],
    pattern: r##"(?:^|[^0-9A-Za-z_])(?P<secret>(?:ATBB|ATCTT3)[a-zA-Z0-9_\-=.]{32,200})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.5,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
