//! SEC040: Slack legacy token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Slack legacy token (Slack) in any text file: a value in the provider's documented format, looked for only near the keywords `xoxo-`, `xoxs-`, `xoxa-`, `xoxr-`. Its Shannon entropy must be at least 2.5 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// Legacy workspace and user tokens carry broad scopes and never expire.
    /// ## Fix
    /// Revoke or rotate the credential with Slack now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://api.slack.com/legacy/custom-integrations/legacy-tokens
    pub static RULE = {
        id: "SEC040", practice: Sec, severity: High, title: "Slack legacy token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Slack",
    keywords: &["xoxo-", "xoxs-", "xoxa-", "xoxr-"],
    pattern: r##"(?:^|[^0-9A-Za-z_])(?P<secret>xox[osar]-(?:\d-)?[0-9]{4,13}-[0-9]{4,13}(?:-[0-9]{4,13})?-(?P<value>[a-z0-9]{8,48}))(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 2.5,
    case_sensitive: false,
    check: Check::InnerValue,
    span: Span::Line,
};
