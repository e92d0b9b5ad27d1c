//! SEC047: PayPal Braintree access token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A PayPal Braintree access token (PayPal) in any text file: a value in the provider's documented format, looked for only near the keywords `access_token$production$`. Its Shannon entropy must be at least 3.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A Braintree production token moves money as the merchant.
    /// ## Fix
    /// Revoke or rotate the credential with PayPal now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://developer.paypal.com/braintree/docs/
    pub static RULE = {
        id: "SEC047", practice: Sec, severity: Critical, title: "PayPal Braintree access token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "PayPal",
    keywords: &["access_token$production$"],
    pattern: r##"(?:^|[^0-9A-Za-z_])(?P<secret>access_token\$production\$[0-9a-z]{16}\$[0-9a-f]{32})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.0,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
