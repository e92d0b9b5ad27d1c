//! Recognising a literal secret in image metadata (`ENV`, labels, build arguments in
//! history) from the variable name and the value's shape.
//!
//! Detection, preview and fingerprint are the secret engine's (palisade-secrets); here we
//! only add what image metadata needs besides: telling `API_TOKEN=s3cr3t-value` (a literal
//! under a secret-like name) from `API_TOKEN_FILE=/run/...`.

use palisade_core::SecretInfo;

/// The title and the matched text of the first credential the secret engine finds in
/// `value` (the same detectors, allowlist and placeholders as everywhere else).
pub fn known_match(value: &str) -> Option<(String, &str)> {
    let scanner = palisade_secrets::builtin_scanner();
    let palisade_secrets::FileOutcome::Scanned(matches) = scanner.scan_loaded("", value.as_bytes())
    else {
        return None;
    };
    matches.iter().find_map(|m| {
        value
            .get(m.start..m.end)
            .map(|text| (m.title.to_string(), text))
    })
}

/// The credential a literal value hides under base64 (or base64 of base64), as
/// `("base64-encoded GitHub ... token", value)`: pattern rules do not see through the
/// encoding, so the decoded texts are scanned again.
pub fn encoded_match(value: &str) -> Option<(String, &str)> {
    if !literal_value(value) {
        return None;
    }
    palisade_secrets::base64_layers(value)
        .iter()
        .enumerate()
        .find_map(|(depth, text)| {
            let (title, _) = known_match(text)?;
            let layers = if depth == 0 { "base64" } else { "twice base64" };
            Some((format!("{layers}-encoded {title}"), value))
        })
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

/// Redacted preview and fingerprint of a secret value, as the secret engine gives them
/// everywhere (so a `[[suppress]] fingerprint` from a scan silences it here too).
pub fn secret_info(value: &str) -> SecretInfo {
    SecretInfo {
        preview: palisade_secrets::preview(value.as_bytes()),
        fingerprint: palisade_secrets::fingerprint(value.as_bytes()),
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
        // the documentation's example key is allowlisted by the secret engine, everywhere
        assert_eq!(known_match("x AKIAIOSFODNN7EXAMPLE y"), None);
        let (title, text) = known_match("x AKIAZ3MSJV4WWNKWW5FG y").unwrap();
        assert!(title.contains("AWS"), "{title}");
        assert_eq!(text, "AKIAZ3MSJV4WWNKWW5FG");
        let info = secret_info("AKIAZ3MSJV4WWNKWW5FG");
        assert_eq!(
            info.fingerprint,
            palisade_secrets::fingerprint(b"AKIAZ3MSJV4WWNKWW5FG")
        );
        assert!(!info.preview.contains("WWNKWW5FG"), "{}", info.preview);
    }
}
