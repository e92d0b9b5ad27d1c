//! SEC189: Private JSON Web Key.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A JSON Web Key (RFC 7517) that carries private material — the `d` member of an RSA, EC or OKP key, or the `k` member of a symmetric (`oct`) key — in any text file, looked for only near the keyword `kty`. The reported secret is the key object from `kty` to the private member, whose value must be at least 16 base64url characters.
    /// ## Why it matters
    /// A private JWK signs tokens or decrypts data as the service that owns it: whoever holds it can mint valid sessions and API tokens.
    /// ## Fix
    /// Rotate the key now (publish a new key in the JWKS, stop accepting tokens signed with the old one): it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`. Keep only public keys (`kty`, `n`, `e`, `x`, `y`) in the repository.
    /// ## References
    /// - https://www.rfc-editor.org/rfc/rfc7517
    pub static RULE = {
        id: "SEC189", practice: Sec, severity: High, title: "Private JSON Web Key",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "JSON Web Key",
    keywords: &["\"kty\""],
    pattern: r##"(?P<secret>"kty"\s*:\s*"[^"\n]{1,12}"[^{}]{0,1500}?"[dk]"\s*:\s*"(?P<value>[A-Za-z0-9_\-]{16,})=*")"##,
    min_entropy: 0.0,
    case_sensitive: false,
    check: Check::InnerValue,
    span: Span::Block(4096),
};
