//! SEC177: Cloudflare API token (prefixed form).

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Cloudflare API token (prefixed form) (Cloudflare) in any text file: a value in the provider's documented format, looked for only near the keywords `cfat_`, `cfut_`, `cfk_`. Its Shannon entropy must be at least 3.5 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A Cloudflare token changes DNS, WAF and Workers of the zones it covers.
    /// ## Fix
    /// Revoke or rotate the credential with Cloudflare now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://developers.cloudflare.com/fundamentals/api/get-started/create-token/
    pub static RULE = {
        id: "SEC177", practice: Sec, severity: High, title: "Cloudflare API token (prefixed form)",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Cloudflare",
    keywords: &["cfat_", "cfut_", "cfk_"],
    pattern: r##"(?:^|[^0-9A-Za-z_])(?P<secret>cf(?:at|ut|k)_[A-Za-z0-9]{40,60})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.5,
    case_sensitive: false,
    check: Check::None,
    span: Span::Line,
};
