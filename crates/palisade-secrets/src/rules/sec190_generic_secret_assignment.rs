//! SEC190: Hard-coded secret assigned to a secret-named key.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A value assigned to a key whose name says it holds a secret (`password`, `passwd`, `pwd`, `secret`, `token`, `api_key`, `access_key`, `private_key`, `credentials`...) in YAML, JSON, `.env`, properties, INI and TOML files and in source code, when the value looks like a real credential:
    /// at least 8 characters, enough entropy for its character mix, not a reference to somewhere else (`${VAR}`, `{{ .Values.x }}`, `os.environ[...]`, `process.env.X`, a function call, an unquoted identifier), not a placeholder (`changeme`, `<your-key>`, `xxxx`) or an instruction to whoever fills it in (`please-change-this`, `set-in-vault`, `replace_me_with_the_real_key`), not a UUID or a number, and not under a key that only describes a secret (`secret_name`, `token_url`, `password_length`).
    /// Quotes may be HTML-escaped (`&quot;`, in HTML and draw.io documents) and the separator a JSON-escaped tab (`\t`); a product key (`ZAQWS-XCDER-VBGTR-FRTGU-KLMNX`) is reported under an activation, licence, product or serial key even though it holds no lower-case letter.
    /// In a `.properties` file each entry is read as `java.util.Properties` reads it (`key=value`, `key: value` or `key value`, `#` and `!` comment lines, a value continued over lines with `\`) and its value is judged whole, as the literal text it is, quoted or not.
    /// A provider-specific rule that matches the same value wins over this one.
    /// ## Why it matters
    /// Secrets typed into configuration or code travel with every clone, fork, backup, build log and container image of the repository; rotating them later means finding every copy.
    /// ## Fix
    /// Revoke or rotate the credential with the provider now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html
    pub static RULE = {
        id: "SEC190", practice: Sec, severity: High, title: "Hard-coded secret assigned to a secret-named key",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Generic",
    keywords: &[
        "pass",
        "psw",
        "ssw",
        "swd",
        "swrd",
        "sword",
        "_pw",
        "pw:",
        "pw=",
        "\"pw\"",
        "pwd",
        "passphrase",
        "secret",
        "token",
        "api_key",
        "apikey",
        "api-key",
        "access_key",
        "accesskey",
        "access-key",
        "private_key",
        "privatekey",
        "credential",
        "auth_key",
        "authkey",
        "access key",
        "authentication key",
        "activation",
    ],
    pattern: r##"(?i)(?P<key>[a-z0-9_.\-]{0,40}(?:passwd|password|pwd|passphrase|pass|pa?s{1,2}w[a-z]{0,4}|psw[a-z]{0,3}|pw|secret(?: key)?|token|api[_.\-]?key|access[_.\- ]?key|auth(?:entication)?[_.\- ]?key|private[_.\- ]?key|activation[_.\- ]?key|credentials?)[a-z0-9_.\-]{0,30})\\?["\']?(?:,\s*default)?(?:\s+for\s+[a-z0-9_.@\-]{1,30})?\)?(?:\s*:\s*[a-z][a-z0-9_]{1,15})?(?:\s*(?:=|:=|:|=>|\?\?=|==|!=)\s*(?:[a-z]{1,6}["\']|\\?["\'`]|&quot;|&#3[49];|&apos;)?|(?:\s|\\t)+(?:\\?["\']|&quot;))(?P<secret>[^\s"\'`;,\\<>]{7,999}[^\s"\'`;,\\<>()])"##,
    min_entropy: 0.0,
    case_sensitive: false,
    check: Check::GenericAssignment,
    span: Span::Line,
};
