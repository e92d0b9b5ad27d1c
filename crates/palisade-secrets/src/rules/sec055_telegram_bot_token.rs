//! SEC055: Telegram bot token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Telegram bot token (Telegram) in any text file: a value in the provider's documented format, looked for only near the keywords `:AA`. Its Shannon entropy must be at least 3.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A bot token controls the bot: reads every message sent to it and posts as it.
    /// ## Fix
    /// Revoke or rotate the credential with Telegram now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://core.telegram.org/bots/api#authorizing-your-bot
    pub static RULE = {
        id: "SEC055", practice: Sec, severity: High, title: "Telegram bot token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Telegram",
    keywords: &[":AA"],
    pattern: r##"(?:^|[^0-9A-Za-z_])(?P<secret>[0-9]{8,10}:AA[0-9A-Za-z_\-]{33})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.0,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
