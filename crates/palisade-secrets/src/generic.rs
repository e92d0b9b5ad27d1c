//! Heuristics for the generic rule (a secret-looking value assigned to a key named like
//! `password`, `secret`, `token` or `api_key`) and for passwords embedded in URLs.
//!
//! The thresholds were tuned on the labelled corpora (detect-secrets, CredSweeper,
//! gitleaks) and on real source code; see `tests/conformance.rs` and
//! `tests/generic_on_real_code.rs` for the figures.

use crate::validate;

/// Rule id of the generic assignment rule; provider rules win over it on the same bytes.
pub const GENERIC_RULE_ID: &str = "SEC190";

/// Minimum Shannon entropy for a generic value.
pub const GENERIC_MIN_ENTROPY: f64 = 2.8;

/// Key suffixes that name something about a secret rather than the secret itself.
const NON_SECRET_KEY_ENDINGS: &[&str] = &[
    "url",
    "uri",
    "file",
    "path",
    "name",
    "type",
    "length",
    "len",
    "endpoint",
    "_id",
    "-id",
    "ref",
    "env",
    "var",
    "field",
    "header",
    "policy",
    "hint",
    "timeout",
    "count",
    "format",
    "pattern",
    "regex",
    "label",
    "prompt",
    "placeholder",
    "provider",
    "dir",
    "mode",
    "class",
    "size",
    "source",
    "store",
    "manager",
    "method",
    "expiry",
    "expires",
    "ttl",
    "version",
    "secrets",
    "keys",
    "tokens",
];

/// Key fragments that are not credentials even though they contain a keyword.
const NON_SECRET_KEY_PARTS: &[&str] = &[
    "tokenizer",
    "token_type",
    "tokentype",
    "secretkeyref",
    "secretref",
    "secretname",
    "keyref",
    "passwordless",
    "passthrough",
    "bypass",
    "compass",
    "passenger",
    "csrf",
    "_format",
    "rotation",
    "expir",
    "max_token",
    "maxtoken",
    "tokens_",
    "token_count",
    "num_token",
    "token_limit",
    "token_usage",
    "idempotency",
    "public",
    "tokenized",
    "tokenize",
    "secrets_",
    "pwr_",
];

/// Values that name another place where the secret lives.
const REFERENCE_PREFIXES: &[&str] = &[
    "process.env",
    "os.environ",
    "os.getenv",
    "getenv",
    "system.getenv",
    "env.",
    "env[",
    "secrets.",
    "vault:",
    "arn:aws",
    "ref(",
    "!ref",
    "self.",
    "this.",
    "config.",
    "settings.",
    "params.",
    "args.",
    "options.",
    "request.",
    "req.",
    "$",
    "@",
    "%",
    "#{",
    "file:",
    "/",
    "./",
    "../",
    "~/",
    "{",
    "[",
    "*",
    "0x",
    ":",
    "&",
];

/// Whether a key names something about a secret or another kind of value (`client_id`,
/// `token_url`, `secret_name`, `public_key`) rather than a credential.
fn key_names_something_else(key: &[u8]) -> bool {
    let original = String::from_utf8_lossy(key);
    if original.ends_with("Id") || original.ends_with("ID") {
        return true;
    }
    let key = original.to_ascii_lowercase();
    let key = key.trim_matches(|c: char| c == '"' || c == '\'' || c == '-' || c == '.');
    NON_SECRET_KEY_ENDINGS.iter().any(|e| key.ends_with(e))
        || NON_SECRET_KEY_PARTS.iter().any(|p| key.contains(p))
}

/// Whether a generic candidate is a literal credential.
pub fn accept(key: &[u8], value: &[u8], whole: &[u8]) -> bool {
    if key_names_something_else(key) {
        return false;
    }
    let key = String::from_utf8_lossy(key).to_ascii_lowercase();
    let text = String::from_utf8_lossy(value);
    let lower = text.to_ascii_lowercase();
    if value.len() < 8 || value.len() > 200 {
        return false;
    }
    if REFERENCE_PREFIXES.iter().any(|p| lower.starts_with(p)) {
        return false;
    }
    if validate::is_placeholder(value)
        || validate::is_sequential(value)
        || validate::has_sequence_run(&value.to_ascii_lowercase(), 8)
    {
        return false;
    }
    if is_uuid(lower.as_bytes()) || value.iter().all(|b| b.is_ascii_digit()) {
        return false;
    }
    // Hex encoders write one case: a long hex string mixing both was edited by hand.
    if value.len() >= 32
        && value.iter().all(u8::is_ascii_hexdigit)
        && value.iter().any(u8::is_ascii_lowercase)
        && value.iter().any(u8::is_ascii_uppercase)
    {
        return false;
    }
    if matches!(
        lower.as_str(),
        "true" | "false" | "null" | "none" | "nil" | "undefined"
    ) {
        return false;
    }
    if lower.contains("password") || lower.contains("secret") || lower.contains("token") {
        return false;
    }
    // A product or licence key (`ZAQWS-XCDER-VBGTR-FRTGU-KLMNX`) is letters and dashes
    // only, like an identifier, but under an activation or licence key it is the secret.
    if is_product_key(value)
        && ["activation", "licen", "product", "serial"]
            .iter()
            .any(|k| key.contains(k))
    {
        return true;
    }
    // Unquoted identifiers (`password = get_password`, `token: TOKEN_VAR`) are references
    // in code and in templated configuration alike.
    let quoted = is_quoted(whole, value);
    let identifier = value
        .iter()
        .all(|b| b.is_ascii_alphabetic() || *b == b'_' || *b == b'.' || *b == b'-');
    if identifier && (!quoted || is_dotted_or_snake_identifier(&text)) {
        return false;
    }
    if !quoted && is_code_identifier(&text) {
        return false;
    }
    // A quoted UPPER_SNAKE name (`"INVALID_API_KEY"`, `"AWS_SHARED_CREDENTIALS_FILE"`) is an
    // enum string or an environment variable's name, not its value.
    if identifier
        && text.contains('_')
        && !value.iter().any(u8::is_ascii_lowercase)
        && !text.contains('.')
    {
        return false;
    }
    if !quoted && is_code_expression(&text) {
        return false;
    }
    // The credential scope of an AWS SigV4 signature (`AKID/20090213/us-east-1/sts/aws4_request`).
    if lower.ends_with("/aws4_request") {
        return false;
    }
    // Base64 of words that say they are a sample (`YSBzZWNyZXQ=` is "a secret").
    if value.len().is_multiple_of(4) {
        if let Some(decoded) = validate::base64_decode(value) {
            let decoded = String::from_utf8_lossy(&decoded).to_ascii_lowercase();
            if decoded.bytes().all(|b| b.is_ascii_graphic() || b == b' ')
                && ["secret", "password", "token", "example", "sample"]
                    .iter()
                    .any(|w| decoded.contains(w))
            {
                return false;
            }
        }
    }
    if text.contains('(') || text.ends_with(')') || text.contains("::") || looks_like_version(value)
    {
        return false;
    }
    let classes = char_classes(value);
    let entropy = validate::shannon_entropy(value);
    if classes < 2 {
        return entropy >= 3.5 && value.len() >= 16;
    }
    entropy >= GENERIC_MIN_ENTROPY
}

/// Key fragments that label a value as a digest or a revision rather than a credential.
const DIGEST_KEY_PARTS: &[&str] = &[
    "sha",
    "hash",
    "checksum",
    "digest",
    "etag",
    "fingerprint",
    "integrity",
    "md5",
    "crc",
    "commit",
    "revision",
    "rev",
    "build",
    "version",
    "release",
    "uuid",
    "guid",
];

/// Whether a configuration value is a high-entropy token whatever the name of its key:
/// one word of token characters (`[A-Za-z0-9+/=_-]`), 20 to 200 long, letters and digits
/// interleaved as generators draw them (names such as `featureFlagEnabled2` change
/// character class a few times, random tokens on most characters), entropy of at least 4.0
/// (3.0 for hex), and every test of [`accept`] as if it were quoted under a secret-named
/// key. URLs, host names, paths, JSON and YAML blobs, UUIDs, versions and values under keys
/// that label a digest (`sha256`, `checksum`, `commit`) or another kind of value
/// (`cluster_id`, `endpoint`, `public_key`) are not tokens. Base64 that decodes
/// to text is judged by its text (see `crate::scan_config_value`).
pub fn accept_standalone(key: &[u8], value: &[u8]) -> bool {
    if !(20..=200).contains(&value.len())
        || !value
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'_' | b'-'))
        || value.starts_with(b"/")
    {
        return false;
    }
    if key_names_something_else(key) {
        return false;
    }
    let key = String::from_utf8_lossy(key).to_ascii_lowercase();
    if DIGEST_KEY_PARTS.iter().any(|p| key.contains(p)) {
        return false;
    }
    // Subresource integrity (`sha384-<base64>`) says what it is.
    let lower = value.to_ascii_lowercase();
    if ["sha1-", "sha256-", "sha384-", "sha512-", "md5-"]
        .iter()
        .any(|p| lower.starts_with(p.as_bytes()))
    {
        return false;
    }
    if is_public_der(value) {
        return false;
    }
    let letters = value.iter().filter(|b| b.is_ascii_alphabetic()).count();
    let digits = value.iter().filter(|b| b.is_ascii_digit()).count();
    if letters == 0 || digits == 0 {
        return false;
    }
    let class = |b: u8| match b {
        b'a'..=b'z' => 0,
        b'A'..=b'Z' => 1,
        b'0'..=b'9' => 2,
        _ => 3,
    };
    let transitions = value
        .windows(2)
        .filter(|w| class(w[0]) != class(w[1]))
        .count();
    if transitions * 3 < value.len() {
        return false;
    }
    let hex = value.iter().all(u8::is_ascii_hexdigit);
    let entropy = validate::shannon_entropy(value);
    if entropy < if hex { 3.0 } else { 4.0 } {
        return false;
    }
    let mut whole = b"secret: \"".to_vec();
    whole.extend_from_slice(value);
    whole.push(b'"');
    accept(b"secret", value, &whole)
}

/// Whether `value` is base64 of DER whose outer SEQUENCE opens with another SEQUENCE: a
/// public key (SubjectPublicKeyInfo) or a certificate, published by design. A private key
/// opens with its version INTEGER instead.
fn is_public_der(value: &[u8]) -> bool {
    let Some(der) = validate::base64_decode(value) else {
        return false;
    };
    if der.len() < 32 || der[0] != 0x30 {
        return false;
    }
    let header = match der[1] {
        n if n < 0x80 => 2,
        0x81 => 3,
        0x82 => 4,
        _ => return false,
    };
    der.get(header) == Some(&0x30)
}

/// Whether the text of an XML element named `key` is a literal credential. XML text is
/// never code, so a password element's text is its password as typed: short values and
/// words with punctuation count, placeholders, templates (`${env.PASS}`) and Maven's
/// encrypted `{…}` values do not.
pub fn accept_xml_text(key: &[u8], value: &[u8]) -> bool {
    let name = String::from_utf8_lossy(key).to_ascii_lowercase();
    let password_named = ["pass", "pwd"].iter().any(|p| name.contains(p));
    if !password_named {
        return accept(key, value, value);
    }
    let plain_word = value.iter().all(|b| b.is_ascii_lowercase());
    value.len() >= 6
        && !plain_word
        && is_real_password(value)
        && !validate::is_placeholder(value)
        && !NON_SECRET_KEY_ENDINGS.iter().any(|e| name.ends_with(e))
}

/// Whether a URL's password part is a real password (not a variable or placeholder).
pub fn is_real_password(url_password: &[u8]) -> bool {
    let text = String::from_utf8_lossy(url_password);
    let lower = text.to_ascii_lowercase();
    if url_password.len() < 3 {
        return false;
    }
    if matches!(
        lower.as_str(),
        "password"
            | "pass"
            | "passwd"
            | "pwd"
            | "secret"
            | "changeme"
            | "user"
            | "username"
            | "token"
            | "root"
            | "admin"
            | "guest"
            | "test"
            | "foo"
            | "bar"
            | "xxx"
    ) {
        return false;
    }
    if lower.starts_with('$')
        || lower.starts_with('%')
        || lower.starts_with('<')
        || lower.starts_with('{')
        || lower.starts_with('[')
        || lower.starts_with(':')
        || lower.contains("${")
        || lower.contains("{{")
        || lower.contains("<%")
        || lower.chars().all(|c| c == '*' || c == 'x')
    {
        return false;
    }
    !validate::is_placeholder(url_password)
}

/// Four or more dash-separated groups of 4 to 6 upper-case letters and digits, as
/// software activation keys are printed, none of them a typed run (`ABCDE`, `KLMNO`,
/// `12345`) as in documentation samples.
fn is_product_key(value: &[u8]) -> bool {
    let groups: Vec<&[u8]> = value.split(|&b| b == b'-').collect();
    groups.len() >= 4
        && groups.iter().all(|g| {
            (4..=6).contains(&g.len())
                && g.iter()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
                && !validate::has_sequence_run(g, 5)
        })
}

/// `1.2.3`-style version numbers inside a value (package coordinates, image tags).
fn looks_like_version(value: &[u8]) -> bool {
    let text = String::from_utf8_lossy(value);
    text.split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .any(|run| {
            let parts: Vec<&str> = run.split('.').collect();
            parts.len() >= 3 && parts.iter().all(|p| !p.is_empty() && p.len() <= 4)
        })
}

fn is_quoted(whole: &[u8], value: &[u8]) -> bool {
    let Some(pos) = whole.windows(value.len()).rposition(|w| w == value) else {
        return false;
    };
    pos > 0 && matches!(whole[pos - 1], b'"' | b'\'' | b'`')
}

/// An unquoted identifier as code writes one: `__X32_SYSCALL_BIT`, `atomic_swap_pwr8`,
/// `true/false`. A random password mixes cases, so `kT7_fQ2mX9pLw` is not one.
fn is_code_identifier(s: &str) -> bool {
    let ident = s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    let single_case =
        !s.chars().any(|c| c.is_ascii_lowercase()) || !s.chars().any(|c| c.is_ascii_uppercase());
    let words = s.chars().all(|c| c.is_ascii_lowercase() || c == '/');
    (ident && (s.starts_with('_') || (s.contains('_') && single_case))) || words
}

/// Unquoted code that a key-value pattern cut out of a line: a call chain
/// (`api_key).expect`), a logging sigil before a variable (`?min_time_passed`,
/// `%user_token`), a Go map or slice type (`map[String]i32`, `[]byte`).
fn is_code_expression(s: &str) -> bool {
    let sigil = s.strip_prefix(['?', '%']).is_some_and(|rest| {
        is_code_identifier(rest) || rest.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    });
    sigil || s.contains(").") || s.contains(");") || s.starts_with("map[") || s.starts_with("[]")
}

fn is_dotted_or_snake_identifier(s: &str) -> bool {
    s.contains('.') || (s.contains('_') && s.chars().all(|c| !c.is_ascii_uppercase()))
}

fn char_classes(value: &[u8]) -> usize {
    let lower = value.iter().any(|b| b.is_ascii_lowercase()) as usize;
    let upper = value.iter().any(|b| b.is_ascii_uppercase()) as usize;
    let digit = value.iter().any(|b| b.is_ascii_digit()) as usize;
    let other = value.iter().any(|b| !b.is_ascii_alphanumeric()) as usize;
    lower + upper + digit + other
}

/// Whether `b` is a UUID in its 8-4-4-4-12 hex form.
pub(crate) fn is_uuid(b: &[u8]) -> bool {
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_passwords_are_accepted() {
        assert!(accept(
            b"password",
            b"Tr0ub4dor&3x",
            b"password = \"Tr0ub4dor&3x\""
        ));
        assert!(accept(
            b"DB_PASSWORD",
            b"kX9#mq2LpZ",
            b"DB_PASSWORD=kX9#mq2LpZ"
        ));
    }

    #[test]
    fn code_and_names_cut_out_of_published_sources_are_rejected() {
        let cases: &[(&str, &str, &str)] = &[
            (
                "InvalidApiKey",
                "INVALID_API_KEY",
                r#"InvalidApiKey => "INVALID_API_KEY","#,
            ),
            (
                "Credentials",
                "AWS_SHARED_CREDENTIALS_FILE",
                r#"Credentials => "AWS_SHARED_CREDENTIALS_FILE","#,
            ),
            (
                "apiKey",
                "api_key).expect",
                r#"apiKey = api_key).expect("formatting")"#,
            ),
            (
                "min_time_passed",
                "?min_time_passed",
                "min_time_passed = ?min_time_passed,",
            ),
            (
                "last_rewrite_token_indexes",
                "map[String]i32",
                "last_rewrite_token_indexes: map[String]i32,",
            ),
            (
                "clientSecret",
                "YSBzZWNyZXQ=",
                r#""clientSecret": "YSBzZWNyZXQ=","#,
            ),
            (
                "secret_key",
                "123-key/20090213/us-west-17/sts/aws4_request",
                "secret_key=123-key/20090213/us-west-17/sts/aws4_request",
            ),
        ];
        for (key, value, whole) in cases {
            assert!(
                !accept(key.as_bytes(), value.as_bytes(), whole.as_bytes()),
                "{whole}"
            );
        }
        // Real values of the same shapes stay reported.
        assert!(accept(
            b"apiKey",
            b"kT7_fQ2mX9pLw4Zr",
            br#"apiKey = "kT7_fQ2mX9pLw4Zr""#
        ));
        assert!(accept(
            b"clientSecret",
            b"c3VwZXJzM2NyM3Q0NTZ4eQ==",
            br#""clientSecret": "c3VwZXJzM2NyM3Q0NTZ4eQ==""#
        ));
    }

    #[test]
    fn references_and_placeholders_are_rejected() {
        assert!(!accept(b"password", b"os.environ['PW']", b""));
        assert!(!accept(b"token", b"${API_TOKEN}", b""));
        assert!(!accept(
            b"password",
            b"get_password",
            b"password = get_password"
        ));
        assert!(!accept(b"secret_name", b"my-app-secret-1", b""));
        assert!(!accept(
            b"token",
            b"3636dd46-ea21-11e9-81b4-2a2ae2dbcce4",
            b""
        ));
    }

    #[test]
    fn activation_keys_are_secrets_only_under_an_activation_key() {
        let key = b"ZAQWS-XCDER-VBGTR-FRTGU-KLMNX";
        assert!(accept(
            b"Activation key",
            key,
            b"Activation key : ZAQWS-XCDER-VBGTR-FRTGU-KLMNX"
        ));
        assert!(!accept(
            b"secret_color",
            key,
            b"secret_color: ZAQWS-XCDER-VBGTR-FRTGU-KLMNX"
        ));
        assert!(!accept(b"license_key", b"XXXXX-XXXXX-XXXXX-XXXXX", b""));
        assert!(!accept(
            b"Activation key",
            b"ZAQWS-XCDER-VBGTR-FRTGU-KLMNO",
            b""
        ));
    }

    #[test]
    fn long_hex_in_mixed_case_is_hand_edited() {
        assert!(!accept(
            b"api-key",
            b"acdeFf05b1a6d4c890237bf08c5e6e8d2b4d0f2e",
            b""
        ));
        assert!(accept(
            b"api-key",
            b"acdeff05b1a6d4c890237bf08c5e6e8d2b4d0f2e",
            b""
        ));
    }

    #[test]
    fn standalone_tokens_need_no_secret_named_key() {
        assert!(accept_standalone(b"UPSTREAM", b"q8Zr2LmX7vT4nW9kP3sY6dF1"));
        assert!(accept_standalone(
            b"backend",
            b"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b"
        ));
        for (key, value) in [
            ("url", "https://api.internal.example.org/v1"),
            ("host", "db-primary.prod.svc.cluster.local"),
            ("flag", "enableNewCheckoutFlow2024"),
            ("name", "checkout-service-v2-production"),
            ("id", "3636dd46-ea21-11e9-81b4-2a2ae2dbcce4"),
            ("config_sha256", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b"),
            ("path", "/etc/app/q8Zr2LmX7vT4nW9kP3sY6dF1"),
            ("build", "q8Zr2LmX7vT4nW9kP3sY6dF1"),
            ("KAFKA_CLUSTER_ID", "MkU3OEVBNTcwNTJENDM2Qk"),
            ("RELEASE", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b"),
            // RFC 8410's Ed25519 public key example, SubjectPublicKeyInfo in base64.
            (
                "verification",
                "MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=",
            ),
            (
                "bootstrap_css",
                "sha384-oqVuAfXRKap7fdgcCY5uykM6+R9GqQ8K/uxy9rx7HNQlGYl1kPzQho1wx4JwY8wC",
            ),
            ("vapidPublicKey", "q8Zr2LmX7vT4nW9kP3sY6dF1"),
            ("k", "abcdefghijklmnopqrstuvwx12"),
        ] {
            assert!(
                !accept_standalone(key.as_bytes(), value.as_bytes()),
                "{key}: {value}"
            );
        }
    }

    #[test]
    fn url_passwords() {
        assert!(is_real_password(b"s3cr3tP4ss"));
        assert!(!is_real_password(b"${DB_PASS}"));
        assert!(!is_real_password(b"password"));
    }
}
