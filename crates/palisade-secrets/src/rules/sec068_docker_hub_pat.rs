//! SEC068: Docker Hub personal access token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Docker Hub personal access token (Docker) in any text file: a value in the provider's documented format, looked for only near the keywords `dckr_pat_`. Its Shannon entropy must be at least 3.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A Docker Hub token pushes images as the user: anyone pulling them runs the attacker's code.
    /// ## Fix
    /// Revoke or rotate the credential with Docker now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://docs.docker.com/security/for-developers/access-tokens/
    pub static RULE = {
        id: "SEC068", practice: Sec, severity: High, title: "Docker Hub personal access token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Docker",
    keywords: &["dckr_pat_"],
    pattern: r##"(?:^|[^0-9A-Za-z_\-])(?P<secret>dckr_pat_[A-Za-z0-9_\-]{27})(?:[^0-9A-Za-z_\-]|$)"##,
    min_entropy: 3.0,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
