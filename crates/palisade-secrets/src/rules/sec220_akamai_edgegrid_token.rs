//! SEC220: Akamai EdgeGrid client or access token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// An Akamai EdgeGrid API client token or access token (`akab-` followed by two groups of 16 lower-case letters and digits) in any text file, looked for only near the keyword `akab-`. An `akab-…` name followed by a domain (`akab-….luna.akamaiapis.net`, the API host of the same client) is a host name, not a token, and is not reported. Its Shannon entropy must be at least 3.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// With the client secret kept next to it in `.edgerc`, the client and access tokens sign EdgeGrid requests that purge caches, change CDN properties and read reports of the account.
    /// ## Fix
    /// Revoke or rotate the credential with Akamai now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://techdocs.akamai.com/developer/docs/set-up-authentication-credentials
    pub static RULE = {
        id: "SEC220", practice: Sec, severity: High, title: "Akamai EdgeGrid client or access token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Akamai",
    keywords: &["akab-"],
    pattern: r##"(?:^|[^0-9A-Za-z_\-.])(?P<secret>akab-[0-9a-z]{16}-[0-9a-z]{16})(?:[^0-9A-Za-z_\-.]|\.[^0-9A-Za-z_\-]|\.$|$)"##,
    min_entropy: 3.0,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
