//! SEC013: Microsoft Entra ID (Azure AD) client secret.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Microsoft Entra ID (Azure AD) client secret (Azure) in any text file: a value in the provider's documented format, looked for only near the keywords `Q~`. Its Shannon entropy must be at least 3.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// An application client secret obtains tokens as the app registration and reaches every API it was granted.
    /// ## Fix
    /// Revoke or rotate the credential with Azure now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://learn.microsoft.com/entra/identity-platform/howto-create-service-principal-portal
    pub static RULE = {
        id: "SEC013", practice: Sec, severity: Critical, title: "Microsoft Entra ID (Azure AD) client secret",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Azure",
    keywords: &["Q~"],
    pattern: r##"(?:^|[\\\'"`\s>=:(,)])(?P<secret>[a-zA-Z0-9_~.]{3}\dQ~[a-zA-Z0-9_~.\-]{31,34})(?:$|[\\\'"`\s<),])"##,
    min_entropy: 3.0,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
