//! SEC039: Slack configuration access token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Slack configuration access token (Slack) in any text file: a value in the provider's documented format, looked for only near the keywords `xoxe.xox`. Its Shannon entropy must be at least 3.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A configuration token creates and changes apps in the workspace.
    /// ## Fix
    /// Revoke or rotate the credential with Slack now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://api.slack.com/authentication/config-tokens
    pub static RULE = {
        id: "SEC039", practice: Sec, severity: High, title: "Slack configuration access token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Slack",
    keywords: &["xoxe.xox"],
    pattern: r##"(?:^|[^0-9A-Za-z_])(?P<secret>xoxe\.xox[bp]-\d-[A-Z0-9]{163,166})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.0,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
