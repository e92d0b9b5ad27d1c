//! SEC140: Figma personal access token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Figma personal access token (Figma) in any text file: a value in the provider's documented format, looked for only near the keywords `figd_`. Its Shannon entropy must be at least 3.5 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A Figma token reads every file the user can see.
    /// ## Fix
    /// Revoke or rotate the credential with Figma now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://www.figma.com/developers/api#access-tokens
    pub static RULE = {
        id: "SEC140", practice: Sec, severity: Medium, title: "Figma personal access token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Figma",
    keywords: &["figd_"],
    pattern: r##"(?:^|[^0-9A-Za-z_])(?P<secret>figd_[A-Za-z0-9_\-]{40})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.5,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
