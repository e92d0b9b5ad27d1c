//! SEC089: MongoDB URL with password.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A MongoDB URL with password (MongoDB) in any text file: a value in the provider's documented format, looked for only near the keywords `mongodb://`, `mongodb+srv://`. Variables (`${DB_PASS}`), template expressions and placeholder passwords such as `password` or `changeme` are not reported.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A connection URL with a password is a login to the database server for whoever reads it.
    /// ## Fix
    /// Revoke or rotate the credential with MongoDB now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html
    pub static RULE = {
        id: "SEC089", practice: Sec, severity: High, title: "MongoDB URL with password",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "MongoDB",
    keywords: &["mongodb://", "mongodb+srv://"],
    pattern: r##"(?i)(?:mongodb|mongodb\+srv)://[^:@/\s"\'<>]{1,100}:(?P<secret>[^@/\s"\'<>]{3,200})@[A-Za-z0-9.\-_\[\]]+"##,
    min_entropy: 0.0,
    case_sensitive: false,
    check: Check::UrlPassword,
    span: Span::Line,
};
