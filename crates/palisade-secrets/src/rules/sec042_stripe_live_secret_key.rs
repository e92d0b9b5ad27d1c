//! SEC042: Stripe live secret or restricted key.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Stripe live secret or restricted key (Stripe) in any text file: a value in the provider's documented format, looked for only near the keywords `sk_live_`, `rk_live_`, `sk_prod_`, `rk_prod_`. Its Shannon entropy must be at least 3.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A live secret key charges cards, issues refunds and reads customer data.
    /// ## Fix
    /// Revoke or rotate the credential with Stripe now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://docs.stripe.com/keys
    pub static RULE = {
        id: "SEC042", practice: Sec, severity: Critical, title: "Stripe live secret or restricted key",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Stripe",
    keywords: &["sk_live_", "rk_live_", "sk_prod_", "rk_prod_"],
    pattern: r##"(?:^|[^0-9A-Za-z_])(?P<secret>(?:sk|rk)_(?:live|prod)_[0-9a-zA-Z]{10,247})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.0,
    case_sensitive: false,
    check: Check::None,
    span: Span::Line,
};
