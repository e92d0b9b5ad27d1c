//! SEC072: JFrog Artifactory reference token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A JFrog Artifactory reference token (JFrog) in any text file: a value in the provider's documented format, looked for only near the keywords `cmVmd`. Its Shannon entropy must be at least 4.0 bits per character. A token that decodes to `reftkn:` text must go on with the format's version and expiry (`reftkn:01:<expiry>:`): prose encoded after `reftkn:` is a sample.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A reference token acts as the JFrog user within its scope.
    /// ## Fix
    /// Revoke or rotate the credential with JFrog now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://jfrog.com/help/r/jfrog-platform-administration-documentation/access-tokens
    pub static RULE = {
        id: "SEC072", practice: Sec, severity: High, title: "JFrog Artifactory reference token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "JFrog",
    keywords: &["cmVmd"],
    pattern: r##"(?:^|[^0-9A-Za-z_])(?P<secret>cmVmd[A-Za-z0-9]{59})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 4.0,
    case_sensitive: true,
    check: Check::JfrogReference,
    span: Span::Line,
};
