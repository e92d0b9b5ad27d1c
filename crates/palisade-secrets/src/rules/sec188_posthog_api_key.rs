//! SEC188: PostHog API key.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A PostHog key (PostHog) in any text file: `phx_` personal API keys, `phs_` and `phr_` secret and refresh keys, `pha_` OAuth access tokens and `phc_` project keys, looked for only near those prefixes. Its Shannon entropy must be at least 3.5 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A personal or secret PostHog key reads every event, person and recording of the projects it can reach and can change them; a project key lets anyone send events to the project.
    /// ## Fix
    /// Revoke or rotate the key in PostHog now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://posthog.com/docs/api
    pub static RULE = {
        id: "SEC188", practice: Sec, severity: Medium, title: "PostHog API key",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "PostHog",
    keywords: &["phx_", "phs_", "phr_", "pha_", "phc_"],
    pattern: r##"(?:^|[^0-9A-Za-z_\-])(?P<secret>ph[xsrac]_[A-Za-z0-9]{40,64})(?:[^0-9A-Za-z_\-]|$)"##,
    min_entropy: 3.5,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
