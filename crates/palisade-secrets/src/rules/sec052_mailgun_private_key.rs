//! SEC052: Mailgun private API key.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Mailgun private API key (Mailgun) in any text file: a value in the provider's documented format, looked for only near the keywords `key-`. Its Shannon entropy must be at least 3.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A Mailgun private key sends mail and reads logs and mailing lists.
    /// ## Fix
    /// Revoke or rotate the credential with Mailgun now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://documentation.mailgun.com/docs/mailgun/api-reference/authentication
    pub static RULE = {
        id: "SEC052", practice: Sec, severity: High, title: "Mailgun private API key",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Mailgun",
    keywords: &["key-"],
    pattern: r##"(?:^|[^0-9A-Za-z_])(?P<secret>key-[0-9a-f]{32})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.0,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
