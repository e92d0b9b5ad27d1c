//! SEC144: Facebook page access token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Facebook page access token (Facebook) in any text file: a value in the provider's documented format, looked for only near the keywords `EAAM`, `EAAC`. Its Shannon entropy must be at least 4.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A page token posts as the page and reads its messages.
    /// ## Fix
    /// Revoke or rotate the credential with Facebook now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://developers.facebook.com/docs/facebook-login/guides/access-tokens
    pub static RULE = {
        id: "SEC144", practice: Sec, severity: High, title: "Facebook page access token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Facebook",
    keywords: &["EAAM", "EAAC"],
    pattern: r##"(?:^|[^0-9A-Za-z_+/])(?P<secret>EAA[MC][a-zA-Z0-9]{100,})(?:[^0-9A-Za-z_+/]|$)"##,
    min_entropy: 4.0,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
