//! SEC095: Authorization header in a curl command.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Authorization header in a curl command (curl) in any text file: a value in the provider's documented format, looked for only near the keywords `curl`. Its Shannon entropy must be at least 3.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A credential on a command line lands in shell history, CI logs and process listings.
    /// ## Fix
    /// Revoke or rotate the credential with curl now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://everything.curl.dev/http/auth
    pub static RULE = {
        id: "SEC095", practice: Sec, severity: Medium, title: "Authorization header in a curl command",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "curl",
    keywords: &["curl"],
    pattern: r##"(?i)\bcurl\b[^\n]{0,400}?(?:-H|--header)\s*["\'](?:Authorization|[a-z\-]{0,20}(?:token|api-key|apikey|secret)):\s*(?:(?:Basic|Bearer|Token|Api-Token|Digest)\s+)?(?P<secret>[^\s"\']{8,})["\']"##,
    min_entropy: 3.0,
    case_sensitive: false,
    check: Check::None,
    span: Span::Line,
};
