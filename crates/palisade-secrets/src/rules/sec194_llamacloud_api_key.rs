//! SEC194: LlamaCloud API key.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A LlamaCloud (LlamaIndex, LlamaParse) API key (`llx-` followed by 48 characters) in any text file, looked for only near the keyword `llx-`. Its Shannon entropy must be at least 3.5 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A LlamaCloud key parses and indexes documents billed to the account and reads its indexes.
    /// ## Fix
    /// Revoke or rotate the credential with LlamaIndex now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://docs.cloud.llamaindex.ai/api_key
    pub static RULE = {
        id: "SEC194", practice: Sec, severity: High, title: "LlamaCloud API key",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "LlamaIndex",
    keywords: &["llx-"],
    pattern: r##"(?:^|[^0-9A-Za-z_\-])(?P<secret>llx-[A-Za-z0-9_\-]{48})(?:[^0-9A-Za-z_\-]|$)"##,
    min_entropy: 3.5,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
