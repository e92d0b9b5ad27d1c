//! SEC192: Together AI API key.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Together AI API key (`tgp_v1_` followed by 43 characters) in any text file, looked for only near the keyword `tgp_v1_`. Its Shannon entropy must be at least 3.5 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A Together AI key runs inference and fine-tuning billed to the account.
    /// ## Fix
    /// Revoke or rotate the credential with Together AI now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://docs.together.ai/reference/authentication-1
    pub static RULE = {
        id: "SEC192", practice: Sec, severity: High, title: "Together AI API key",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Together AI",
    keywords: &["tgp_v1_"],
    pattern: r##"(?:^|[^0-9A-Za-z_\-])(?P<secret>tgp_v1_[A-Za-z0-9_\-]{43})(?:[^0-9A-Za-z_\-]|$)"##,
    min_entropy: 3.5,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
