//! Secret detection for Palisade: a library that scans bytes (with the path they came
//! from) and returns the credentials it finds, with byte offsets, line and column, a
//! redacted preview and a stable fingerprint — never the secret itself.
//!
//! It is for every scanner that holds text: files of a source tree, files of image layers,
//! single values such as a Dockerfile `ENV`, a container `env` entry or a function's
//! environment variable ([`scan_value`]). It is not a walker (the CLI walks and reads each
//! file once), not a parser of Kubernetes or cloud templates (those crates call
//! [`scan_value`] on the values they extract), and it never contacts a provider to verify
//! a credential: everything runs offline.
//!
//! Pipeline: Aho-Corasick keyword prefilter over every rule's keywords → regex confirmation
//! only around the hits (the `regex` crate: linear time) → validators (entropy, checksums,
//! structural decodes) → allowlists (placeholders, templates, documented example keys,
//! lockfiles and binary files).

mod allowlist;
mod custom;
mod detector;
mod engine;
mod file;
mod found;
mod generic;
mod mapped;
mod properties;
mod redact;
mod rules;
pub mod shape;
pub mod validate;

use std::sync::OnceLock;

use palisade_core::RuleMeta;

pub use allowlist::is_path_allowlisted;
pub use custom::{SecretConfigError, SecretsConfig};
pub use detector::{Check, Detector, Span};
pub use engine::{EngineError, Match, Scanner, MAX_MATCHES_PER_RULE};
pub use file::{looks_binary, FileOutcome, DEFAULT_MAX_FILE_SIZE};
pub use generic::GENERIC_RULE_ID;
pub use mapped::MappedFile;
pub use redact::{fingerprint, preview};

/// Every built-in secret rule, in id order.
pub fn rules() -> Vec<&'static RuleMeta> {
    rules::DETECTORS.iter().map(|d| d.rule).collect()
}

/// Every built-in detector (rule metadata plus provider, keywords and pattern).
pub fn detectors() -> &'static [&'static Detector] {
    rules::DETECTORS
}

impl Scanner {
    /// A scanner with every built-in rule.
    pub fn builtin() -> Result<Scanner, EngineError> {
        Self::with_config(&SecretsConfig::default())
    }

    /// A scanner for a `[secrets]` configuration: built-in rules minus the disabled ones
    /// (none at all for a `--secret-config` file), plus the custom rules.
    pub fn with_config(config: &SecretsConfig) -> Result<Scanner, EngineError> {
        let mut compiled = Vec::new();
        if config.builtin {
            for d in rules::DETECTORS {
                if !config.disable.contains(d.rule.id) {
                    compiled.push(engine::CompiledDetector::from_builtin(d)?);
                }
            }
        }
        compiled.extend(config.custom.iter().map(|c| c.duplicate()));
        Scanner::from_compiled(compiled)
    }
}

/// The built-in scanner, compiled once per process.
pub fn builtin_scanner() -> &'static Scanner {
    static SCANNER: OnceLock<Scanner> = OnceLock::new();
    SCANNER.get_or_init(|| {
        BUILDING.with(|b| b.set(true));
        let scanner = Scanner::builtin().expect("built-in secret rules compile");
        BUILDING.with(|b| b.set(false));
        scanner
    })
}

thread_local! {
    /// Set while this thread builds the built-in scanner (and left set if that panicked).
    static BUILDING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// [`redact`], or `None` when this thread is inside the built-in scanner's construction
/// (a panic hook called from there would otherwise wait for itself forever).
pub fn try_redact(text: &str) -> Option<std::borrow::Cow<'_, str>> {
    if BUILDING.with(|b| b.get()) {
        return None;
    }
    Some(redact(text))
}

/// `text` (any string derived from an input: a message, a resource or file name, a URL,
/// an image history line) with every secret the built-in engine finds in it replaced by
/// its [`preview`] (`ghp_****************`). The one redaction step for everything that
/// reaches an output: report writers, SBOM writers and error messages call it, so a
/// secret found in an input is never printed whole, wherever it travels.
pub fn redact(text: &str) -> std::borrow::Cow<'_, str> {
    redact_with(builtin_scanner(), text)
}

/// [`redact`] with a given scanner (custom rules included). Secrets found earlier in the
/// process are hidden too, wherever they reappear (see `found`).
pub fn redact_with<'a>(scanner: &Scanner, text: &'a str) -> std::borrow::Cow<'a, str> {
    if text.len() < 8 {
        return std::borrow::Cow::Borrowed(text);
    }
    match found::hide(text) {
        std::borrow::Cow::Borrowed(text) => redact_matches(scanner, text),
        std::borrow::Cow::Owned(hidden) => {
            std::borrow::Cow::Owned(redact_matches(scanner, &hidden).into_owned())
        }
    }
}

/// `text` with what `scanner` finds in it replaced by previews.
fn redact_matches<'a>(scanner: &Scanner, text: &'a str) -> std::borrow::Cow<'a, str> {
    let mut matches = scanner.scan_bytes("", text.as_bytes());
    if matches.is_empty() {
        return std::borrow::Cow::Borrowed(text);
    }
    matches.sort_by_key(|m| (m.start, std::cmp::Reverse(m.end)));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for m in matches {
        // overlapping matches: the earliest (and longest) one already covers it
        if m.start < at || m.end > text.len() {
            continue;
        }
        let (Some(before), Some(secret)) = (text.get(at..m.start), text.get(m.start..m.end)) else {
            continue;
        };
        out.push_str(before);
        out.push_str(&preview(secret.as_bytes()));
        at = m.end;
    }
    out.push_str(&text[at..]);
    std::borrow::Cow::Owned(out)
}

/// Scans one configuration value as if it were written `key: "value"`, for scanners that
/// extracted it from a structure (Dockerfile `ENV`/`ARG`, container `env`, function
/// environment variables). Offsets, line and column of the returned matches are relative
/// to `value`.
pub fn scan_value(key: &str, value: &str) -> Vec<Match> {
    scan_value_with(builtin_scanner(), key, value)
}

/// [`scan_value`] with a given scanner (custom rules included).
pub fn scan_value_with(scanner: &Scanner, key: &str, value: &str) -> Vec<Match> {
    let prefix = format!("{key}: \"");
    let text = format!("{prefix}{value}\"\n");
    scanner
        .scan_bytes("", text.as_bytes())
        .into_iter()
        .filter(|m| m.start >= prefix.len() && m.end <= prefix.len() + value.len())
        .map(|mut m| {
            m.start -= prefix.len();
            m.end -= prefix.len();
            m.column = m.column.saturating_sub(prefix.chars().count() as u32);
            m
        })
        .collect()
}

/// Scans one value of a map whose keys need not say what they hold (a Kubernetes
/// ConfigMap's `data`): what [`scan_value`] finds under `key`; else, for base64 that
/// decodes to text, what the engine finds in that text (reported on the encoded value);
/// else a high-entropy token whatever the key. Offsets are
/// relative to `value`; previews and fingerprints are those of the value as stored.
pub fn scan_config_value(key: &str, value: &str) -> Vec<Match> {
    let found = scan_value(key, value);
    if !found.is_empty() {
        return found;
    }
    let start = value.len() - value.trim_start().len();
    let token = value.trim();
    let end = start + token.len();
    if let Some(text) = base64_text(token) {
        return builtin_scanner()
            .scan_bytes("", text.as_bytes())
            .first()
            .map(|inner| {
                let title = format!("{} (base64-encoded)", inner.title);
                vec![Match::of_value(&title, value, start, end)]
            })
            .unwrap_or_default();
    }
    if generic::accept_standalone(key.as_bytes(), token.as_bytes()) {
        return vec![Match::of_value("High-entropy token", value, start, end)];
    }
    Vec::new()
}

/// Scans a file stored base64-encoded (a ConfigMap's `binaryData` value, folded or not):
/// the secrets the engine finds in the decoded text under the file name `name`, each with
/// its own preview and fingerprint (the same as if the file were stored in clear) and its
/// line in the decoded text. Nothing when the value does not decode to text.
pub fn scan_base64_file(name: &str, value: &str) -> Vec<Match> {
    let compact: String = value.chars().filter(|c| !c.is_whitespace()).collect();
    match base64_text(&compact) {
        Some(text) => builtin_scanner().scan_bytes(name, text.as_bytes()),
        None => Vec::new(),
    }
}

/// What a value says once base64 is taken off it, once and twice (`base64(base64(key))`):
/// the decoded texts, outermost first. A value that is not base64 of printable text (at
/// least 16 characters of the standard or URL-safe alphabet) gives nothing.
pub fn base64_layers(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = value.trim().to_string();
    for _ in 0..2 {
        match decode_layer(&current) {
            Some(text) => {
                out.push(text.clone());
                current = text.trim().to_string();
            }
            None => break,
        }
    }
    out
}

fn decode_layer(value: &str) -> Option<String> {
    use base64::Engine as _;
    if value.len() < 16
        || !value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_' | b'='))
    {
        return None;
    }
    let unpadded = value.trim_end_matches('=');
    let engines = [
        base64::engine::general_purpose::STANDARD_NO_PAD,
        base64::engine::general_purpose::URL_SAFE_NO_PAD,
    ];
    let bytes = engines.iter().find_map(|e| e.decode(unpadded).ok())?;
    let text = String::from_utf8(bytes).ok()?;
    let printable = text
        .chars()
        .all(|c| !c.is_control() || c == '\n' || c == '\r' || c == '\t');
    (printable && !text.trim().is_empty()).then_some(text)
}

/// The text a base64 value encodes, when it encodes printable text (a sentence, a
/// `key=value` file) rather than random bytes.
fn base64_text(token: &str) -> Option<String> {
    if token.len() < 8 || !token.len().is_multiple_of(4) {
        return None;
    }
    let decoded = validate::base64_decode(token.as_bytes())?;
    let text = String::from_utf8(decoded).ok()?;
    text.chars()
        .all(|c| !c.is_control() || c.is_whitespace())
        .then_some(text)
}

#[cfg(test)]
mod found_tests {
    /// A token reported only because of where it was (a ConfigMap value, whatever its key)
    /// is hidden wherever it reappears, without that context.
    #[test]
    fn a_secret_found_once_is_hidden_everywhere() {
        let token = "q7Vx2Lm9Rt4Kw8Zp3Nb6Hd1Fj5Gs0Ya";
        let elsewhere = format!("cannot read ConfigMap cache-{token}: not found");
        assert_eq!(
            super::redact(&elsewhere),
            elsewhere,
            "not a secret out of context"
        );
        let found = super::scan_config_value("session", token);
        assert_eq!(found.len(), 1, "{found:?}");
        let redacted = super::redact(&elsewhere);
        assert!(!redacted.contains(token), "{redacted}");
        assert!(
            redacted.starts_with("cannot read ConfigMap cache-q7Vx"),
            "{redacted}"
        );
        assert!(redacted.ends_with(": not found"), "{redacted}");
    }
}

#[cfg(test)]
mod base64_file_tests {
    use super::scan_base64_file;

    #[test]
    fn a_folded_base64_file_is_decoded_and_binary_or_harmless_files_give_nothing() {
        // "user = ci\ntoken = ghp_R8kq...2wQ\n", base64 folded over two lines as YAML
        // block scalars store it.
        let folded =
            "dXNlciA9IGNpCnRva2VuID0gZ2hwX1I4a3EyWmxX\nN2JONHhUMXZZYzlkRTNmSDZqTTBwUzV1QTJ3UQo=\n";
        let found = scan_base64_file(".netrc", folded);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].line, 2);
        assert!(!found[0].preview.contains("R8kq2ZlW7bN4"));
        // "log.level=info\n", and eight bytes of a PNG header.
        assert!(scan_base64_file("logging.properties", "bG9nLmxldmVsPWluZm8K").is_empty());
        assert!(scan_base64_file("logo.png", "iVBORwABAvo=").is_empty());
        assert!(scan_base64_file("x", "not base64 at all!").is_empty());
    }
}

#[cfg(test)]
mod pattern_tests {
    /// Patterns compile lazily at scan time; this is where a broken one is caught.
    #[test]
    fn every_builtin_pattern_compiles() {
        for d in crate::rules::DETECTORS {
            if let Err(e) = crate::engine::compile_pattern(d.rule.id, d.pattern) {
                panic!("{e}");
            }
        }
    }
}
