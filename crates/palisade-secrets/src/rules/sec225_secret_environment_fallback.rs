//! SEC225: Hard-coded secret as the fallback of an environment lookup.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A literal secret given as the default of an environment-variable lookup whose result is assigned to a secret-named variable: `SECRET := getenv("NAME", "value")`, `password = os.environ.get("NAME", "value")`, `PASSWORD = os.environ.get("NAME") or "value"` (also `||` and `??`). Looked for only near the keywords `getenv(`, `environ.get(` and `env.get(`. The variable name and the value go through the same tests as the generic rule SEC190 (no placeholders, references, identifiers or low-entropy values); an empty or `None` default is not reported.
    /// ## Why it matters
    /// The fallback is what runs whenever the variable is unset — on a developer's machine, in CI, in a container started without it — so the literal is a working credential committed with the code.
    /// ## Fix
    /// Revoke or rotate the credential with its issuer now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`. Fail at start-up when the variable is missing instead of falling back to a literal.
    /// ## References
    /// - https://cwe.mitre.org/data/definitions/798.html
    /// - https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html
    pub static RULE = {
        id: "SEC225", practice: Sec, severity: High, title: "Hard-coded secret as the fallback of an environment lookup",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Generic",
    keywords: &["getenv(", "environ.get(", "env.get("],
    pattern: r##"(?i)(?:^|[^a-z0-9_])(?P<key>[a-z0-9_]{0,40}(?:passw(?:or)?d|pwd|secret|token|api_?key|access_?key|credentials?)[a-z0-9_]{0,20})\s*(?::=|=)\s*[a-z0-9_.]{0,20}(?:getenv|environ\.get|env\.get)\(\s*[^,()\n]{1,80}?(?:,\s*b?["'](?P<secret>[^"'\s\\]{6,100})["']\s*\)|\)\s*(?:or|\|\||\?\?)\s*["']([^"'\s\\]{6,100})["'])"##,
    min_entropy: 0.0,
    case_sensitive: false,
    check: Check::GenericAssignment,
    span: Span::Line,
};
