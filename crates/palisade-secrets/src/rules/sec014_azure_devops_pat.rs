//! SEC014: Azure DevOps personal access token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Azure DevOps personal access token (Azure) in any text file: a value in the provider's documented format, looked for only near the keywords `AZDO`. Its Shannon entropy must be at least 4.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A DevOps PAT acts as the user on repositories, pipelines and artifact feeds within its scopes.
    /// ## Fix
    /// Revoke or rotate the credential with Azure now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://learn.microsoft.com/azure/devops/organizations/accounts/use-personal-access-tokens-to-authenticate
    pub static RULE = {
        id: "SEC014", practice: Sec, severity: High, title: "Azure DevOps personal access token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Azure",
    keywords: &["AZDO"],
    pattern: r##"(?:^|[^0-9A-Za-z_])(?P<secret>[a-zA-Z0-9]{76}AZDO[a-zA-Z0-9]{4})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 4.0,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
