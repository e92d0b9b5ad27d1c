//! SEC230: Private key in base64 DER form without PEM armour.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A private key stored as the bare base64 of its DER encoding, without the `-----BEGIN … PRIVATE KEY-----` lines — RSA (PKCS#1), PKCS#8, EC (SEC1) and Ed25519 keys in XML elements, JSON values, environment variables and .NET or Java configuration — on one line or wrapped over several. Looked for only near the fixed openings of those encodings (`…IBAAK`, `…IBAAJ`, `MHcCAQEE`, `MC4CAQAwBQYDK2Vw`, the PKCS#8 RSA and EC algorithm identifiers). The decoded bytes must be a complete ASN.1 SEQUENCE starting with version 0 or 1, and the base64 must be random-looking (more than 4 bits of entropy per character). When the key is an XML element's text, the finding points at the element. A key inside PEM armour is reported by the PEM rules instead.
    /// ## Why it matters
    /// A bare private key is as usable as an armoured one: it signs, decrypts or authenticates as its owner, and without the PEM lines it slips past reviewers and scanners that look for them.
    /// ## Fix
    /// Revoke or rotate the credential with its owner now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`. Replace the key pair: generate a new key, install its public half where the old one was trusted, and keep the private half in a secret store.
    /// ## References
    /// - https://datatracker.ietf.org/doc/html/rfc8017#appendix-A.1.2
    /// - https://datatracker.ietf.org/doc/html/rfc5208
    /// - https://datatracker.ietf.org/doc/html/rfc5915
    pub static RULE = {
        id: "SEC230", practice: Sec, severity: High, title: "Private key in base64 DER form without PEM armour",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Private key",
    keywords: &[
        "IBAAK",
        "IBAAJ",
        "IBADANBgkqhkiG9w0BAQEFAAS",
        "AgEAMBMGByqGSM49AgE",
        "MHcCAQEE",
        "AgEBBD",
        "MC4CAQAwBQYDK2Vw",
    ],
    pattern: r##"(?P<secret>(?:<[A-Za-z][A-Za-z0-9_.:\-]{0,40}>[ \t]*\r?\n?[ \t]*)?M[A-Za-z0-9+/]{40,}(?:[ \t]*\\?(?:\\n|\r?\n)?[ \t]*[A-Za-z0-9+/]{16,})*={0,2})"##,
    min_entropy: 0.0,
    case_sensitive: true,
    check: Check::DerPrivateKey,
    span: Span::BlockFromLineBefore(8000),
};
