//! SEC046: Square OAuth application secret.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Square OAuth application secret (Square) in any text file: a value in the provider's documented format, looked for only near the keywords `sq0csp-`, also inside ANSI colour codes (a token copied from a coloured terminal log). Its Shannon entropy must be at least 3.5 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// The OAuth secret lets anyone act as the Square application.
    /// ## Fix
    /// Revoke or rotate the credential with Square now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://developer.squareup.com/docs/oauth-api/overview
    pub static RULE = {
        id: "SEC046", practice: Sec, severity: High, title: "Square OAuth application secret",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Square",
    keywords: &["sq0csp-"],
    pattern: r##"(?:^|[^0-9A-Za-z_]|\x1b\[[0-9;]{1,12}m)(?P<secret>sq0csp-[0-9A-Za-z_\-]{43})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.5,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
