//! SEC142: Alibaba Cloud AccessKey id.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Alibaba Cloud AccessKey id (Alibaba Cloud) in any text file: a value in the provider's documented format, looked for only near the keywords `LTAI`. Its Shannon entropy must be at least 3.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// An AccessKey id with its secret signs Alibaba Cloud API calls.
    /// ## Fix
    /// Revoke or rotate the credential with Alibaba Cloud now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://www.alibabacloud.com/help/en/ram/user-guide/create-an-accesskey-pair
    pub static RULE = {
        id: "SEC142", practice: Sec, severity: High, title: "Alibaba Cloud AccessKey id",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Alibaba Cloud",
    keywords: &["LTAI"],
    pattern: r##"(?:^|[^0-9A-Za-z_])(?P<secret>LTAI[a-zA-Z0-9]{12,20})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.0,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
