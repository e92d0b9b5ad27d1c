//! SEC185: Secret passed as a command-line option.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A literal secret given to a command-line option named like one (`--password X`, `-Password 'X'`, `--passphrase X`, `--token X`, `--secret X`, `--api-key X`, `--oauth2-bearer X`, `-passin pass:X`, MySQL's attached `-pX`, `sshpass -p X`) in scripts, shell history, Dockerfiles, CI files and documentation, looked for only near option-like keywords (`-pass`, `-pwd`, `-secret`, `-token`, `-api`, `-key`, `-bearer`, `_token`, `_secret`, `_pass`, `_key`, `mysql`, `mariadb`, `sshpass`). The value must look like a credential by the same tests as the generic rule (no variables, placeholders, file names or identifiers).
    /// ## Why it matters
    /// A secret on a command line lands in shell history, CI logs and the process list of every user on the machine, and is committed with the script that holds it.
    /// ## Fix
    /// Rotate the credential now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`. Most tools read the secret from a file or an environment variable instead (`--password-file`, `--passphrase-fd`, `PGPASSWORD`, `-passin env:VAR`).
    /// ## References
    /// - https://cwe.mitre.org/data/definitions/214.html
    pub static RULE = {
        id: "SEC185", practice: Sec, severity: Medium, title: "Secret passed as a command-line option",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Command line",
    keywords: &[
        "-pass", "-pwd", "-secret", "-token", "-api", "-bearer", "-key", "_token", "_secret",
        "_pass", "_key", "mysql", "mariadb", "sshpass",
    ],
    pattern: r##"(?i)(?:^|[\s"'(\[,])(?P<key>--?(?:[a-z0-9]{1,20}[-_]){0,3}(?:password|passwd|passphrase|pass|pwd|secret|token|api[-_]?key|oauth2-bearer|bearer))(?:\s+|=)(?:pass:)?(?:'(?P<secret>[^'\s]{6,200})'|"([^"\s]{6,200})"|([^\s'"\\;|&<>]{6,200}))|(?:^|\s)-pass(?:in|out)\s+["']?pass:([^\s'"]{4,200})|(?:^|[\s;&|(])(?:mysql|mysqldump|mysqladmin|mariadb|mariadb-dump)\s(?:[^\n;&|#]*?\s)?-p([^\s'"\\;|&<>\-][^\s'"\\;|&<>]{3,200})|(?:^|[\s;&|(])sshpass\s+-p\s*["']?([^\s'"\\;|&<>]{3,200})"##,
    min_entropy: 0.0,
    case_sensitive: false,
    check: Check::CommandLine,
    span: Span::Line,
};
