//! SEC054: Mailchimp API key.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Mailchimp API key (Mailchimp) in any text file: a value in the provider's documented format, looked for only near the keywords `-us`. Its Shannon entropy must be at least 3.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A Mailchimp key reads audiences (personal data) and sends campaigns.
    /// ## Fix
    /// Revoke or rotate the credential with Mailchimp now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://mailchimp.com/developer/marketing/guides/quick-start/
    pub static RULE = {
        id: "SEC054", practice: Sec, severity: High, title: "Mailchimp API key",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Mailchimp",
    keywords: &["-us"],
    pattern: r##"(?:^|[^0-9A-Za-z_])(?P<secret>[0-9a-f]{32}-us[0-9]{1,2})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.0,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
