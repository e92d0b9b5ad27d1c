//! SEC065: PyPI upload token.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A PyPI upload token (PyPI) in any text file: a value in the provider's documented format, looked for only near the keywords `pypi-ageichlwas5vcmc`, `pypi-agendgvzdc5wexbplm9yz`. Its Shannon entropy must be at least 3.5 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A PyPI token uploads releases of the projects it is scoped to.
    /// ## Fix
    /// Revoke or rotate the credential with PyPI now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://pypi.org/help/#apitoken
    pub static RULE = {
        id: "SEC065", practice: Sec, severity: Critical, title: "PyPI upload token",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "PyPI",
    keywords: &["pypi-ageichlwas5vcmc", "pypi-agendgvzdc5wexbplm9yz"],
    pattern: r##"(?:^|[^0-9A-Za-z_])(?P<secret>pypi-(?:AgEIcHlwaS5vcmc|AgENdGVzdC5weXBpLm9yZw)[A-Za-z0-9_\-]{70,})(?:[^0-9A-Za-z_]|$)"##,
    min_entropy: 3.5,
    case_sensitive: false,
    check: Check::None,
    span: Span::Line,
};
