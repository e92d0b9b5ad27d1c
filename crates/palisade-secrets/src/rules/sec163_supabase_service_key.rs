//! SEC163: Supabase secret key or management token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Supabase secret key or management token (Supabase) in any text file: a value in the provider's documented format, looked for only near the keywords `sb_secret_`, `sbp_`. Its Shannon entropy must be at least 3.5 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A secret key bypasses row-level security on the whole database.
    /// ## Fix
    /// Revoke or rotate the credential with Supabase now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://supabase.com/docs/guides/api/api-keys
    pub static RULE = {
        id: "SEC163", practice: Sec, severity: Critical, title: "Supabase secret key or management token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Supabase",
    keywords: &["sb_secret_", "sbp_"],
    pattern: r##"(?:^|[^0-9A-Za-z_])(?P<secret>(?:sb_secret_[A-Za-z0-9_\-]{31,64}|sbp_(?:v0_)?[a-f0-9]{40}))(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.5,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
