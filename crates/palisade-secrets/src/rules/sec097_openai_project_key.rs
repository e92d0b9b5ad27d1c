//! SEC097: OpenAI project or service-account key.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A OpenAI project or service-account key (OpenAI) in any text file: a value in the provider's documented format, looked for only near the keywords `sk-proj-`, `sk-svcacct-`, `sk-admin-`. Its Shannon entropy must be at least 4.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// An OpenAI key runs models billed to the organisation.
    /// ## Fix
    /// Revoke or rotate the credential with OpenAI now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://platform.openai.com/docs/api-reference/authentication
    pub static RULE = {
        id: "SEC097", practice: Sec, severity: High, title: "OpenAI project or service-account key",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "OpenAI",
    keywords: &["sk-proj-", "sk-svcacct-", "sk-admin-"],
    pattern: r##"(?:^|[^0-9A-Za-z_\-])(?P<secret>sk-(?:proj|svcacct|admin)-[A-Za-z0-9_\-]{100,200})(?:[^0-9A-Za-z_\-]|$)"##,
    min_entropy: 4.0,
    case_sensitive: false,
    check: Check::None,
    span: Span::Line,
};
