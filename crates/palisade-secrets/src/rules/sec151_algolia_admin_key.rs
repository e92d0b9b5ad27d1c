//! SEC151: Algolia admin API key.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Algolia admin API key (Algolia) in any text file: a value in the provider's documented format, looked for only near the keywords `algolia`. Its Shannon entropy must be at least 3.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// An admin key changes and deletes every index.
    /// ## Fix
    /// Revoke or rotate the credential with Algolia now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://www.algolia.com/doc/guides/security/api-keys/
    pub static RULE = {
        id: "SEC151", practice: Sec, severity: High, title: "Algolia admin API key",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Algolia",
    keywords: &["algolia"],
    pattern: r##"(?i)(?:algolia[\w.\-]{0,20}(?:admin|api|write)[_\-]?key)[\w.\-]{0,25}(?:["\']?\s*(?:=|:=|:|=>)\s*["\']?|["\']\s*,\s*["\'])(?P<secret>[a-f0-9]{32})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.0,
    case_sensitive: false,
    check: Check::None,
    span: Span::Line,
};
