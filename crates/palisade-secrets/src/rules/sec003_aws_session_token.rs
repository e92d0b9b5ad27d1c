//! SEC003: AWS session token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A AWS session token (AWS) in any text file: a value in the provider's documented format, looked for only near the keywords `session_token`, `sessiontoken`, `session-token`, `security_token`, `securitytoken`. Its Shannon entropy must be at least 4.5 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A session token completes temporary STS credentials; until it expires it acts as the role that issued it.
    /// ## Fix
    /// Revoke or rotate the credential with AWS now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_use-resources.html
    pub static RULE = {
        id: "SEC003", practice: Sec, severity: High, title: "AWS session token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "AWS",
    keywords: &[
        "session_token",
        "sessiontoken",
        "session-token",
        "security_token",
        "securitytoken",
    ],
    pattern: r##"(?i)(?:(?:aws[_\-]?)?(?:session|security)[_\-]?token)[\w.\-]{0,25}(?:["\']?\s*(?:=|:=|:|=>)\s*["\']?|["\']\s*,\s*["\'])(?P<secret>[A-Za-z0-9/+=]{100,1200})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 4.5,
    case_sensitive: false,
    check: Check::None,
    span: Span::Line,
};
