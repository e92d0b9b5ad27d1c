//! SEC199: NTLM authentication message.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A base64 NTLM AUTHENTICATE message (type 3: `TlRMTVNTUAAD…`, as sent in an `Authorization: NTLM` header) in any text file, looked for only near the keyword `TlRMTVNTUAAD`. It carries the user's challenge response, which can be cracked offline or relayed. Placeholders are not reported.
    /// ## Why it matters
    /// Captured NTLM responses in logs or test fixtures can be cracked offline to recover the user's password, or replayed against services that accept NTLM.
    /// ## Fix
    /// Revoke or rotate the credential with NTLM now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://learn.microsoft.com/openspecs/windows_protocols/ms-nlmp/033d32cc-88f9-4483-9bf2-b273055038ce
    pub static RULE = {
        id: "SEC199", practice: Sec, severity: Medium, title: "NTLM authentication message",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "NTLM",
    keywords: &["TlRMTVNTUAAD"],
    pattern: r##"(?:^|[^0-9A-Za-z+/])(?P<secret>TlRMTVNTUAAD[A-Za-z0-9+/]{40,4000}={0,2})"##,
    min_entropy: 0.0,
    case_sensitive: true,
    check: Check::InnerValue,
    span: Span::Line,
};
