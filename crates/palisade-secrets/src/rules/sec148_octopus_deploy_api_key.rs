//! SEC148: Octopus Deploy API key.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Octopus Deploy API key (Octopus Deploy) in any text file: a value in the provider's documented format, looked for only near the keywords `API-`. Its Shannon entropy must be at least 3.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// An Octopus key deploys releases to every environment the user can reach.
    /// ## Fix
    /// Revoke or rotate the credential with Octopus Deploy now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://octopus.com/docs/octopus-rest-api/how-to-create-an-api-key
    pub static RULE = {
        id: "SEC148", practice: Sec, severity: High, title: "Octopus Deploy API key",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Octopus Deploy",
    keywords: &["API-"],
    pattern: r##"(?:^|[^0-9A-Za-z_])(?P<secret>API-[A-Z0-9]{26})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.0,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
