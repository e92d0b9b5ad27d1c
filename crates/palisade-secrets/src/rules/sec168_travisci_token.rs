//! SEC168: Travis CI access token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Travis CI access token (Travis CI) in any text file: a value in the provider's documented format, looked for only near the keywords `travis`. Its Shannon entropy must be at least 3.5 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A Travis token triggers builds and reads settings.
    /// ## Fix
    /// Revoke or rotate the credential with Travis CI now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://docs.travis-ci.com/user/triggering-builds/
    pub static RULE = {
        id: "SEC168", practice: Sec, severity: Medium, title: "Travis CI access token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Travis CI",
    keywords: &["travis"],
    pattern: r##"(?i)(?:travis[\w.\-]{0,20}(?:token|key))[\w.\-]{0,25}(?:["\']?\s*(?:=|:=|:|=>)\s*["\']?|["\']\s*,\s*["\'])(?P<secret>[a-zA-Z0-9_\-]{22})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.5,
    case_sensitive: false,
    check: Check::None,
    span: Span::Line,
};
