//! SEC231: TOTP/HOTP seed (two-factor secret).

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// The shared seed of a one-time-password generator (RFC 4226 HOTP, RFC 6238 TOTP): the `secret=` parameter of an `otpauth://totp/…` or `otpauth://hotp/…` URI (what an authenticator's QR code holds), or an upper-case base32 value of at least 16 characters assigned to a key named like an OTP or two-factor seed (`totp_secret`, `otp_key`, `mfa_seed`, `2fa-secret`). Looked for only near `otpauth://`, `otp` or `mfa` followed by a separator or `secret`/`seed`/`key`, and `2fa` (not bare `otp`, which `footprint` and `hotplug` hold). Its Shannon entropy must be at least 3.0 bits per character; placeholders and the seed of the authenticator documentation's example (`JBSWY3DPEHPK3PXP`) are not reported.
    /// ## Why it matters
    /// Whoever holds the seed generates the same codes as the account owner's authenticator: the second factor is gone, and only the password stands between an attacker and the account.
    /// ## Fix
    /// Revoke or rotate the credential with the account's provider now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`. Re-enrol the authenticator so that the service issues a new seed, and keep seeds of service accounts in a secret store that generates the codes.
    /// ## References
    /// - https://datatracker.ietf.org/doc/html/rfc6238
    /// - https://github.com/google/google-authenticator/wiki/Key-Uri-Format
    pub static RULE = {
        id: "SEC231", practice: Sec, severity: High, title: "TOTP/HOTP seed (two-factor secret)",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "OTP",
    keywords: &[
        "otpauth://",
        "otp_",
        "otp-",
        "otp.",
        "otpsecret",
        "otpseed",
        "otpkey",
        "mfa_",
        "mfa-",
        "mfasecret",
        "mfaseed",
        "2fa",
    ],
    pattern: r##"(?:(?i:otpauth://[th]otp/)[^\s?"'<>]{0,200}\?(?:[^\s"'<>#]{0,300}&)?(?i:secret)=(?P<secret>[A-Za-z2-7]{16,128})|(?P<key>(?i:[a-z0-9_.\-]{0,30}(?:t|h|mfa_?|2fa_?|two_?factor_?)?otp[_.\-]?(?:secret|seed|key)|(?:mfa|2fa)[_.\-]?(?:secret|seed))[a-z0-9_.\-]{0,20})["']?\s*[:=]\s*["']?([A-Z2-7]{16,128}))={0,6}(?:[^A-Za-z0-9=]|$)"##,
    min_entropy: 3.0,
    case_sensitive: false,
    check: Check::None,
    span: Span::Line,
};
