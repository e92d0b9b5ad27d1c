//! SEC020: GitHub fine-grained personal access token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A GitHub fine-grained personal access token (GitHub) in any text file: a value in the provider's documented format, looked for only near the keywords `github_pat_`. Its Shannon entropy must be at least 4.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A fine-grained PAT acts as its owner on the repositories and permissions it was given.
    /// ## Fix
    /// Revoke or rotate the credential with GitHub now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://docs.github.com/authentication/keeping-your-account-and-data-secure/managing-your-personal-access-tokens
    pub static RULE = {
        id: "SEC020", practice: Sec, severity: Critical, title: "GitHub fine-grained personal access token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "GitHub",
    keywords: &["github_pat_"],
    pattern: r##"(?:^|[^0-9A-Za-z_])(?P<secret>github_pat_[0-9A-Za-z_]{82})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 4.0,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
