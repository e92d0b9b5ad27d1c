//! SEC160: Asana personal access token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Asana personal access token (Asana) in any text file: a value in the provider's documented format, looked for only near the keywords `asana`. Its Shannon entropy must be at least 3.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// An Asana token acts as the user in every workspace.
    /// ## Fix
    /// Revoke or rotate the credential with Asana now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://developers.asana.com/docs/personal-access-token
    pub static RULE = {
        id: "SEC160", practice: Sec, severity: Medium, title: "Asana personal access token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Asana",
    keywords: &["asana"],
    pattern: r##"(?i)(?:asana[\w.\-]{0,20})[\w.\-]{0,25}(?:["\']?\s*(?:=|:=|:|=>)\s*["\']?|["\']\s*,\s*["\'])(?P<secret>[0-9]/[0-9]{13,16}:[a-f0-9]{32})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.0,
    case_sensitive: false,
    check: Check::None,
    span: Span::Line,
};
