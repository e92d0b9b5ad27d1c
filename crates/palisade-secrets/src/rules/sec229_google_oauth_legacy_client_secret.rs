//! SEC229: Google OAuth client secret (legacy format) next to its client ID.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Google OAuth 2.0 client secret in its pre-2021 format — 24 random letters, digits, `-` and `_`, without the `GOCSPX-` prefix of SEC008 — written within a few lines after the client ID it belongs to (`<project number>-<32 characters>.apps.googleusercontent.com`), as in `client_secrets.json` files, configuration and documentation. Looked for only near `.apps.googleusercontent.com`. The secret must mix upper-case letters, lower-case letters and digits, reach 3.5 bits of entropy per character and pass the generic rule's tests (no identifiers, placeholders or version numbers); the client ID alone is public and is not reported.
    /// ## Why it matters
    /// With its client ID, the client secret lets anyone run OAuth flows as the application: phishing consent screens under its name, and refresh tokens it issued being exchanged for access tokens.
    /// ## Fix
    /// Revoke or rotate the credential with Google Cloud now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`. In the Google Cloud console, add a new secret to the OAuth client, deploy it, then disable and delete the old one.
    /// ## References
    /// - https://developers.google.com/identity/protocols/oauth2
    /// - https://support.google.com/cloud/answer/15549257
    pub static RULE = {
        id: "SEC229", practice: Sec, severity: High, title: "Google OAuth client secret (legacy format) next to its client ID",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Google Cloud",
    keywords: &[".apps.googleusercontent.com"],
    pattern: r##"(?P<key>[0-9]{6,}-[0-9a-z]{32}\.apps\.googleusercontent\.com)[^\n]{0,200}(?:\n[^\n]{0,200}){0,4}?(?:^|[^0-9A-Za-z_\-+/.])(?P<secret>[0-9A-Za-z_\-]{24})(?:[^0-9A-Za-z_\-+/=.]|$)"##,
    min_entropy: 3.5,
    case_sensitive: true,
    check: Check::MixedCaseRandom,
    span: Span::Block(1200),
};
