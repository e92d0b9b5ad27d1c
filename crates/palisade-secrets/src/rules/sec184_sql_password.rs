//! SEC184: Password in an SQL statement.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A password set by an SQL statement in any text file: `CREATE USER … IDENTIFIED BY 'x'` (MySQL, MariaDB, Oracle), `IDENTIFIED WITH plugin AS 'hash'`, `CREATE|ALTER ROLE … [WITH] [LOGIN] [ENCRYPTED] PASSWORD 'x'` (PostgreSQL) and `CREATE|ALTER LOGIN … WITH PASSWORD = 'x'` (SQL Server), looked for only near the keywords `identified` and `password`. Unquoted values must contain a digit; variables, bind parameters (`?`, `%s`, `:pw`, `${PW}`) and placeholder words are not reported.
    /// ## Why it matters
    /// Migration and provisioning scripts are committed, copied into images and printed in CI logs; a database password in them opens the database to anyone who reads the repository.
    /// ## Fix
    /// Rotate the database account's password now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`. Provisioning scripts can read the password from a variable (`\\set pw :'PGPASSWORD'`, `--init-file` generated at deploy time).
    /// ## References
    /// - https://dev.mysql.com/doc/refman/8.0/en/create-user.html
    pub static RULE = {
        id: "SEC184", practice: Sec, severity: High, title: "Password in an SQL statement",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "SQL",
    keywords: &["identified", "password"],
    pattern: r##"(?i)(?:\bidentified\s+(?:with\s+\S{1,40}\s+)?(?:by|as)|\b(?:with|login|encrypted|unencrypted|role\s+\S{1,64}|user\s+\S{1,64})\s+password(?:\s*=)?)\s+(?:'(?P<secret>[^'\s]{4,128})'|"([^"\s]{4,128})"|([^\s'";\\,)]{0,64}[0-9][^\s'";\\,)]{0,64}))"##,
    min_entropy: 0.0,
    case_sensitive: false,
    check: Check::UrlPassword,
    span: Span::Line,
};
