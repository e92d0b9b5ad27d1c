//! SEC064: Registry auth token in .npmrc.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Registry auth token in .npmrc (npm) in any text file: a value in the provider's documented format, looked for only near the keywords `_authToken`.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// An `.npmrc` auth token publishes or reads private packages on that registry.
    /// ## Fix
    /// Revoke or rotate the credential with npm now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://docs.npmjs.com/cli/configuring-npm/npmrc
    pub static RULE = {
        id: "SEC064", practice: Sec, severity: High, title: "Registry auth token in .npmrc",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "npm",
    keywords: &["_authToken"],
    pattern: r##"//[a-z0-9.\-]+(?::\d+)?/[^\s:]*:_authToken\s*=\s*(?P<secret>[A-Za-z0-9_\-.+/=]{8,})"##,
    min_entropy: 0.0,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
