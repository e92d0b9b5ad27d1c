//! SEC117: Grafana API key.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Grafana API key (Grafana) in any text file: a value in the provider's documented format, looked for only near the keywords `eyJrIjoi`. Its Shannon entropy must be at least 3.5 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A Grafana API key acts on the instance with its role.
    /// ## Fix
    /// Revoke or rotate the credential with Grafana now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://grafana.com/docs/grafana/latest/administration/service-accounts/
    pub static RULE = {
        id: "SEC117", practice: Sec, severity: High, title: "Grafana API key",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Grafana",
    keywords: &["eyJrIjoi"],
    pattern: r##"(?:^|[^0-9A-Za-z_])(?P<secret>eyJrIjoi[A-Za-z0-9]{70,400}={0,2})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.5,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
