//! SEC001: AWS access key id.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A AWS access key id (AWS) in any text file: a value in the provider's documented format, looked for only near the keywords `AKIA`, `ASIA`, `ABIA`, `ACCA`, `A3T`. Its Shannon entropy must be at least 3.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// An access key id names an IAM user or role credential; next to its secret key it signs any AWS API call the principal may make.
    /// ## Fix
    /// Revoke or rotate the credential with AWS now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html
    pub static RULE = {
        id: "SEC001", practice: Sec, severity: High, title: "AWS access key id",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "AWS",
    keywords: &["AKIA", "ASIA", "ABIA", "ACCA", "A3T"],
    pattern: r##"(?:^|[^0-9A-Za-z_])(?P<secret>(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.0,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
