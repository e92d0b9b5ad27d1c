//! SEC071: JFrog Artifactory API key.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A JFrog Artifactory API key (JFrog) in any text file: a value in the provider's documented format, looked for only near the keywords `AKCp`. Its Shannon entropy must be at least 4.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// An Artifactory key reads and deploys artifacts as the user.
    /// ## Fix
    /// Revoke or rotate the credential with JFrog now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://jfrog.com/help/r/jfrog-platform-administration-documentation/api-keys
    pub static RULE = {
        id: "SEC071", practice: Sec, severity: High, title: "JFrog Artifactory API key",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "JFrog",
    keywords: &["AKCp"],
    pattern: r##"(?:^|[^0-9A-Za-z_])(?P<secret>AKCp[A-Za-z0-9]{69})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 4.0,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
