//! SEC114: PagerDuty API key.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A PagerDuty API key (PagerDuty) in any text file: a value in the provider's documented format, looked for only near the keywords `pagerduty`, `pager_duty`, `pd_api`, `pd-api`. Its Shannon entropy must be at least 3.5 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A PagerDuty key reads and changes incidents, schedules and escalations.
    /// ## Fix
    /// Revoke or rotate the credential with PagerDuty now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://support.pagerduty.com/main/docs/api-access-keys
    pub static RULE = {
        id: "SEC114", practice: Sec, severity: High, title: "PagerDuty API key",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "PagerDuty",
    keywords: &["pagerduty", "pager_duty", "pd_api", "pd-api"],
    pattern: r##"(?i)(?:pager[_\-]?duty[\w.\-]{0,20}(?:key|token)|pd[_\-]api[_\-]?(?:key|token))[\w.\-]{0,25}(?:["\']?\s*(?:=|:=|:|=>)\s*["\']?|["\']\s*,\s*["\'])(?P<secret>[A-Za-z0-9_+\-]{20})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.5,
    case_sensitive: false,
    check: Check::None,
    span: Span::Line,
};
