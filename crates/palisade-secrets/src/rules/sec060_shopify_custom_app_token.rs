//! SEC060: Shopify custom app access token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Shopify custom app access token (Shopify) in any text file: a value in the provider's documented format, looked for only near the keywords `shpca_`. Its Shannon entropy must be at least 3.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A Shopify custom app access token reads and changes the store: orders, customers, products.
    /// ## Fix
    /// Revoke or rotate the credential with Shopify now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://shopify.dev/docs/apps/build/authentication-authorization
    pub static RULE = {
        id: "SEC060", practice: Sec, severity: High, title: "Shopify custom app access token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Shopify",
    keywords: &["shpca_"],
    pattern: r##"(?:^|[^0-9A-Za-z_])(?P<secret>shpca_[a-fA-F0-9]{32})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.0,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
