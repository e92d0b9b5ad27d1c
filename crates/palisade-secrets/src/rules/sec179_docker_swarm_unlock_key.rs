//! SEC179: Docker Swarm unlock key.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Docker Swarm unlock key (Docker) in any text file: a value in the provider's documented format, looked for only near the keywords `SWMKEY-1-`. Its Shannon entropy must be at least 3.5 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// The unlock key decrypts the swarm's Raft log, where service secrets are stored.
    /// ## Fix
    /// Revoke or rotate the credential with Docker now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://docs.docker.com/engine/swarm/swarm_manager_locking/
    pub static RULE = {
        id: "SEC179", practice: Sec, severity: High, title: "Docker Swarm unlock key",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Docker",
    keywords: &["SWMKEY-1-"],
    pattern: r##"(?:^|[^0-9A-Za-z_\-])(?P<secret>SWMKEY-1-[A-Za-z0-9+/]{43})(?:[^0-9A-Za-z_\-]|$)"##,
    min_entropy: 3.5,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
