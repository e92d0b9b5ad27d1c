//! SEC116: Grafana service account token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Grafana service account token (Grafana) in any text file: a value in the provider's documented format, looked for only near the keywords `glsa_`. Its Shannon entropy must be at least 3.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A service account token acts on the Grafana instance with its role.
    /// ## Fix
    /// Revoke or rotate the credential with Grafana now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://grafana.com/docs/grafana/latest/administration/service-accounts/
    pub static RULE = {
        id: "SEC116", practice: Sec, severity: High, title: "Grafana service account token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Grafana",
    keywords: &["glsa_"],
    pattern: r##"(?:^|[^0-9A-Za-z_])(?P<secret>glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.0,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
