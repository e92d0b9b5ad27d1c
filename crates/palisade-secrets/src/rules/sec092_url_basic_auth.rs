//! SEC092: Password in URL (basic auth).

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Password in URL (basic auth) (URL credentials) in any text file: a value in the provider's documented format, looked for only near the keywords `://`. Variables (`${DB_PASS}`), template expressions and placeholder passwords such as `password` or `changeme` are not reported.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// Package-manager URLs such as `git+https://user:TOKEN@host/repo.git` (requirements, Pipfile) count too.
    /// ## Why it matters
    /// Credentials in a URL travel with it: logs, proxies, browser history and shell history keep them.
    /// ## Fix
    /// Revoke or rotate the credential with URL credentials now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html
    pub static RULE = {
        id: "SEC092", practice: Sec, severity: High, title: "Password in URL (basic auth)",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "URL credentials",
    keywords: &["://"],
    pattern: r##"(?i)(?:^|[^a-z0-9+.\-])(?:(?:git|hg|svn|bzr)\+)?(?:https?|ftps?|sftp|ssh|git|svn|smtps?|ldaps?|jdbc:[a-z]+)://[^:@/\s"\'<>]{1,100}:(?P<secret>[^@/\s"\'<>]{3,200})@[A-Za-z0-9.\-_]+"##,
    min_entropy: 0.0,
    case_sensitive: false,
    check: Check::UrlPassword,
    span: Span::Line,
};
