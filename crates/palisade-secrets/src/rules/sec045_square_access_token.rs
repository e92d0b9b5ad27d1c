//! SEC045: Square access token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Square access token (Square) in any text file: a value in the provider's documented format, looked for only near the keywords `sq0atp-`, `EAAA`. Its Shannon entropy must be at least 3.5 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A Square access token takes payments and reads merchant data.
    /// ## Fix
    /// Revoke or rotate the credential with Square now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://developer.squareup.com/docs/build-basics/access-tokens
    pub static RULE = {
        id: "SEC045", practice: Sec, severity: High, title: "Square access token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Square",
    keywords: &["sq0atp-", "EAAA"],
    pattern: r##"(?:^|[^0-9A-Za-z_])(?P<secret>(?:sq0atp-[0-9A-Za-z_\-]{22}|EAAA[a-zA-Z0-9_\-]{60}))(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.5,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
