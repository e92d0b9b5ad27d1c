//! SEC066: RubyGems API key.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A RubyGems API key (RubyGems) in any text file: a value in the provider's documented format, looked for only near the keywords `rubygems_`. Its Shannon entropy must be at least 3.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A RubyGems key pushes gem versions as its owner.
    /// ## Fix
    /// Revoke or rotate the credential with RubyGems now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://guides.rubygems.org/api-key-scopes/
    pub static RULE = {
        id: "SEC066", practice: Sec, severity: Critical, title: "RubyGems API key",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "RubyGems",
    keywords: &["rubygems_"],
    pattern: r##"(?:^|[^0-9A-Za-z_])(?P<secret>rubygems_[0-9a-f]{48})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.0,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
