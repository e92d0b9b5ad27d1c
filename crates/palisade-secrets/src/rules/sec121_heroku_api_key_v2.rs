//! SEC121: Heroku API key (HRKU form).

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Heroku API key (HRKU form) (Heroku) in any text file: a value in the provider's documented format, looked for only near the keywords `HRKU-`. Its Shannon entropy must be at least 3.5 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A Heroku key deploys and configures every app the user can reach.
    /// ## Fix
    /// Revoke or rotate the credential with Heroku now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://devcenter.heroku.com/articles/authentication
    pub static RULE = {
        id: "SEC121", practice: Sec, severity: High, title: "Heroku API key (HRKU form)",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Heroku",
    keywords: &["HRKU-"],
    pattern: r##"(?:^|[^0-9A-Za-z_\-])(?P<secret>HRKU-(?:AA[0-9a-zA-Z_\-]{58}|[0-9a-zA-Z_\-]{60}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}))(?:[^0-9A-Za-z_\-]|$)"##,
    min_entropy: 3.5,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
