//! SEC129: Databricks access token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Databricks access token (Databricks) in any text file: a value in the provider's documented format, looked for only near the keywords `dapi`. Its Shannon entropy must be at least 3.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A Databricks token runs jobs and reads data as the user.
    /// ## Fix
    /// Revoke or rotate the credential with Databricks now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://docs.databricks.com/en/dev-tools/auth/pat.html
    pub static RULE = {
        id: "SEC129", practice: Sec, severity: High, title: "Databricks access token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Databricks",
    keywords: &["dapi"],
    pattern: r##"(?:^|[^0-9A-Za-z_])(?P<secret>dapi[a-f0-9]{32}(?:-\d)?)(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.0,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
