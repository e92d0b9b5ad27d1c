//! SEC104: xAI API key.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A xAI API key (xAI) in any text file: a value in the provider's documented format, looked for only near the keywords `xai-`. Its Shannon entropy must be at least 3.5 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// An xAI key runs models billed to the account.
    /// ## Fix
    /// Revoke or rotate the credential with xAI now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://docs.x.ai/
    pub static RULE = {
        id: "SEC104", practice: Sec, severity: High, title: "xAI API key",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "xAI",
    keywords: &["xai-"],
    pattern: r##"(?:^|[^0-9A-Za-z_])(?P<secret>xai-[a-zA-Z0-9]{80})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.5,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
