//! SEC198: Dropbox long-lived access token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Dropbox long-lived API access token (11 characters, ten `A` characters, then 43 characters) in any text file, looked for only near the run of ten `A`. The random part must not be a placeholder.
    /// ## Why it matters
    /// A long-lived Dropbox token reads and writes the files the app can reach, with no expiry.
    /// ## Fix
    /// Revoke or rotate the credential with Dropbox now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://developers.dropbox.com/oauth-guide
    pub static RULE = {
        id: "SEC198", practice: Sec, severity: High, title: "Dropbox long-lived access token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Dropbox",
    keywords: &["AAAAAAAAAA"],
    pattern: r##"(?:^|[^0-9A-Za-z_\-])(?P<secret>[A-Za-z0-9]{11}AAAAAAAAAA(?P<value>[A-Za-z0-9_\-]{43}))(?:[^0-9A-Za-z_\-]|$)"##,
    min_entropy: 0.0,
    case_sensitive: true,
    check: Check::InnerValue,
    span: Span::Line,
};
