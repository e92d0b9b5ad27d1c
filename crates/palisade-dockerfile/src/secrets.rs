//! Recognising secrets in build variables, environment and labels by their name and value.
//!
//! Names carry most of the signal here (`DB_PASSWORD=hunter2`); values are checked for
//! credentials embedded in URLs. The full secrets engine (patterns and entropy over any
//! value) plugs in through [`ValueScanner`] so this crate does not depend on it.

/// Scans one value for secrets; returns a short description of what was found
/// (e.g. the secret rule's title) or `None`.
pub type ValueScanner = fn(&str) -> Option<String>;

/// Name parts that say the value is a credential.
const SECRET_PARTS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "PASSPHRASE",
    "SECRET",
    "TOKEN",
    "APIKEY",
    "CREDENTIAL",
    "CREDENTIALS",
    "PRIVATEKEY",
    "ACCESSKEY",
    "AUTHKEY",
    "SECRETKEY",
    "CLIENTSECRET",
];

/// Name suffixes that say the value only points at a secret, or describes one.
const REFERENCE_SUFFIXES: &[&str] = &[
    "FILE", "PATH", "DIR", "LENGTH", "LEN", "ENABLED", "TTL", "EXPIRY", "EXPIRES", "TIMEOUT",
    "NAME", "HEADER", "TYPE", "URL", "ENDPOINT", "HOST", "PORT", "ID", "ARN", "REF", "VERSION",
];

/// Whether a variable name says it holds a secret (`DB_PASSWORD`, `githubToken`,
/// `AWS_SECRET_ACCESS_KEY`), excluding names that only point at one (`PASSWORD_FILE`).
pub fn is_secret_name(name: &str) -> bool {
    let parts = name_parts(name);
    if parts.is_empty() {
        return false;
    }
    if parts
        .last()
        .is_some_and(|last| REFERENCE_SUFFIXES.contains(&last.as_str()))
        && parts.len() > 1
    {
        return false;
    }
    // Single parts and adjacent pairs (`API`+`KEY`, `ACCESS`+`KEY`).
    let mut candidates: Vec<String> = parts.clone();
    for w in parts.windows(2) {
        candidates.push(format!("{}{}", w[0], w[1]));
    }
    candidates
        .iter()
        .any(|c| SECRET_PARTS.contains(&c.as_str()) || c == "APIKEY")
        || (parts.iter().any(|p| p == "API") && parts.last().is_some_and(|p| p == "KEY"))
}

/// Splits `dbPassword`, `DB_PASSWORD`, `db-password` into upper-case parts.
fn name_parts(name: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                parts.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
            parts.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        cur.push(c.to_ascii_uppercase());
    }
    if !cur.is_empty() {
        parts.push(cur);
    }
    parts
}

/// Whether a value is a literal that could be a secret, rather than empty, a variable
/// reference, a path to a secret file, or a boolean switch.
pub fn is_literal_value(value: &str) -> bool {
    let v = value.trim().trim_matches(|c| c == '"' || c == '\'');
    if v.is_empty() || v.starts_with('$') || v.starts_with('/') {
        return false;
    }
    let lower = v.to_ascii_lowercase();
    !matches!(
        lower.as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "0" | "1" | "none" | "null" | "nil"
    )
}

/// A `scheme://user:password@host` credential inside a value.
pub fn url_credentials(value: &str) -> bool {
    let Some(scheme_end) = value.find("://") else {
        return false;
    };
    let rest = &value[scheme_end + 3..];
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let Some((userinfo, _host)) = authority.rsplit_once('@') else {
        return false;
    };
    match userinfo.split_once(':') {
        Some((_, password)) => is_literal_value(password),
        None => false,
    }
}

/// Redacted form of a secret for messages: first characters and a mask.
pub fn preview(value: &str) -> String {
    let shown: String = value.chars().take(3).collect();
    let hidden = value.chars().count().saturating_sub(3).min(12);
    format!("{shown}{}", "*".repeat(hidden.max(3)))
}

/// Stable fingerprint of a secret value (FNV-1a, hex), usable in suppressions without
/// storing the secret.
pub fn fingerprint(value: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in value.as_bytes() {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

pub use palisade_secrets::base64_layers;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names() {
        for n in [
            "DB_PASSWORD",
            "githubToken",
            "AWS_SECRET_ACCESS_KEY",
            "api-key",
            "API_KEY",
            "client_secret",
            "NPM_TOKEN",
        ] {
            assert!(is_secret_name(n), "{n}");
        }
        for n in [
            "PASSWORD_FILE",
            "TOKEN_URL",
            "PATH",
            "PWD",
            "HOME",
            "SECRET_NAME",
            "KEYCLOAK_VERSION",
            "PASSENGER_APP_ENV",
        ] {
            assert!(!is_secret_name(n), "{n}");
        }
    }

    #[test]
    fn literal_values_and_url_credentials() {
        assert!(is_literal_value("hunter2"));
        assert!(!is_literal_value("${DB_PASSWORD}"));
        assert!(!is_literal_value("/run/secrets/db"));
        assert!(url_credentials("postgres://app:s3cret@db:5432/app"));
        assert!(!url_credentials("postgres://app@db:5432/app"));
        assert!(!url_credentials("postgres://app:${PW}@db/app"));
    }
}
