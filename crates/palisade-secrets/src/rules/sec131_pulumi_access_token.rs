//! SEC131: Pulumi access token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Pulumi access token (Pulumi) in any text file: a value in the provider's documented format, looked for only near the keywords `pul-`. Its Shannon entropy must be at least 3.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A Pulumi token reads stack state, secrets included, and runs updates.
    /// ## Fix
    /// Revoke or rotate the credential with Pulumi now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://www.pulumi.com/docs/pulumi-cloud/access-management/access-tokens/
    pub static RULE = {
        id: "SEC131", practice: Sec, severity: High, title: "Pulumi access token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Pulumi",
    keywords: &["pul-"],
    pattern: r##"(?:^|[^0-9A-Za-z_\-])(?P<secret>pul-[a-f0-9]{40})(?:[^0-9A-Za-z_\-]|$)"##,
    min_entropy: 3.0,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
