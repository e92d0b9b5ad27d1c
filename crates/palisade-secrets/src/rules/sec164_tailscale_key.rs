//! SEC164: Tailscale auth or API key.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Tailscale auth or API key (Tailscale) in any text file: a value in the provider's documented format, looked for only near the keywords `tskey-`. Its Shannon entropy must be at least 3.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// An auth key joins machines to the tailnet: a way into the private network.
    /// ## Fix
    /// Revoke or rotate the credential with Tailscale now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://tailscale.com/kb/1085/auth-keys
    pub static RULE = {
        id: "SEC164", practice: Sec, severity: High, title: "Tailscale auth or API key",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Tailscale",
    keywords: &["tskey-"],
    pattern: r##"(?:^|[^0-9A-Za-z_\-])(?P<secret>tskey-(?:auth|api|client|scim|webhook)-[a-zA-Z0-9]{6,20}-[a-zA-Z0-9]{20,40})(?:[^0-9A-Za-z_\-]|$)"##,
    min_entropy: 3.0,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
