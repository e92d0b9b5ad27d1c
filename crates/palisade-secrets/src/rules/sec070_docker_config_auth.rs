//! SEC070: Registry credentials in .docker/config.json.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Registry credentials in .docker/config.json (Docker) in any text file: a value in the provider's documented format, looked for only near the keywords `"auth"`. The value must decode from base64 to `user:password`.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// An `auth` entry is base64 of `user:password` for the registry: pull and push as that user.
    /// ## Fix
    /// Revoke or rotate the credential with Docker now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://docs.docker.com/reference/cli/docker/login/
    pub static RULE = {
        id: "SEC070", practice: Sec, severity: High, title: "Registry credentials in .docker/config.json",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Docker",
    keywords: &["\"auth\""],
    pattern: r##""auth"\s*:\s*"(?P<secret>[A-Za-z0-9+/]{8,400}={0,2})""##,
    min_entropy: 0.0,
    case_sensitive: true,
    check: Check::BasicAuthBase64,
    span: Span::Line,
};
