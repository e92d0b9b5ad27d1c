//! SEC159: Airtable personal access token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Airtable personal access token (Airtable) in any text file: a value in the provider's documented format, looked for only near the keywords `airtable`. Its Shannon entropy must be at least 3.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// An Airtable token reads and writes bases it was granted.
    /// ## Fix
    /// Revoke or rotate the credential with Airtable now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://airtable.com/developers/web/guides/personal-access-tokens
    pub static RULE = {
        id: "SEC159", practice: Sec, severity: Medium, title: "Airtable personal access token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Airtable",
    keywords: &["airtable"],
    pattern: r##"(?i)(?:airtable[\w.\-]{0,20})[\w.\-]{0,25}(?:["\']?\s*(?:=|:=|:|=>)\s*["\']?|["\']\s*,\s*["\'])(?P<secret>pat[a-zA-Z0-9]{14}\.[a-f0-9]{64})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.0,
    case_sensitive: false,
    check: Check::None,
    span: Span::Line,
};
