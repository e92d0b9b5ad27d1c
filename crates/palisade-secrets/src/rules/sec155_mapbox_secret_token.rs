//! SEC155: Mapbox secret token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Mapbox secret token (Mapbox) in any text file: a value in the provider's documented format, looked for only near the keywords `sk.eyJ`. Its Shannon entropy must be at least 3.5 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A secret token manages styles and tilesets and downloads SDKs.
    /// ## Fix
    /// Revoke or rotate the credential with Mapbox now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://docs.mapbox.com/accounts/guides/tokens/
    pub static RULE = {
        id: "SEC155", practice: Sec, severity: Medium, title: "Mapbox secret token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Mapbox",
    keywords: &["sk.eyJ"],
    pattern: r##"(?:^|[^0-9A-Za-z_])(?P<secret>sk\.eyJ[A-Za-z0-9_\-]{60,}\.[A-Za-z0-9_\-]{22})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.5,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
