//! SEC073: HashiCorp Vault service token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A HashiCorp Vault service token (HashiCorp Vault) in any text file: a value in the provider's documented format, looked for only near the keywords `hvs.`. Its Shannon entropy must be at least 3.5 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A Vault token reads every secret its policies allow.
    /// ## Fix
    /// Revoke or rotate the credential with HashiCorp Vault now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://developer.hashicorp.com/vault/docs/concepts/tokens
    pub static RULE = {
        id: "SEC073", practice: Sec, severity: Critical, title: "HashiCorp Vault service token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "HashiCorp Vault",
    keywords: &["hvs."],
    pattern: r##"(?:^|[^0-9A-Za-z_])(?P<secret>hvs\.[A-Za-z0-9_\-]{90,120})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.5,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
