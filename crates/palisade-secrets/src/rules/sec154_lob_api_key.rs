//! SEC154: Lob API key.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Lob API key (Lob) in any text file: a value in the provider's documented format, looked for only near the keywords `lob`. Its Shannon entropy must be at least 3.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A Lob key sends physical mail billed to the account.
    /// ## Fix
    /// Revoke or rotate the credential with Lob now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://docs.lob.com/#section/Authentication
    pub static RULE = {
        id: "SEC154", practice: Sec, severity: Medium, title: "Lob API key",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Lob",
    keywords: &["lob"],
    pattern: r##"(?i)(?:lob[\w.\-]{0,20})[\w.\-]{0,25}(?:["\']?\s*(?:=|:=|:|=>)\s*["\']?|["\']\s*,\s*["\'])(?P<secret>(?:live|test)_[a-f0-9]{35})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.0,
    case_sensitive: false,
    check: Check::None,
    span: Span::Line,
};
