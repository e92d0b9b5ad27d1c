//! SEC161: Dropbox long-lived access token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Dropbox long-lived access token (Dropbox) in any text file: a value in the provider's documented format, looked for only near the keywords `sl.`. Its Shannon entropy must be at least 3.5 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A Dropbox token reads and writes the user's files.
    /// ## Fix
    /// Revoke or rotate the credential with Dropbox now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://developers.dropbox.com/oauth-guide
    pub static RULE = {
        id: "SEC161", practice: Sec, severity: High, title: "Dropbox long-lived access token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Dropbox",
    keywords: &["sl."],
    pattern: r##"(?i)(?:dropbox[\w.\-]{0,20})[\w.\-]{0,25}(?:["\']?\s*(?:=|:=|:|=>)\s*["\']?|["\']\s*,\s*["\'])(?P<secret>sl\.[a-zA-Z0-9_\-]{130,160})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.5,
    case_sensitive: false,
    check: Check::None,
    span: Span::Line,
};
