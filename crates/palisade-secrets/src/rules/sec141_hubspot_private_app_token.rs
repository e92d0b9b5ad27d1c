//! SEC141: HubSpot private app token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A HubSpot private app token (HubSpot) in any text file: a value in the provider's documented format, looked for only near the keywords `pat-na1-`, `pat-eu1-`. Its Shannon entropy must be at least 3.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A HubSpot token reads CRM contacts (personal data) and changes them.
    /// ## Fix
    /// Revoke or rotate the credential with HubSpot now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://developers.hubspot.com/docs/api/private-apps
    pub static RULE = {
        id: "SEC141", practice: Sec, severity: High, title: "HubSpot private app token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "HubSpot",
    keywords: &["pat-na1-", "pat-eu1-"],
    pattern: r##"(?:^|[^0-9A-Za-z_\-])(?P<secret>pat-(?:na|eu)1-[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12})(?:[^0-9A-Za-z_\-]|$)"##,
    min_entropy: 3.0,
    case_sensitive: false,
    check: Check::None,
    span: Span::Line,
};
