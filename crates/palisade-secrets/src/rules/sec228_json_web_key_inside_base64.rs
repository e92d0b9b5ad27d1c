//! SEC228: Private JSON Web Key inside a base64-encoded document.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A JSON Web Key or key set with a private member (`d` of an RSA, EC or OKP key, the RSA factors `p`, `q`, `dp`, `dq`, `qi`, or `k` of a symmetric `oct` key) inside a base64-encoded document, as stored in environment variables, Kubernetes Secrets and CI variables. Looked for only near the base64 of `"kty"` at its three alignments; the run around it is decoded and the private member must hold at least 16 base64url characters that are not a placeholder. The plain JSON form is SEC189.
    /// ## Why it matters
    /// A private JWK signs tokens that every service trusting its public half accepts, or decrypts what was encrypted to it.
    /// ## Fix
    /// Revoke or rotate the credential with its issuer now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`. Generate a new key, publish its public half in the JWKS, and remove the old key id once the tokens it signed have expired.
    /// ## References
    /// - https://datatracker.ietf.org/doc/html/rfc7517
    /// - https://datatracker.ietf.org/doc/html/rfc7518#section-6
    pub static RULE = {
        id: "SEC228", practice: Sec, severity: High, title: "Private JSON Web Key inside a base64-encoded document",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "JSON Web Key",
    keywords: &["Imt0eSI", "JrdHki", "ia3R5I"],
    pattern: r##"(?P<secret>[A-Za-z0-9+/_\-]*(?:Imt0eSI|JrdHki|ia3R5I)[A-Za-z0-9+/_\-]*={0,2})"##,
    min_entropy: 0.0,
    case_sensitive: true,
    check: Check::Base64JwkInside,
    span: Span::Line,
};
