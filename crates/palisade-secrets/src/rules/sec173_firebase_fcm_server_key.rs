//! SEC173: Firebase Cloud Messaging server key.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Firebase Cloud Messaging server key (GCP) in any text file: a value in the provider's documented format, looked for only near the keywords `AAAA`. Its Shannon entropy must be at least 4.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A server key sends push notifications to every user of the app.
    /// ## Fix
    /// Revoke or rotate the credential with GCP now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://firebase.google.com/docs/cloud-messaging/auth-server
    pub static RULE = {
        id: "SEC173", practice: Sec, severity: High, title: "Firebase Cloud Messaging server key",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "GCP",
    keywords: &["AAAA"],
    pattern: r##"(?:^|[^0-9A-Za-z_])(?P<secret>AAAA[a-zA-Z0-9_\-]{7}:[a-zA-Z0-9_\-]{140})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 4.0,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
