//! SEC139: Postman API key.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Postman API key (Postman) in any text file: a value in the provider's documented format, looked for only near the keywords `PMAK-`, `PMAT-`. Its Shannon entropy must be at least 3.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A Postman key reads collections and environments, which often hold more secrets.
    /// ## Fix
    /// Revoke or rotate the credential with Postman now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://learning.postman.com/docs/developer/postman-api/authentication/
    pub static RULE = {
        id: "SEC139", practice: Sec, severity: Medium, title: "Postman API key",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Postman",
    keywords: &["PMAK-", "PMAT-"],
    pattern: r##"(?:^|[^0-9A-Za-z_\-])(?P<secret>(?:PMAK-[a-f0-9]{24}-[a-f0-9]{34}|PMAT-[A-Z0-9]{26}))(?:[^0-9A-Za-z_\-]|$)"##,
    min_entropy: 3.0,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
