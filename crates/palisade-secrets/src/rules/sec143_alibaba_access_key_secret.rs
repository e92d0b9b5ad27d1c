//! SEC143: Alibaba Cloud AccessKey secret.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Alibaba Cloud AccessKey secret (Alibaba Cloud) in any text file: a value in the provider's documented format, looked for only near the keywords `alibaba`, `aliyun`, `alicloud`. Its Shannon entropy must be at least 4.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// The AccessKey secret signs Alibaba Cloud API calls.
    /// ## Fix
    /// Revoke or rotate the credential with Alibaba Cloud now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://www.alibabacloud.com/help/en/ram/user-guide/create-an-accesskey-pair
    pub static RULE = {
        id: "SEC143", practice: Sec, severity: Critical, title: "Alibaba Cloud AccessKey secret",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Alibaba Cloud",
    keywords: &["alibaba", "aliyun", "alicloud"],
    pattern: r##"(?i)(?:(?:alibaba|aliyun|alicloud)[\w.\-]{0,20}secret)[\w.\-]{0,25}(?:["\']?\s*(?:=|:=|:|=>)\s*["\']?|["\']\s*,\s*["\'])(?P<secret>[a-zA-Z0-9]{30})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 4.0,
    case_sensitive: false,
    check: Check::None,
    span: Span::Line,
};
