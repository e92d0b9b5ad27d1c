//! SEC158: RapidAPI key.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A RapidAPI key (RapidAPI) in any text file: a value in the provider's documented format, looked for only near the keywords `rapidapi`. Its Shannon entropy must be at least 3.5 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A RapidAPI key calls subscribed APIs billed to the account.
    /// ## Fix
    /// Revoke or rotate the credential with RapidAPI now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://docs.rapidapi.com/docs/keys
    pub static RULE = {
        id: "SEC158", practice: Sec, severity: Medium, title: "RapidAPI key",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "RapidAPI",
    keywords: &["rapidapi"],
    pattern: r##"(?i)(?:rapidapi[\w.\-]{0,20})[\w.\-]{0,25}(?:["\']?\s*(?:=|:=|:|=>)\s*["\']?|["\']\s*,\s*["\'])(?P<secret>[a-zA-Z0-9_\-]{50})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.5,
    case_sensitive: false,
    check: Check::None,
    span: Span::Line,
};
