//! SEC007: Google API key.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Google API key (GCP) in any text file: a value in the provider's documented format, looked for only near the keywords `AIza`. Its Shannon entropy must be at least 3.5 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A Google API key calls the APIs enabled on its project, billed to that project.
    /// ## Fix
    /// Revoke or rotate the credential with GCP now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://cloud.google.com/docs/authentication/api-keys
    pub static RULE = {
        id: "SEC007", practice: Sec, severity: High, title: "Google API key",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "GCP",
    keywords: &["AIza"],
    pattern: r##"(?:^|[^0-9A-Za-z_])(?P<secret>AIza[0-9A-Za-z_\-]{35})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.5,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
