//! SEC221: DeepSeek API key.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A DeepSeek API key (`sk-` followed by 32 lower-case hexadecimal digits) in any text file, looked for only near `sk-` followed by a hexadecimal digit. The key may sit inside ANSI colour codes (a key copied from a coloured terminal log); `sk-` inside a longer word (`disk-…`, `task-…`) is not a key. Its Shannon entropy must be at least 3.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A DeepSeek API key spends the account's balance on model calls and reads what the account sends.
    /// ## Fix
    /// Revoke or rotate the credential with DeepSeek now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://api-docs.deepseek.com/
    pub static RULE = {
        id: "SEC221", practice: Sec, severity: High, title: "DeepSeek API key",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "DeepSeek",
    keywords: &[
        "sk-0", "sk-1", "sk-2", "sk-3", "sk-4", "sk-5", "sk-6", "sk-7", "sk-8", "sk-9", "sk-a",
        "sk-b", "sk-c", "sk-d", "sk-e", "sk-f",
    ],
    pattern: r##"(?:^|[^0-9A-Za-z_\-]|\x1b\[[0-9;]{1,12}m)(?P<secret>sk-[0-9a-f]{32})(?:[^0-9A-Za-z_\-]|$)"##,
    min_entropy: 3.0,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
