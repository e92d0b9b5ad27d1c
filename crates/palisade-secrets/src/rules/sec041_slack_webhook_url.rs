//! SEC041: Slack incoming webhook URL.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Slack incoming webhook URL (Slack) in any text file: a value in the provider's documented format, looked for only near the keywords `hooks.slack.com`. Its Shannon entropy must be at least 3.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A webhook URL posts messages into a channel: phishing from inside the workspace.
    /// ## Fix
    /// Revoke or rotate the credential with Slack now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://api.slack.com/messaging/webhooks
    pub static RULE = {
        id: "SEC041", practice: Sec, severity: Medium, title: "Slack incoming webhook URL",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Slack",
    keywords: &["hooks.slack.com"],
    pattern: r##"(?i)(?P<secret>(?:https?://)?hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9+/]{43,56}|(?:https?://)?hooks\.slack\.com/(?:services|workflows|triggers)/T[A-Z0-9]{6,12}/[A-Z0-9]{6,12}/[A-Za-z0-9]{16,32}|(?:https?://)?hooks\.slack\.com/workflows/T[A-Z0-9]{6,12}/A[A-Z0-9]{6,12}/\d{10,20}/[A-Za-z0-9]{16,32})"##,
    min_entropy: 3.0,
    case_sensitive: false,
    check: Check::None,
    span: Span::Line,
};
