//! SEC094: Password in a curl command.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Password in a curl command (curl) in any text file: a value in the provider's documented format, looked for only near the keywords `curl`. Variables and placeholder passwords (`user:pass`, `$PASS`) are not reported.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A password on a command line lands in shell history, CI logs and process listings.
    /// ## Fix
    /// Revoke or rotate the credential with curl now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://everything.curl.dev/usingcurl/netrc
    pub static RULE = {
        id: "SEC094", practice: Sec, severity: Medium, title: "Password in a curl command",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "curl",
    keywords: &["curl"],
    pattern: r##"(?i)\bcurl\b[^\n]{0,300}?\s(?:-u|--user)\s+(?P<secret>["\']?\{?[^\s:"\'$]{0,100}\}?["\']?:["\']?\{?[^\s"\']{0,100}\}?["\']?)"##,
    min_entropy: 0.0,
    case_sensitive: false,
    check: Check::CurlUser,
    span: Span::Line,
};
