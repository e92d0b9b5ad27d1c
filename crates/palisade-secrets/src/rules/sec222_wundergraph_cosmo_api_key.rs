//! SEC222: WunderGraph Cosmo API key.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A WunderGraph Cosmo API key (`cosmo_` followed by 32 hexadecimal digits) in any text file, looked for only near the keyword `cosmo_`. Its Shannon entropy must be at least 3.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A Cosmo API key publishes and deletes federated graphs and subgraph schemas of the organisation, and reads its analytics.
    /// ## Fix
    /// Revoke or rotate the credential with WunderGraph now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://cosmo-docs.wundergraph.com/studio/api-keys
    pub static RULE = {
        id: "SEC222", practice: Sec, severity: High, title: "WunderGraph Cosmo API key",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "WunderGraph",
    keywords: &["cosmo_"],
    pattern: r##"(?:^|[^0-9A-Za-z_])(?P<secret>cosmo_[0-9a-f]{32})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.0,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
