//! SEC123: DigitalOcean OAuth access token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A DigitalOcean OAuth access token (DigitalOcean) in any text file: a value in the provider's documented format, looked for only near the keywords `doo_v1_`. Its Shannon entropy must be at least 3.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A DigitalOcean OAuth access token creates, reads and destroys droplets, databases and volumes.
    /// ## Fix
    /// Revoke or rotate the credential with DigitalOcean now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://docs.digitalocean.com/reference/api/create-personal-access-token/
    pub static RULE = {
        id: "SEC123", practice: Sec, severity: Critical, title: "DigitalOcean OAuth access token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "DigitalOcean",
    keywords: &["doo_v1_"],
    pattern: r##"(?:^|[^0-9A-Za-z_])(?P<secret>doo_v1_[a-f0-9]{64})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.0,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
