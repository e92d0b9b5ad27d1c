//! SEC056: Discord bot token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Discord bot token (Discord) in any text file: a value in the provider's documented format, looked for only near the keywords `discord`. Its Shannon entropy must be at least 3.5 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A bot token controls the bot in every server it joined.
    /// ## Fix
    /// Revoke or rotate the credential with Discord now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://discord.com/developers/docs/reference#authentication
    pub static RULE = {
        id: "SEC056", practice: Sec, severity: High, title: "Discord bot token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Discord",
    keywords: &["discord"],
    pattern: r##"(?i)(?:discord[\w.\-]{0,20}(?:token|secret|key))[\w.\-]{0,25}(?:["\']?\s*(?:=|:=|:|=>)\s*["\']?|["\']\s*,\s*["\'])(?P<secret>[MNO][A-Za-z\d_\-]{23,27}\.[\w\-]{6}\.[\w\-]{27,38})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.5,
    case_sensitive: false,
    check: Check::None,
    span: Span::Line,
};
