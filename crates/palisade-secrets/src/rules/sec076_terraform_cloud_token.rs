//! SEC076: Terraform Cloud / HCP Terraform API token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Terraform Cloud / HCP Terraform API token (HashiCorp Terraform) in any text file: a value in the provider's documented format, looked for only near the keywords `.atlasv1.`. Its Shannon entropy must be at least 3.5 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A Terraform Cloud token runs plans and applies against every workspace it reaches: the cloud credentials stored there included.
    /// ## Fix
    /// Revoke or rotate the credential with HashiCorp Terraform now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://developer.hashicorp.com/terraform/cloud-docs/users-teams-organizations/api-tokens
    pub static RULE = {
        id: "SEC076", practice: Sec, severity: Critical, title: "Terraform Cloud / HCP Terraform API token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "HashiCorp Terraform",
    keywords: &[".atlasv1."],
    pattern: r##"(?:^|[^0-9A-Za-z_])(?P<secret>[a-zA-Z0-9]{14}\.atlasv1\.[a-zA-Z0-9_\-=]{60,70})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.5,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
