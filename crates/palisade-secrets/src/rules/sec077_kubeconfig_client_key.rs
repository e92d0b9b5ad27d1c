//! SEC077: Kubernetes kubeconfig client key.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Kubernetes kubeconfig client key (Kubernetes) in any text file: a value in the provider's documented format, looked for only near the keywords `client-key-data`. The value must decode from base64 to a PEM private key.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) and the providers' documented example values are not reported.
    /// ## Why it matters
    /// The client key authenticates to the API server as the certificate's user, often cluster-admin.
    /// ## Fix
    /// Revoke or rotate the credential with Kubernetes now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://kubernetes.io/docs/concepts/configuration/organize-cluster-access-kubeconfig/
    pub static RULE = {
        id: "SEC077", practice: Sec, severity: Critical, title: "Kubernetes kubeconfig client key",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Kubernetes",
    keywords: &["client-key-data"],
    pattern: r##"client-key-data:\s*["\']?(?P<secret>[A-Za-z0-9+/]{100,}={0,2})"##,
    min_entropy: 0.0,
    case_sensitive: true,
    check: Check::Base64Pem,
    span: Span::Line,
};
