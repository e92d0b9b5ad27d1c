//! SEC134: Fly.io access token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Fly.io access token (Fly.io) in any text file: a value in the provider's documented format, looked for only near the keywords `fo1_`, `fm1r_`, `fm2_`. Its Shannon entropy must be at least 3.5 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A Fly.io token deploys and reads secrets of the organization's apps.
    /// ## Fix
    /// Revoke or rotate the credential with Fly.io now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://fly.io/docs/security/tokens/
    pub static RULE = {
        id: "SEC134", practice: Sec, severity: High, title: "Fly.io access token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Fly.io",
    keywords: &["fo1_", "fm1r_", "fm2_"],
    pattern: r##"(?:^|[^0-9A-Za-z_])(?P<secret>(?:fo1_[\w\-]{43}|fm[12][ar]?_[a-zA-Z0-9+/]{100,}={0,3}))(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.5,
    case_sensitive: false,
    check: Check::None,
    span: Span::Line,
};
