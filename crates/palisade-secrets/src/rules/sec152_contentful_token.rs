//! SEC152: Contentful delivery/management token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Contentful delivery/management token (Contentful) in any text file: a value in the provider's documented format, looked for only near the keywords `CFPAT-`. Its Shannon entropy must be at least 3.5 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A management token changes every space the user can reach.
    /// ## Fix
    /// Revoke or rotate the credential with Contentful now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://www.contentful.com/developers/docs/references/authentication/
    pub static RULE = {
        id: "SEC152", practice: Sec, severity: Medium, title: "Contentful delivery/management token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Contentful",
    keywords: &["CFPAT-"],
    pattern: r##"(?:^|[^0-9A-Za-z_\-])(?P<secret>CFPAT-[a-zA-Z0-9_\-]{43})(?:[^0-9A-Za-z_\-]|$)"##,
    min_entropy: 3.5,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
