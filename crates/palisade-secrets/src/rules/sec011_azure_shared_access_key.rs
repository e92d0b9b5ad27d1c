//! SEC011: Azure Service Bus / Event Hubs shared access key.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Azure Service Bus / Event Hubs shared access key (Azure) in any text file: a value in the provider's documented format, looked for only near the keywords `sharedaccesskey=`. Its Shannon entropy must be at least 4.0 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// A shared access key in a connection string sends, receives or manages messages on the namespace.
    /// ## Fix
    /// Revoke or rotate the credential with Azure now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://learn.microsoft.com/azure/service-bus-messaging/service-bus-sas
    pub static RULE = {
        id: "SEC011", practice: Sec, severity: Critical, title: "Azure Service Bus / Event Hubs shared access key",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Azure",
    keywords: &["sharedaccesskey="],
    pattern: r##"(?i)SharedAccessKey\s*=\s*(?P<secret>[A-Za-z0-9+/]{42,44}=)"##,
    min_entropy: 4.0,
    case_sensitive: false,
    check: Check::None,
    span: Span::Line,
};
