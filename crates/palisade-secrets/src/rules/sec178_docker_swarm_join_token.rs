//! SEC178: Docker Swarm join token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Docker Swarm join token (Docker) in any text file: a value in the provider's documented format, looked for only near the keywords `SWMTKN-1-`. Its Shannon entropy must be at least 3.5 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A join token adds a node to the swarm; a manager token hands over the cluster and its secrets.
    /// ## Fix
    /// Revoke or rotate the credential with Docker now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://docs.docker.com/engine/swarm/join-nodes/
    pub static RULE = {
        id: "SEC178", practice: Sec, severity: High, title: "Docker Swarm join token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Docker",
    keywords: &["SWMTKN-1-"],
    pattern: r##"(?:^|[^0-9A-Za-z_\-])(?P<secret>SWMTKN-1-[a-z0-9]{50}-[a-z0-9]{25})(?:[^0-9A-Za-z_\-]|$)"##,
    min_entropy: 3.5,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
