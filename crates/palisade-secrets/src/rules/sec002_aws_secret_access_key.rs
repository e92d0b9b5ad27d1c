//! SEC002: AWS secret access key.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A AWS secret access key (AWS) in any text file: a value in the provider's documented format, looked for only near the keywords `secret_access_key`, `secretaccesskey`, `secret-access-key`, `aws_secret`, `aws-secret`, `awssecret`. Its Shannon entropy must be at least 4.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// The secret access key signs AWS API requests: with the key id it is full use of the IAM principal.
    /// ## Fix
    /// Revoke or rotate the credential with AWS now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html
    pub static RULE = {
        id: "SEC002", practice: Sec, severity: Critical, title: "AWS secret access key",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "AWS",
    keywords: &[
        "secret_access_key",
        "secretaccesskey",
        "secret-access-key",
        "aws_secret",
        "aws-secret",
        "awssecret",
    ],
    pattern: r##"(?i)(?:aws[_\-]?secret|secret[_\-]?access[_\-]?key)[\w.\-]{0,25}(?:["\']?\s*(?:=|:=|:|=>)\s*["\']?|["\']\s*,\s*["\'])(?P<secret>[A-Za-z0-9/+=]{40})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 4.0,
    case_sensitive: false,
    check: Check::None,
    span: Span::Line,
};
