//! SEC033: Bitbucket OAuth consumer secret.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Bitbucket OAuth consumer secret (Bitbucket) in any text file: a value in the provider's documented format, looked for only near the keywords `bitbucket`. Its Shannon entropy must be at least 3.5 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// An OAuth consumer secret lets anyone act as the Bitbucket integration.
    /// ## Fix
    /// Revoke or rotate the credential with Bitbucket now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://support.atlassian.com/bitbucket-cloud/docs/use-oauth-on-bitbucket-cloud/
    pub static RULE = {
        id: "SEC033", practice: Sec, severity: High, title: "Bitbucket OAuth consumer secret",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Bitbucket",
    keywords: &["bitbucket"],
    pattern: r##"(?i)(?:bitbucket[\w.\-]{0,20}(?:secret|key))[\w.\-]{0,25}(?:["\']?\s*(?:=|:=|:|=>)\s*["\']?|["\']\s*,\s*["\'])(?P<secret>[a-zA-Z0-9=_\-]{32,64})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.5,
    case_sensitive: false,
    check: Check::None,
    span: Span::Line,
};
