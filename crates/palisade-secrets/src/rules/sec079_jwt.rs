//! SEC079: JSON Web Token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A JSON Web Token (JWT) in any text file: a value in the provider's documented format, looked for only near the keywords `eyJ`. The header must decode to a JSON object naming its algorithm.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A JWT is a bearer credential: whoever holds it is the subject until it expires, and many never do.
    /// ## Fix
    /// Revoke or rotate the credential with JWT now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://datatracker.ietf.org/doc/html/rfc7519
    pub static RULE = {
        id: "SEC079", practice: Sec, severity: Medium, title: "JSON Web Token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "JWT",
    keywords: &["eyJ"],
    pattern: r##"(?:^|[^0-9A-Za-z_\-])(?P<secret>eyJ[A-Za-z0-9_\-]{10,}\.eyJ[A-Za-z0-9_\-]{10,}(?:\.[A-Za-z0-9_\-]{10,})?)(?:[^0-9A-Za-z_\-.]|$)"##,
    min_entropy: 0.0,
    case_sensitive: true,
    check: Check::Jwt,
    span: Span::Line,
};
