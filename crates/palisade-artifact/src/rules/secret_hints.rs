//! Recognising a literal secret in image metadata (`ENV`, labels, build arguments in
//! history) from the variable name and the value's shape.
//!
//! This is deliberately small: the secrets engine (its own crate) owns detection in file
//! contents; here we only need to tell `API_TOKEN=ghp_...` from `API_TOKEN_FILE=/run/...`
//! in the few strings a configuration holds.

use std::sync::OnceLock;

use palisade_core::SecretInfo;
use regex::Regex;
use sha2::{Digest, Sha256};

/// Well-known credential formats, by name.
fn known_formats() -> &'static [(&'static str, Regex)] {
    static FORMATS: OnceLock<Vec<(&'static str, Regex)>> = OnceLock::new();
    FORMATS.get_or_init(|| {
        [
            ("AWS access key id", r"\b(AKIA|ASIA)[0-9A-Z]{16}\b"),
            ("GitHub token", r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
            ("GitLab token", r"\bglpat-[A-Za-z0-9_-]{20,}"),
            ("Slack token", r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
            ("Stripe live key", r"\b[sr]k_live_[A-Za-z0-9]{20,}"),
            ("private key", r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
            ("npm token", r"\bnpm_[A-Za-z0-9]{36}\b"),
        ]
        .into_iter()
        .filter_map(|(n, p)| Regex::new(p).ok().map(|r| (n, r)))
        .collect()
    })
}

/// The kind and the matched text of a well-known credential in `value`.
pub fn known_match(value: &str) -> Option<(&'static str, &str)> {
    known_formats()
        .iter()
        .find_map(|(n, r)| r.find(value).map(|m| (*n, m.as_str())))
}

/// `text` with every occurrence of `secret` replaced by its redacted preview.
pub fn redact(text: &str, secret: &str) -> String {
    if secret.is_empty() {
        return text.to_string();
    }
    text.replace(secret, &secret_info(secret).preview)
}

/// Whether a variable name announces a secret (`DB_PASSWORD`, `API_KEY`, `GITHUB_TOKEN`).
pub fn secret_like_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    let words: Vec<&str> = upper.split(|c: char| !c.is_ascii_alphanumeric()).collect();
    // `_FILE`, `_PATH`, `_URL` and friends point at a secret rather than hold it.
    if matches!(
        words.last(),
        Some(
            &("FILE"
                | "PATH"
                | "DIR"
                | "URL"
                | "ENDPOINT"
                | "HOST"
                | "NAME"
                | "ID"
                | "LENGTH"
                | "SIZE"
                | "TYPE"
                | "VERSION")
        )
    ) {
        return false;
    }
    words.iter().any(|w| {
        matches!(
            *w,
            "PASSWORD"
                | "PASSWD"
                | "PWD"
                | "SECRET"
                | "TOKEN"
                | "APIKEY"
                | "PRIVATE"
                | "CREDENTIALS"
                | "CREDENTIAL"
        )
    }) || upper.contains("API_KEY")
        || upper.contains("ACCESS_KEY")
        || upper.contains("SECRET_KEY")
        || upper.contains("AUTH_KEY")
}

/// Whether a value is a literal that could be a secret, not a reference or placeholder.
pub fn literal_value(value: &str) -> bool {
    let v = value.trim().trim_matches('"').trim_matches('\'');
    if v.len() < 6 {
        return false;
    }
    let lower = v.to_ascii_lowercase();
    let placeholder = [
        "changeme",
        "change_me",
        "example",
        "xxxx",
        "<",
        "${",
        "$(",
        "placeholder",
        "your_",
        "dummy",
        "redacted",
        "****",
    ];
    if placeholder.iter().any(|p| lower.contains(p)) {
        return false;
    }
    if v.starts_with('/')
        || v.starts_with("file:")
        || v.starts_with("http://")
        || v.starts_with("https://")
    {
        return false;
    }
    !matches!(lower.as_str(), "true" | "false" | "enabled" | "disabled")
}

/// Redacted preview and fingerprint of a secret value.
pub fn secret_info(value: &str) -> SecretInfo {
    let shown: String = value.chars().take(4).collect();
    let hidden = value.chars().count().saturating_sub(4).min(16);
    SecretInfo {
        preview: format!("{shown}{}", "*".repeat(hidden)),
        fingerprint: format!("{:x}", Sha256::digest(value.as_bytes()))[..16].to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_values() {
        assert!(secret_like_name("API_TOKEN"));
        assert!(secret_like_name("db_password"));
        assert!(secret_like_name("AWS_SECRET_ACCESS_KEY"));
        assert!(!secret_like_name("PASSWORD_FILE"));
        assert!(!secret_like_name("PATH"));
        assert!(literal_value("ghp_1234567890abcdefghijklmnopqrstuvwxyz12"));
        assert!(!literal_value("/run/secrets/db"));
        assert!(!literal_value("${DB_PASSWORD}"));
        assert!(!literal_value("changeme"));
        assert_eq!(
            known_match("x AKIAIOSFODNN7EXAMPLE y"),
            Some(("AWS access key id", "AKIAIOSFODNN7EXAMPLE"))
        );
        assert_eq!(secret_info("ghp_abcdefgh").preview, "ghp_********");
    }
}
