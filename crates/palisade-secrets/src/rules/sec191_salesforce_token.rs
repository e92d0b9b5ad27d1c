//! SEC191: Salesforce access token or consumer key.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Salesforce OAuth access or session token (`00D<org id>!<token>`) or a connected app's consumer key (`3MVG…`) in any text file, looked for only near the keywords `!AQ`, `!AR` and `3MVG`.
    /// ## Why it matters
    /// A session token acts as the signed-in user on the org's API until it expires; a consumer key identifies the connected app in OAuth flows and, with its secret, obtains tokens.
    /// ## Fix
    /// Revoke or rotate the credential with Salesforce now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_tokens_scopes.htm
    pub static RULE = {
        id: "SEC191", practice: Sec, severity: High, title: "Salesforce access token or consumer key",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Salesforce",
    keywords: &["!AQ", "!AR", "3MVG"],
    pattern: r##"(?:^|[^0-9A-Za-z_.!])(?P<secret>00D[A-Za-z0-9]{12,15}![A-Za-z0-9._]{40,200}|3MVG[A-Za-z0-9._]{70,100})(?:[^0-9A-Za-z_.]|$)"##,
    min_entropy: 3.5,
    case_sensitive: true,
    check: Check::None,
    span: Span::Line,
};
