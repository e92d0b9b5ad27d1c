//! SEC037: Slack user token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Slack user token (Slack) in any text file: a value in the provider's documented format, looked for only near the keywords `xoxp-`, `xoxe-`. Its Shannon entropy must be at least 3.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A user token reads private channels and direct messages as the user.
    /// ## Fix
    /// Revoke or rotate the credential with Slack now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://api.slack.com/authentication/token-types
    pub static RULE = {
        id: "SEC037", practice: Sec, severity: High, title: "Slack user token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Slack",
    keywords: &["xoxp-", "xoxe-"],
    pattern: r##"(?:^|[^0-9A-Za-z_])(?P<secret>xox[pe](?:-[0-9]{4,13}){2,3}-(?P<value>[a-zA-Z0-9\-]{16,64}))(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.0,
    case_sensitive: false,
    check: Check::InnerValue,
    span: Span::Line,
};
