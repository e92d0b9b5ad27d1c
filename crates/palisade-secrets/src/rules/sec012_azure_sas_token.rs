//! SEC012: Azure SAS token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Azure SAS token (Azure) in any text file: a value in the provider's documented format, looked for only near the keywords `sig=`. Its Shannon entropy must be at least 4.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A shared access signature grants the permissions it names on storage resources until it expires, to whoever holds the URL.
    /// ## Fix
    /// Revoke or rotate the credential with Azure now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://learn.microsoft.com/azure/storage/common/storage-sas-overview
    pub static RULE = {
        id: "SEC012", practice: Sec, severity: High, title: "Azure SAS token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Azure",
    keywords: &["sig="],
    pattern: r##"(?i)sv=\d{4}-\d{2}-\d{2}[^\s"\'<>]{0,400}?[?&]sig=(?P<secret>[A-Za-z0-9%+/]{40,90})"##,
    min_entropy: 4.0,
    case_sensitive: false,
    check: Check::None,
    span: Span::Line,
};
