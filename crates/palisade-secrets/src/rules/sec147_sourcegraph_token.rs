//! SEC147: Sourcegraph access token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Sourcegraph access token (Sourcegraph) in any text file: a value in the provider's documented format, looked for only near the keywords `sgp_`, `sourcegraph`. Its Shannon entropy must be at least 3.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A Sourcegraph token reads every repository the user can see.
    /// ## Fix
    /// Revoke or rotate the credential with Sourcegraph now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://sourcegraph.com/docs/cli/how-tos/creating_an_access_token
    pub static RULE = {
        id: "SEC147", practice: Sec, severity: High, title: "Sourcegraph access token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Sourcegraph",
    keywords: &["sgp_", "sourcegraph"],
    pattern: r##"(?i)(?:^|[^0-9a-z_])(?P<secret>sgp_(?:[a-f0-9]{16}|local)_[a-f0-9]{40}|sgp_[a-f0-9]{40})(?:[^0-9a-z_]|$)|sourcegraph[\w.\-]{0,25}(?:["\']?\s*(?:=|:=|:|=>)\s*["\']?|["\']\s*,\s*["\'])(?P<ctx>[a-f0-9]{40})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.0,
    case_sensitive: false,
    check: Check::None,
    span: Span::Line,
};
