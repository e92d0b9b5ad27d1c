//! SEC195: X (Twitter) app-only bearer token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// An X (Twitter) API app-only bearer token (21 `A` characters, then a URL-encoded random part) in any text file, looked for only near that run of `A`. The random part must not be a placeholder.
    /// ## Why it matters
    /// An app-only bearer token reads the X API as the app, within its rate limits and access level.
    /// ## Fix
    /// Revoke or rotate the credential with X (Twitter) now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://developer.x.com/en/docs/authentication/oauth-2-0/bearer-tokens
    pub static RULE = {
        id: "SEC195", practice: Sec, severity: High, title: "X (Twitter) app-only bearer token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "X (Twitter)",
    keywords: &["AAAAAAAAAAAAAAAAAAAAA"],
    pattern: r##"(?:^|[^0-9A-Za-z])(?P<secret>AAAAAAAAAAAAAAAAAAAAA(?P<value>[A-Za-z0-9%]{30,200}))(?:[^0-9A-Za-z%]|$)"##,
    min_entropy: 0.0,
    case_sensitive: true,
    check: Check::InnerValue,
    span: Span::Line,
};
