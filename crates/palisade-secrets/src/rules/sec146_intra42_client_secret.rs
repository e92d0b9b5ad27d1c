//! SEC146: 42 Intra client secret.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A 42 Intra client secret (42 Intra) in any text file: a value in the provider's documented format, looked for only near the keywords `s-s4t2`. Its Shannon entropy must be at least 3.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// The client secret acts as the 42 Intra OAuth application.
    /// ## Fix
    /// Revoke or rotate the credential with 42 Intra now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://api.intra.42.fr/apidoc
    pub static RULE = {
        id: "SEC146", practice: Sec, severity: Medium, title: "42 Intra client secret",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "42 Intra",
    keywords: &["s-s4t2"],
    pattern: r##"(?:^|[^0-9A-Za-z_\-])(?P<secret>s-s4t2(?:ud|af)-[a-f0-9]{64})(?:[^0-9A-Za-z_\-]|$)"##,
    min_entropy: 3.0,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
