//! SEC096: OpenAI API key.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A OpenAI API key (OpenAI) in any text file: a value in the provider's documented format, looked for only near the keywords `T3BlbkFJ`. Its Shannon entropy must be at least 3.5 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// An OpenAI key runs models billed to the organisation and reads its files and assistants.
    /// ## Fix
    /// Revoke or rotate the credential with OpenAI now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://platform.openai.com/docs/api-reference/authentication
    pub static RULE = {
        id: "SEC096", practice: Sec, severity: High, title: "OpenAI API key",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "OpenAI",
    keywords: &["T3BlbkFJ"],
    pattern: r##"(?:^|[^0-9A-Za-z_\-])(?P<secret>sk-(?:(?:proj|svcacct|admin)-)?[A-Za-z0-9_\-]{20,74}T3BlbkFJ[A-Za-z0-9_\-]{20,74})(?:[^0-9A-Za-z_\-]|$)"##,
    min_entropy: 3.5,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
