//! SEC171: Mattermost access token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Mattermost access token (Mattermost) in any text file: a value in the provider's documented format, looked for only near the keywords `mattermost`. Its Shannon entropy must be at least 3.5 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A Mattermost token posts and reads as the user or bot.
    /// ## Fix
    /// Revoke or rotate the credential with Mattermost now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://developers.mattermost.com/integrate/reference/personal-access-token/
    pub static RULE = {
        id: "SEC171", practice: Sec, severity: Medium, title: "Mattermost access token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Mattermost",
    keywords: &["mattermost"],
    pattern: r##"(?i)(?:mattermost[\w.\-]{0,20}(?:token|key))[\w.\-]{0,25}(?:["\']?\s*(?:=|:=|:|=>)\s*["\']?|["\']\s*,\s*["\'])(?P<secret>[a-z0-9]{26})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.5,
    case_sensitive: false,
    check: Check::None,
    span: Span::Line,
};
