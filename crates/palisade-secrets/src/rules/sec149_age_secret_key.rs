//! SEC149: age secret key.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A age secret key (age) in any text file: a value in the provider's documented format, looked for only near the keywords `AGE-SECRET-KEY-1`. Its Shannon entropy must be at least 3.5 bits per character, and its Bech32 checksum must match (age refuses a key whose checksum does not).
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// An age identity decrypts every file encrypted to it: SOPS files included.
    /// ## Fix
    /// Revoke or rotate the credential with age now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://github.com/FiloSottile/age
    pub static RULE = {
        id: "SEC149", practice: Sec, severity: Critical, title: "age secret key",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "age",
    keywords: &["AGE-SECRET-KEY-1"],
    pattern: r##"(?:^|[^0-9A-Za-z_])(?P<secret>AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.5,
    case_sensitive: true,
    check: Check::Bech32,
    span: Span::Line,
};
