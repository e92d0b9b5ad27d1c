//! SEC135: Vercel access token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Vercel access token (Vercel) in any text file: a value in the provider's documented format, looked for only near the keywords `vercel`, `vcp_`, `vck_`, `vci_`, `vca_`, `vcr_`. Its Shannon entropy must be at least 3.5 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A Vercel token deploys and reads environment variables of every project.
    /// ## Fix
    /// Revoke or rotate the credential with Vercel now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://vercel.com/docs/rest-api#creating-an-access-token
    pub static RULE = {
        id: "SEC135", practice: Sec, severity: High, title: "Vercel access token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Vercel",
    keywords: &["vercel", "vcp_", "vck_", "vci_", "vca_", "vcr_"],
    pattern: r##"(?i)(?:vercel[\w.\-]{0,20}(?:token|key)[\w.\-]{0,25}(?:["\']?\s*(?:=|:=|:|=>)\s*["\']?|["\']\s*,\s*["\'])(?P<secret>[A-Za-z0-9]{24})(?:[^0-9A-Za-z_]|$)|(?:^|[^0-9A-Za-z_])(?P<prefixed>vc[pkiar]_[A-Za-z0-9]{56})(?:[^0-9A-Za-z_]|$))"##,
    min_entropy: 3.5,
    case_sensitive: false,
    check: Check::None,
    span: Span::Line,
};
