//! What a detector is: the static description every rule file declares, and the checks a
//! candidate must pass after its regex matched.

use palisade_core::RuleMeta;

/// How far around a keyword hit the regex looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    /// The line holding the keyword (bounded for huge minified lines).
    Line,
    /// A block of up to this many bytes after the keyword's line start (PEM keys, JSON files).
    Block(usize),
    /// No keyword: the regex runs around the places where the token's shape shows
    /// (formats with no fixed prefix, such as Discord bot tokens).
    Shape(crate::shape::Shape),
    /// Like `Block`, but starting one line earlier: a value whose context (an XML start
    /// tag) sits on the line before the keyword.
    BlockFromLineBefore(usize),
}

/// A structural check a candidate secret must pass after the regex matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// Nothing beyond regex, entropy and allowlists.
    None,
    /// `prefix_` + 30 base62 characters + 6 base62 characters of CRC32 (GitHub, npm).
    /// A wrong checksum lowers the severity instead of dropping the match: test values
    /// in documentation are still worth a look, real tokens always carry a valid one.
    Base62Crc32,
    /// A PEM private key whose body decodes from base64.
    PemBody,
    /// A JSON Web Token whose header decodes to a JSON object with `alg` (the `value` group
    /// when the token carries a prefix, else the secret).
    Jwt,
    /// A URL whose password part is not a placeholder or a variable.
    UrlPassword,
    /// The generic `password = "..."` rule: keyword context plus heuristics.
    GenericAssignment,
    /// Base64 of `user:password` (registry `auth` entries).
    BasicAuthBase64,
    /// `user:password` of a curl `-u` option: the password (or a lone user part) must be
    /// a real password.
    CurlUser,
    /// Base64 of a PEM private key (kubeconfig `client-key-data`, Kubernetes Secrets).
    Base64Pem,
    /// A command-line option's value: the generic rule's tests with the option name
    /// (group `key`, dashes trimmed) as the key; without a `key` group, a real password.
    CommandLine,
    /// The `value` group inside the reported `secret` (or the secret) must hold no
    /// placeholder word or template; runs of one character are allowed, as formats such
    /// as base64 of zero bytes or a JSON object's indentation hold them.
    InnerValue,
    /// The text (group `value`) of an XML element named like a secret (group `key`): under
    /// a password-named element a real password of at least 6 characters that is not a
    /// plain lower-case word, under any other name the generic rule's tests.
    XmlElement,
    /// A base64 run (possibly cut out of a longer one) whose decoded text holds a PEM
    /// private key further in than its start, with a body that decodes. Encrypted keys
    /// are reported at low severity.
    Base64PemInside,
    /// A base64 run (possibly cut out of a longer one) whose decoded text is a JSON Web
    /// Key with a private member (`d`, `p`, `q`, `dp`, `dq`, `qi`, or `k` of a symmetric
    /// key) that is not a placeholder.
    Base64JwkInside,
    /// A Bech32 string (`hrp1data`) whose checksum matches: age identities. Every tool
    /// that reads such a key rejects one with a wrong checksum, so it is not reported.
    Bech32,
    /// A JFrog reference token: base64 that, when it decodes to `reftkn:` text, must go on
    /// with the format's version and expiry (`reftkn:01:<digits>:`); prose encoded after
    /// `reftkn:` is a sample.
    JfrogReference,
    /// A keyword-less random value found next to its context (group `key`): it must mix
    /// upper-case letters, lower-case letters and digits, and pass the generic rule's
    /// tests, so that names and dates (`quickstart-1593021475437`) are not taken for it.
    MixedCaseRandom,
    /// Base64 of a DER private key without PEM armour (an optional XML start tag before
    /// it is skipped): an ASN.1 SEQUENCE whose declared length the decoded bytes reach,
    /// opening with version 0 (PKCS#1, PKCS#8) or 1 (SEC1), and a body of random-looking
    /// base64.
    DerPrivateKey,
}

/// One provider-specific (or generic) secret detector, declared in its rule file.
#[derive(Debug)]
pub struct Detector {
    pub rule: &'static RuleMeta,
    /// Provider shown to users and used for per-provider conformance figures.
    pub provider: &'static str,
    /// Literals the regex only runs near. Matched ignoring ASCII case unless
    /// `case_sensitive` (for fixed-case prefixes such as `AKIA` or `SK`, which in any case
    /// would hit ordinary words like `task`).
    pub keywords: &'static [&'static str],
    pub case_sensitive: bool,
    /// Regex over bytes, Unicode disabled; the secret is the `secret` group, else group 1,
    /// else the whole match.
    pub pattern: &'static str,
    /// Minimum Shannon entropy (bits per character) of the secret; 0 disables the check.
    pub min_entropy: f64,
    pub check: Check,
    pub span: Span,
}
