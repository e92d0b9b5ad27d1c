//! SEC130: Doppler token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Doppler token (Doppler) in any text file: a value in the provider's documented format, looked for only near the keywords `dp.pt.`, `dp.st.`, `dp.sa.`. Its Shannon entropy must be at least 3.5 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A Doppler token reads every secret of its configs.
    /// ## Fix
    /// Revoke or rotate the credential with Doppler now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://docs.doppler.com/docs/service-tokens
    pub static RULE = {
        id: "SEC130", practice: Sec, severity: High, title: "Doppler token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Doppler",
    keywords: &["dp.pt.", "dp.st.", "dp.sa."],
    pattern: r##"(?:^|[^0-9A-Za-z_])(?P<secret>dp\.(?:pt|st|sa|ct|scim|audit)\.[a-zA-Z0-9]{40,44})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.5,
    case_sensitive: false,
    check: Check::None,
    span: Span::Line,
};
