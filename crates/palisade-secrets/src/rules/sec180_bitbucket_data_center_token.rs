//! SEC180: Bitbucket Data Center HTTP access token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Bitbucket Data Center HTTP access token (Bitbucket) in any text file: a value in the provider's documented format, looked for only near the keywords `BBDC-`. Its Shannon entropy must be at least 3.5 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// An HTTP access token reads and writes the repositories of its project as a bot user.
    /// ## Fix
    /// Revoke or rotate the credential with Bitbucket now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://confluence.atlassian.com/bitbucketserver/http-access-tokens-939515499.html
    pub static RULE = {
        id: "SEC180", practice: Sec, severity: High, title: "Bitbucket Data Center HTTP access token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Bitbucket",
    keywords: &["BBDC-"],
    pattern: r##"(?:^|[^0-9A-Za-z_\-])(?P<secret>BBDC-[A-Za-z0-9+/@_\-]{44})(?:[^0-9A-Za-z_\-]|$)"##,
    min_entropy: 3.5,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
