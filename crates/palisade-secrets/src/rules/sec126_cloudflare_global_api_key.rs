//! SEC126: Cloudflare global API key.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Cloudflare global API key (Cloudflare) in any text file: a value in the provider's documented format, looked for only near the keywords `cloudflare`, `cf_api`, `cf-api`. Its Shannon entropy must be at least 3.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// The global key is the whole Cloudflare account.
    /// ## Fix
    /// Revoke or rotate the credential with Cloudflare now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://developers.cloudflare.com/fundamentals/api/get-started/keys/
    pub static RULE = {
        id: "SEC126", practice: Sec, severity: Critical, title: "Cloudflare global API key",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Cloudflare",
    keywords: &["cloudflare", "cf_api", "cf-api"],
    pattern: r##"(?i)(?:cloudflare[\w.\-]{0,20}(?:key)|cf[_\-]api[_\-]?key)[\w.\-]{0,25}(?:["\']?\s*(?:=|:=|:|=>)\s*["\']?|["\']\s*,\s*["\'])(?P<secret>[a-f0-9]{37})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.0,
    case_sensitive: false,
    check: Check::None,
    span: Span::Line,
};
