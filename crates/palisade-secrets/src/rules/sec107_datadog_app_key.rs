//! SEC107: Datadog application key.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Datadog application key (Datadog) in any text file: a value in the provider's documented format, looked for only near the keywords `datadog`, `dd_app`, `dd-app`, `ddapp`. Its Shannon entropy must be at least 3.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// An application key reads every dashboard, monitor and log of the account.
    /// ## Fix
    /// Revoke or rotate the credential with Datadog now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://docs.datadoghq.com/account_management/api-app-keys/
    pub static RULE = {
        id: "SEC107", practice: Sec, severity: High, title: "Datadog application key",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Datadog",
    keywords: &["datadog", "dd_app", "dd-app", "ddapp"],
    pattern: r##"(?i)(?:datadog[\w.\-]{0,20}app[_\-]?key|dd[_\-]?app(?:lication)?[_\-]?key)[\w.\-]{0,25}(?:["\']?\s*(?:=|:=|:|=>)\s*["\']?|["\']\s*,\s*["\'])(?P<secret>[a-f0-9]{40})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.0,
    case_sensitive: false,
    check: Check::None,
    span: Span::Line,
};
