//! SEC223: Azure AI services identifiable API key.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// An Azure API key in Microsoft's identifiable format (Azure AI services, Azure OpenAI, Speech, Vision, Language, ...): 52 random characters, the fixed signature `JQQJ99`, then a version, a date and a provider code, 84 characters in all (88 with a trailing `==`). Looked for only near the signature `JQQJ99`. The structured tail holds runs of `A` by design, so the key's entropy, at least 3.5 bits per character over the whole key, stands in for the placeholder-run test; placeholder words and templates are not reported.
    /// ## Why it matters
    /// Such a key calls the Azure resource it was issued for (an OpenAI deployment, a Speech or Vision endpoint) and is billed to its subscription.
    /// ## Fix
    /// Revoke or rotate the credential with Azure now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://learn.microsoft.com/en-us/azure/ai-services/authentication
    /// - https://github.com/microsoft/security-utilities/blob/main/docs/KeyFormats.md
    pub static RULE = {
        id: "SEC223", practice: Sec, severity: High, title: "Azure AI services identifiable API key",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Azure",
    keywords: &["JQQJ99"],
    pattern: r##"(?:^|[^0-9A-Za-z+/])(?P<secret>(?P<value>[A-Za-z0-9]{52})JQQJ99[A-Za-z0-9][A-L][A-Za-z0-9]{16}[A-Za-z][A-Za-z0-9]{7}(?:[A-Za-z0-9]{2}==)?)(?:[^0-9A-Za-z+/=]|$)"##,
    min_entropy: 3.5,
    case_sensitive: true,
    check: Check::InnerValue,
    span: Span::Line,
};
