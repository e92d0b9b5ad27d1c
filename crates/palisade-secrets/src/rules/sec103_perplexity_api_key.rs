//! SEC103: Perplexity API key.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Perplexity API key (Perplexity) in any text file: a value in the provider's documented format, looked for only near the keywords `pplx-`. Its Shannon entropy must be at least 3.5 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A Perplexity key runs queries billed to the account.
    /// ## Fix
    /// Revoke or rotate the credential with Perplexity now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://docs.perplexity.ai/
    pub static RULE = {
        id: "SEC103", practice: Sec, severity: High, title: "Perplexity API key",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Perplexity",
    keywords: &["pplx-"],
    pattern: r##"(?:^|[^0-9A-Za-z_])(?P<secret>pplx-[a-zA-Z0-9]{48})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.5,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
