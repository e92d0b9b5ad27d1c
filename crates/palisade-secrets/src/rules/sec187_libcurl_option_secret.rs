//! SEC187: Credential set as a libcurl option.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A literal string passed to a libcurl credential option (`CURLOPT_PASSWORD`, `CURLOPT_USERPWD`, `CURLOPT_PROXYPASSWORD`, `CURLOPT_PROXYUSERPWD`, `CURLOPT_KEYPASSWD`, `CURLOPT_XOAUTH2_BEARER`, `CURLOPT_TLSAUTH_PASSWORD`) in C, PHP or any binding, looked for only near the keyword `CURLOPT_`. For `user:password` options the password part is checked. Variables and placeholders are not reported.
    /// ## Why it matters
    /// A credential compiled into a program ships with every copy of the binary and of its source.
    /// ## Fix
    /// Rotate the credential now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://curl.se/libcurl/c/CURLOPT_PASSWORD.html
    pub static RULE = {
        id: "SEC187", practice: Sec, severity: High, title: "Credential set as a libcurl option",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "libcurl",
    keywords: &["curlopt_"],
    pattern: r##"(?i)\bCURLOPT_(?:PASSWORD|USERPWD|PROXYPASSWORD|PROXYUSERPWD|KEYPASSWD|SSLKEYPASSWD|XOAUTH2_BEARER|TLSAUTH_PASSWORD|PROXY_TLSAUTH_PASSWORD)\s*,\s*[Lu8]{0,2}["'](?:[^"':\s]{0,100}:)?(?P<secret>[^"'\s]{4,300})["']"##,
    min_entropy: 0.0,
    case_sensitive: false,
    check: Check::UrlPassword,
    span: Span::Line,
};
