//! SEC167: CircleCI personal API token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A CircleCI personal API token (CircleCI) in any text file: a value in the provider's documented format, looked for only near the keywords `circle`. Its Shannon entropy must be at least 3.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A CircleCI token triggers pipelines and reads project environment variables.
    /// ## Fix
    /// Revoke or rotate the credential with CircleCI now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://circleci.com/docs/managing-api-tokens/
    pub static RULE = {
        id: "SEC167", practice: Sec, severity: High, title: "CircleCI personal API token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "CircleCI",
    keywords: &["circle"],
    pattern: r##"(?i)(?:circle[\w.\-]{0,20}(?:token|key))[\w.\-]{0,25}(?:["\']?\s*(?:=|:=|:|=>)\s*["\']?|["\']\s*,\s*["\'])(?P<secret>(?:CCIPAT_[A-Za-z0-9]{22}_[a-f0-9]{40}|[a-f0-9]{40}))(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.0,
    case_sensitive: false,
    check: Check::None,
    span: Span::Line,
};
