//! SEC183: Brevo (Sendinblue) API key.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Brevo (Sendinblue) API key (Brevo) in any text file: a value in the provider's documented format, looked for only near the keywords `xkeysib-`. Its Shannon entropy must be at least 3.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A Brevo key sends e-mail and SMS as the account and reads its contact lists.
    /// ## Fix
    /// Revoke or rotate the credential with Brevo now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://developers.brevo.com/docs/getting-started
    pub static RULE = {
        id: "SEC183", practice: Sec, severity: High, title: "Brevo (Sendinblue) API key",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Brevo",
    keywords: &["xkeysib-"],
    pattern: r##"(?:^|[^0-9A-Za-z_\-])(?P<secret>xkeysib-[a-f0-9]{64}-[a-zA-Z0-9]{16})(?:[^0-9A-Za-z_\-]|$)"##,
    min_entropy: 3.0,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
