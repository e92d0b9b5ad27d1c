//! SEC127: Cloudflare Origin CA key.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Cloudflare Origin CA key (Cloudflare) in any text file: a value in the provider's documented format, looked for only near the keywords `v1.0-`. Its Shannon entropy must be at least 3.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// An Origin CA key issues certificates for the account's zones.
    /// ## Fix
    /// Revoke or rotate the credential with Cloudflare now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://developers.cloudflare.com/fundamentals/api/get-started/ca-keys/
    pub static RULE = {
        id: "SEC127", practice: Sec, severity: High, title: "Cloudflare Origin CA key",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Cloudflare",
    keywords: &["v1.0-"],
    pattern: r##"(?:^|[^0-9A-Za-z_\-])(?P<secret>v1\.0-[a-f0-9]{24}-[a-f0-9]{146})(?:[^0-9A-Za-z_\-]|$)"##,
    min_entropy: 3.0,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
