//! SEC196: Instagram access token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// An Instagram Graph / Basic Display API user access token (`IGQV…` or `IGAA…`, over 100 characters) in any text file, looked for only near the keywords `IGQV` and `IGAA`. Its Shannon entropy must be at least 3.5 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// An Instagram user token reads the account's media and profile, and with publishing permissions posts as it.
    /// ## Fix
    /// Revoke or rotate the credential with Instagram now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://developers.facebook.com/docs/instagram-platform/reference/access_token
    pub static RULE = {
        id: "SEC196", practice: Sec, severity: High, title: "Instagram access token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Instagram",
    keywords: &["IGQV", "IGAA"],
    pattern: r##"(?:^|[^0-9A-Za-z_\-])(?P<secret>IG(?:QV|AA)[A-Za-z0-9_\-]{100,300})(?:[^0-9A-Za-z_\-]|$)"##,
    min_entropy: 3.5,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
