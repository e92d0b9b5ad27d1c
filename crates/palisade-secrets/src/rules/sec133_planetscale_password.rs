//! SEC133: PlanetScale database password.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A PlanetScale database password (PlanetScale) in any text file: a value in the provider's documented format, looked for only near the keywords `pscale_pw_`. Its Shannon entropy must be at least 3.5 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A PlanetScale password logs in to the database branch.
    /// ## Fix
    /// Revoke or rotate the credential with PlanetScale now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://planetscale.com/docs/concepts/connection-strings
    pub static RULE = {
        id: "SEC133", practice: Sec, severity: High, title: "PlanetScale database password",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "PlanetScale",
    keywords: &["pscale_pw_"],
    pattern: r##"(?:^|[^0-9A-Za-z_])(?P<secret>pscale_pw_[\w=.\-]{32,64})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.5,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
