//! SEC162: SonarQube / SonarCloud token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A SonarQube / SonarCloud token (SonarQube) in any text file: a value in the provider's documented format, looked for only near the keywords `squ_`, `sqp_`, `sqa_`. Its Shannon entropy must be at least 3.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A Sonar token reads analysed source and changes project settings.
    /// ## Fix
    /// Revoke or rotate the credential with SonarQube now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://docs.sonarsource.com/sonarqube/latest/user-guide/user-account/generating-and-using-tokens/
    pub static RULE = {
        id: "SEC162", practice: Sec, severity: Medium, title: "SonarQube / SonarCloud token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "SonarQube",
    keywords: &["squ_", "sqp_", "sqa_"],
    pattern: r##"(?:^|[^0-9A-Za-z_])(?P<secret>sq[upa]_[a-f0-9]{40})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.0,
    case_sensitive: false,
    check: Check::None,
    span: Span::Line,
};
