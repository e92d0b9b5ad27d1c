//! SEC053: Mailgun webhook signing key.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Mailgun webhook signing key (Mailgun) in any text file: a value in the provider's documented format, looked for only near the keywords `mailgun`. Its Shannon entropy must be at least 3.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// The signing key lets an attacker forge webhook events.
    /// ## Fix
    /// Revoke or rotate the credential with Mailgun now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://documentation.mailgun.com/docs/mailgun/user-manual/tracking-messages/
    pub static RULE = {
        id: "SEC053", practice: Sec, severity: Medium, title: "Mailgun webhook signing key",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Mailgun",
    keywords: &["mailgun"],
    pattern: r##"(?i)(?:mailgun[\w.\-]{0,20})[\w.\-]{0,25}(?:["\']?\s*(?:=|:=|:|=>)\s*["\']?|["\']\s*,\s*["\'])(?P<secret>[a-h0-9]{32}-[a-h0-9]{8}-[a-h0-9]{8})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.0,
    case_sensitive: false,
    check: Check::None,
    span: Span::Line,
};
