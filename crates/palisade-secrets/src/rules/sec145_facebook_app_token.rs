//! SEC145: Facebook app access token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Facebook app access token (Facebook) in any text file: a value in the provider's documented format, looked for only near the keywords `facebook`. Its Shannon entropy must be at least 3.5 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// An app token acts as the Facebook application.
    /// ## Fix
    /// Revoke or rotate the credential with Facebook now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://developers.facebook.com/docs/facebook-login/guides/access-tokens
    pub static RULE = {
        id: "SEC145", practice: Sec, severity: High, title: "Facebook app access token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Facebook",
    keywords: &["facebook"],
    pattern: r##"(?:^|[^0-9A-Za-z_])(?P<secret>\d{15,16}(?:\||%7C)[0-9a-zA-Z_\-]{27,40})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.5,
    case_sensitive: false,
    check: Check::None,
    span: Span::Line,
};
