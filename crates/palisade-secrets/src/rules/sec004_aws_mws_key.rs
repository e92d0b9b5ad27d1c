//! SEC004: Amazon MWS auth token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Amazon MWS auth token (AWS) in any text file: a value in the provider's documented format, looked for only near the keywords `amzn.mws.`, followed by a UUID-shaped body of lower-case letters and digits. Its Shannon entropy must be at least 3.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// An MWS auth token lets a developer application act on a seller account.
    /// ## Fix
    /// Revoke or rotate the credential with AWS now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://developer-docs.amazon.com/sp-api/docs/
    pub static RULE = {
        id: "SEC004", practice: Sec, severity: High, title: "Amazon MWS auth token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "AWS",
    keywords: &["amzn.mws."],
    pattern: r##"(?:^|[^0-9A-Za-z_])(?P<secret>amzn\.mws\.[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{12})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.0,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
