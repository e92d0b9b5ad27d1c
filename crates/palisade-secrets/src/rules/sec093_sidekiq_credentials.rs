//! SEC093: Sidekiq Enterprise credentials.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Sidekiq Enterprise credentials (Sidekiq) in any text file: a value in the provider's documented format, looked for only near the keywords `contribsys`.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// Sidekiq Pro/Enterprise credentials download the licensed gems.
    /// ## Fix
    /// Revoke or rotate the credential with Sidekiq now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://github.com/sidekiq/sidekiq/wiki/Pro-Installation
    pub static RULE = {
        id: "SEC093", practice: Sec, severity: Medium, title: "Sidekiq Enterprise credentials",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Sidekiq",
    keywords: &["contribsys"],
    pattern: r##"(?i)(?:https?://)?[a-f0-9]{8}:(?P<secret>[a-f0-9]{8})@(?:gems|enterprise)\.contribsys\.com"##,
    min_entropy: 0.0,
    case_sensitive: false,
    check: Check::None,
    span: Span::Line,
};
