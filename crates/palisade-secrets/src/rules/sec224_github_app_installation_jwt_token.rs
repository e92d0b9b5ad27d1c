//! SEC224: GitHub App installation token (dated JWT format).

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A GitHub App installation access token in its dated form: `ghs_`, an 8-digit date, `_`, then a JSON Web Token (`eyJ…`.`eyJ…`.`…`) in any text file, looked for only near the keyword `ghs_`. The JWT header must decode to JSON naming an algorithm or a type; placeholders are not reported. The classic 36-character form is SEC018.
    /// ## Why it matters
    /// An installation token acts on the repositories the GitHub App is installed on, with the app's permissions, until it expires.
    /// ## Fix
    /// Revoke or rotate the credential with GitHub now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/generating-an-installation-access-token-for-a-github-app
    pub static RULE = {
        id: "SEC224", practice: Sec, severity: Critical, title: "GitHub App installation token (dated JWT format)",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "GitHub",
    keywords: &["ghs_"],
    pattern: r##"(?:^|[^0-9A-Za-z_])(?P<secret>ghs_[0-9]{8}_(?P<value>eyJ[A-Za-z0-9_\-]{10,}\.eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{16,}))(?:[^0-9A-Za-z_\-.]|$)"##,
    min_entropy: 0.0,
    case_sensitive: true,
    check: Check::Jwt,
    span: Span::Line,
};
