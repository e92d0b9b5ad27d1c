//! SEC058: Discord OAuth client secret.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Discord OAuth client secret (Discord) in any text file: a value in the provider's documented format, looked for only near the keywords `discord`. Its Shannon entropy must be at least 3.5 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// The client secret lets anyone act as the Discord application.
    /// ## Fix
    /// Revoke or rotate the credential with Discord now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://discord.com/developers/docs/topics/oauth2
    pub static RULE = {
        id: "SEC058", practice: Sec, severity: High, title: "Discord OAuth client secret",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Discord",
    keywords: &["discord"],
    pattern: r##"(?i)(?:discord[\w.\-]{0,20}(?:client[_\-]?secret|secret))[\w.\-]{0,25}(?:["\']?\s*(?:=|:=|:|=>)\s*["\']?|["\']\s*,\s*["\'])(?P<secret>[a-zA-Z0-9=_\-]{32})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.5,
    case_sensitive: false,
    check: Check::None,
    span: Span::Line,
};
