//! SEC119: Sumo Logic access key.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Sumo Logic access key (Sumo Logic) in any text file: a value in the provider's documented format, looked for only near the keywords `sumo`. Its Shannon entropy must be at least 4.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A Sumo Logic access key queries logs and changes collectors.
    /// ## Fix
    /// Revoke or rotate the credential with Sumo Logic now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://help.sumologic.com/docs/manage/security/access-keys/
    pub static RULE = {
        id: "SEC119", practice: Sec, severity: High, title: "Sumo Logic access key",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Sumo Logic",
    keywords: &["sumo"],
    pattern: r##"(?i)(?:sumo[\w.\-]{0,20}(?:access[_\-]?key|secret))[\w.\-]{0,25}(?:["\']?\s*(?:=|:=|:|=>)\s*["\']?|["\']\s*,\s*["\'])(?P<secret>[A-Za-z0-9]{64})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 4.0,
    case_sensitive: false,
    check: Check::None,
    span: Span::Line,
};
