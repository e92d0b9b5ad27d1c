//! SEC006: Google Cloud service account key file.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Google Cloud service account key file (GCP) in any text file: a value in the provider's documented format, looked for only near the keywords `service_account`.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A service account key file holds a private key that authenticates as the service account to every Google Cloud API it has roles for.
    /// ## Fix
    /// Revoke or rotate the credential with GCP now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://cloud.google.com/iam/docs/best-practices-for-managing-service-account-keys
    pub static RULE = {
        id: "SEC006", practice: Sec, severity: Critical, title: "Google Cloud service account key file",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "GCP",
    keywords: &["service_account"],
    pattern: r##"(?s)"type"\s*:\s*"service_account".{0,4000}?"private_key"\s*:\s*"(?P<secret>-----BEGIN[^"]{64,8000})""##,
    min_entropy: 0.0,
    case_sensitive: true,
    check: Check::None,
    span: Span::Block(8192),
};
