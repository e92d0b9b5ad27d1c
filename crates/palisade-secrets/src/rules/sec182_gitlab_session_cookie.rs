//! SEC182: GitLab session cookie.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A GitLab session cookie (GitLab) in any text file: a value in the provider's documented format, looked for only near the keywords `_gitlab_session=`. Its Shannon entropy must be at least 3.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A session cookie is a logged-in browser session of the user.
    /// ## Fix
    /// Revoke or rotate the credential with GitLab now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://docs.gitlab.com/ee/security/token_overview.html
    pub static RULE = {
        id: "SEC182", practice: Sec, severity: Medium, title: "GitLab session cookie",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "GitLab",
    keywords: &["_gitlab_session="],
    pattern: r##"_gitlab_session=(?P<secret>[0-9a-f]{32})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.0,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
