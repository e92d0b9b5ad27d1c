//! SEC008: Google OAuth client secret.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Google OAuth client secret (GCP) in any text file: a value in the provider's documented format, looked for only near the keywords `GOCSPX-`. Its Shannon entropy must be at least 3.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// The OAuth client secret lets anyone impersonate the application in OAuth flows.
    /// ## Fix
    /// Revoke or rotate the credential with GCP now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://developers.google.com/identity/protocols/oauth2
    pub static RULE = {
        id: "SEC008", practice: Sec, severity: High, title: "Google OAuth client secret",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "GCP",
    keywords: &["GOCSPX-"],
    pattern: r##"(?:^|[^0-9A-Za-z_])(?P<secret>GOCSPX-[0-9A-Za-z_\-]{28})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.0,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
