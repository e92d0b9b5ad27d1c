//! SEC165: ngrok auth token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A ngrok auth token (ngrok) in any text file: a value in the provider's documented format, looked for only near the keywords `ngrok`. Its Shannon entropy must be at least 3.5 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// An ngrok token opens tunnels on the account: exposure of internal services under its domains.
    /// ## Fix
    /// Revoke or rotate the credential with ngrok now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://ngrok.com/docs/agent/#authtokens
    pub static RULE = {
        id: "SEC165", practice: Sec, severity: Medium, title: "ngrok auth token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "ngrok",
    keywords: &["ngrok"],
    pattern: r##"(?i)(?:ngrok[\w.\-]{0,20}(?:token|key))[\w.\-]{0,25}(?:["\']?\s*(?:=|:=|:|=>)\s*["\']?|["\']\s*,\s*["\'])(?P<secret>[0-9a-zA-Z]{25,27}_[0-9a-zA-Z]{20,21})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.5,
    case_sensitive: false,
    check: Check::None,
    span: Span::Line,
};
