//! SEC136: Netlify access token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Netlify access token (Netlify) in any text file: a value in the provider's documented format, looked for only near the keywords `netlify`, `nfp_`. Its Shannon entropy must be at least 3.5 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A Netlify token deploys sites and reads their environment.
    /// ## Fix
    /// Revoke or rotate the credential with Netlify now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://docs.netlify.com/api/get-started/#authentication
    pub static RULE = {
        id: "SEC136", practice: Sec, severity: High, title: "Netlify access token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Netlify",
    keywords: &["netlify", "nfp_"],
    pattern: r##"(?i)(?:(?:netlify[\w.\-]{0,20}(?:token|key))[\w.\-]{0,25}(?:["\']?\s*(?:=|:=|:|=>)\s*["\']?|["\']\s*,\s*["\'])(?P<secret>[A-Za-z0-9_\-=]{40,46})|(?P<nfp>nfp_[A-Za-z0-9]{36}))(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.5,
    case_sensitive: false,
    check: Check::None,
    span: Span::Line,
};
