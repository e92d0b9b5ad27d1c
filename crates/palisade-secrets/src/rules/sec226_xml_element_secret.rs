//! SEC226: Secret in an XML element named like one.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// The text of an XML element whose name says it holds a secret (`<password>`, `<db-password>`, `<secret>`, `<token>`, `<apiKey>`, `<credentials>`...), with or without attributes, right after the start tag or on the next line, in any text file (Maven `settings.xml`, .NET and Java configuration, Tomcat users, exported documents). Looked for only near `<pass`, `<pwd`, `<secret`, `<token`, `<api`, `<credential` and the same with a namespace or name prefix. The finding points at the element.
    /// A password element's text is a password as typed: at least 6 characters, not a plain lower-case word, not a placeholder, template (`${env.DB_PASS}`) or Maven-encrypted value (`{…}`). Other elements' text goes through the generic rule's tests (SEC190).
    /// ## Why it matters
    /// Configuration committed as XML travels with the repository and its build artefacts; a password in it opens the service it names to anyone who reads them.
    /// ## Fix
    /// Revoke or rotate the credential with its issuer now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`. Maven can encrypt server passwords in `settings.xml` (`mvn --encrypt-password`); other tools read them from the environment (`${env.DB_PASSWORD}`).
    /// ## References
    /// - https://maven.apache.org/guides/mini/guide-encryption.html
    /// - https://cwe.mitre.org/data/definitions/260.html
    pub static RULE = {
        id: "SEC226", practice: Sec, severity: High, title: "Secret in an XML element named like one",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Generic",
    keywords: &[
        "<pass",
        "<pwd",
        "<secret",
        "<token",
        "<api",
        "<credential",
        "password>",
        "secret>",
        "token>",
        "pwd>",
    ],
    pattern: r##"(?i)(?P<secret><(?P<key>[a-z0-9_.:\-]{0,30}(?:password|passwd|pwd|passphrase|secret|token|api[_.\-]?key|credentials?)[a-z0-9_.:\-]{0,30})(?:\s[^<>\n]{0,300})?>(?:[ \t]*\r?\n[ \t]*)?"?(?P<value>[^<>"\s]{4,200}))"##,
    min_entropy: 0.0,
    case_sensitive: false,
    check: Check::XmlElement,
    span: Span::Block(600),
};
