//! SEC043: Stripe test-mode secret key.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Stripe test-mode secret key (Stripe) in any text file: a value in the provider's documented format, looked for only near the keywords `sk_test_`, `rk_test_`. Its Shannon entropy must be at least 3.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A test key reaches no money, but reveals the account and its test data, and often sits next to the live one.
    /// ## Fix
    /// Revoke or rotate the credential with Stripe now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://docs.stripe.com/keys
    pub static RULE = {
        id: "SEC043", practice: Sec, severity: Low, title: "Stripe test-mode secret key",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Stripe",
    keywords: &["sk_test_", "rk_test_"],
    pattern: r##"(?:^|[^0-9A-Za-z_])(?P<secret>(?:sk|rk)_test_[0-9a-zA-Z]{10,247})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.0,
    case_sensitive: false,
    check: Check::None,
    span: Span::Line,
};
