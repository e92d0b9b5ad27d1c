//! SEC036: Slack bot token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Slack bot token (Slack) in any text file: a value in the provider's documented format, looked for only near the keywords `xoxb-`. Its Shannon entropy must be at least 3.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A bot token posts and reads messages in every channel the app is in.
    /// ## Fix
    /// Revoke or rotate the credential with Slack now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://api.slack.com/authentication/token-types
    pub static RULE = {
        id: "SEC036", practice: Sec, severity: High, title: "Slack bot token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Slack",
    keywords: &["xoxb-"],
    pattern: r##"(?:^|[^0-9A-Za-z_])(?P<secret>xoxb-[0-9]{8,13}-(?:[0-9]{8,13}-)?(?P<value>[a-zA-Z0-9\-]{10,48}))(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.0,
    case_sensitive: true,
    check: Check::InnerValue,
    span: Span::Line,
};
