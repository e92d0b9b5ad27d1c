//! SEC128: Okta API token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Okta API token (Okta) in any text file: a value in the provider's documented format, looked for only near the keywords `okta`. Its Shannon entropy must be at least 3.5 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// An Okta API token administers the identity provider: users, groups, applications.
    /// ## Fix
    /// Revoke or rotate the credential with Okta now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://developer.okta.com/docs/guides/create-an-api-token/
    pub static RULE = {
        id: "SEC128", practice: Sec, severity: Critical, title: "Okta API token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Okta",
    keywords: &["okta"],
    pattern: r##"(?i)(?:okta[\w.\-]{0,20}(?:token|key|secret))[\w.\-]{0,25}(?:["\']?\s*(?:=|:=|:|=>)\s*["\']?|["\']\s*,\s*["\'])(?P<secret>00[A-Za-z0-9_\-]{40})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.5,
    case_sensitive: false,
    check: Check::None,
    span: Span::Line,
};
