//! SEC174: Clojars deploy token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Clojars deploy token (Clojars) in any text file: a value in the provider's documented format, looked for only near the keywords `CLOJARS_`. Its Shannon entropy must be at least 3.5 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A deploy token publishes artifacts as the user.
    /// ## Fix
    /// Revoke or rotate the credential with Clojars now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://github.com/clojars/clojars-web/wiki/Deploy-Tokens
    pub static RULE = {
        id: "SEC174", practice: Sec, severity: High, title: "Clojars deploy token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Clojars",
    keywords: &["CLOJARS_"],
    pattern: r##"(?:^|[^0-9A-Za-z_])(?P<secret>CLOJARS_[a-z0-9]{60})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.5,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
