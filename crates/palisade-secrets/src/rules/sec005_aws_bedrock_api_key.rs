//! SEC005: Amazon Bedrock API key.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// An Amazon Bedrock API key (AWS) in any text file: a long-term key (`ABSK` and base64) or a short-term key (`bedrock-api-key-` and base64), looked for only near those prefixes. Its Shannon entropy must be at least 4.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A Bedrock API key calls foundation models billed to the account.
    /// ## Fix
    /// Revoke or rotate the credential with AWS now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://docs.aws.amazon.com/bedrock/latest/userguide/api-keys.html
    pub static RULE = {
        id: "SEC005", practice: Sec, severity: High, title: "Amazon Bedrock API key",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "AWS",
    keywords: &["ABSK", "bedrock-api-key-"],
    pattern: r##"(?:^|[^0-9A-Za-z_])(?P<secret>ABSK[A-Za-z0-9+/]{109,269}={0,2}|bedrock-api-key-[A-Za-z0-9+/]{32,4000}={0,2})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 4.0,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
