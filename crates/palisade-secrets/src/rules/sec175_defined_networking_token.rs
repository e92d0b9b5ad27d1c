//! SEC175: Defined Networking API token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Defined Networking API token (Defined Networking) in any text file: a value in the provider's documented format, looked for only near the keywords `dnkey-`. Its Shannon entropy must be at least 3.5 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A Defined Networking token manages the Nebula overlay network.
    /// ## Fix
    /// Revoke or rotate the credential with Defined Networking now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://docs.defined.net/guides/automating-host-creation/
    pub static RULE = {
        id: "SEC175", practice: Sec, severity: Medium, title: "Defined Networking API token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Defined Networking",
    keywords: &["dnkey-"],
    pattern: r##"(?:^|[^0-9A-Za-z_\-])(?P<secret>dnkey-[A-Za-z0-9=_\-]{26}-[A-Za-z0-9=_\-]{52})(?:[^0-9A-Za-z_\-]|$)"##,
    min_entropy: 3.5,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
