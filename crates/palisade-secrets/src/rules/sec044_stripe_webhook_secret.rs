//! SEC044: Stripe webhook signing secret.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Stripe webhook signing secret (Stripe) in any text file: a value in the provider's documented format, looked for only near the keywords `whsec_`. Its Shannon entropy must be at least 3.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// The signing secret lets an attacker forge webhook events the application trusts.
    /// ## Fix
    /// Revoke or rotate the credential with Stripe now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://docs.stripe.com/webhooks
    pub static RULE = {
        id: "SEC044", practice: Sec, severity: Medium, title: "Stripe webhook signing secret",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Stripe",
    keywords: &["whsec_"],
    pattern: r##"(?:^|[^0-9A-Za-z_])(?P<secret>whsec_[0-9a-zA-Z]{32,64})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.0,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
