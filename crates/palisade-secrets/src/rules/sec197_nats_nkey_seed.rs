//! SEC197: NATS NKey seed.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A NATS NKey seed (the private half of an NKey: `S` + key-type letter + 56 base32 characters, e.g. `SUA…` for a user) in any text file, looked for only near the keywords `NKEY` and the seed prefixes `SUA`, `SAA`, `SOA`, `SNA`, `SCA`, `SXA`. Its Shannon entropy must be at least 3.5 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// An NKey seed signs the NATS connection challenge: whoever holds a user's seed connects as that user; an operator or account seed signs new users.
    /// ## Fix
    /// Revoke or rotate the credential with NATS now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://docs.nats.io/running-a-nats-service/configuration/securing_nats/auth_intro/nkey_auth
    pub static RULE = {
        id: "SEC197", practice: Sec, severity: High, title: "NATS NKey seed",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "NATS",
    keywords: &["nkey", "SUA", "SAA", "SOA", "SNA", "SCA", "SXA"],
    pattern: r##"(?:^|[^0-9A-Za-z])(?P<secret>S[UAONCX]A[A-Z2-7]{55})(?:[^0-9A-Za-z]|$)"##,
    min_entropy: 3.5,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
