//! SEC050: Twilio auth token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Twilio auth token (Twilio) in any text file: a value in the provider's documented format, looked for only near the keywords `twilio`. Its Shannon entropy must be at least 3.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// The auth token is the account password for the Twilio API.
    /// ## Fix
    /// Revoke or rotate the credential with Twilio now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://www.twilio.com/docs/iam/api/authtoken
    pub static RULE = {
        id: "SEC050", practice: Sec, severity: Critical, title: "Twilio auth token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Twilio",
    keywords: &["twilio"],
    pattern: r##"(?i)(?:twilio[\w.\-]{0,20}(?:auth|token|secret))[\w.\-]{0,25}(?:["\']?\s*(?:=|:=|:|=>)\s*["\']?|["\']\s*,\s*["\'])(?P<secret>[0-9a-f]{32})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.0,
    case_sensitive: false,
    check: Check::None,
    span: Span::Line,
};
