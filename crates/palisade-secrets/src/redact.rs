//! Redaction: what a report may show of a secret. Never the secret itself — a short
//! preview of its non-secret prefix and a stable hash for baselines.

use sha2::{Digest, Sha256};

/// Known public prefixes that may be shown whole: they identify the provider, not the key.
const PUBLIC_PREFIXES: &[&str] = &[
    "AKIA",
    "ASIA",
    "AGPA",
    "AIDA",
    "AROA",
    "ghp_",
    "gho_",
    "ghu_",
    "ghs_",
    "ghr_",
    "github_pat_",
    "glpat-",
    "xoxb-",
    "xoxp-",
    "xoxa-",
    "xoxe-",
    "sk_live_",
    "rk_live_",
    "sk_test_",
    "npm_",
    "pypi-",
    "sk-ant-",
    "sk-proj-",
    "hf_",
    "SG.",
    "AIza",
    "dop_v1_",
    "hvs.",
    "shpat_",
    "shpss_",
    "-----BEGIN",
];

/// A preview such as `AKIA****************`: at most the public prefix (or the first four
/// characters of a long value) followed by one `*` per hidden character, capped at 20.
pub fn preview(secret: &[u8]) -> String {
    let text = String::from_utf8_lossy(secret);
    let shown = PUBLIC_PREFIXES
        .iter()
        .filter(|p| text.starts_with(*p))
        .map(|p| p.len())
        .max()
        .unwrap_or(if text.chars().count() >= 16 { 4 } else { 0 });
    let shown_text: String = text.chars().take(shown).collect();
    let hidden = text.chars().count().saturating_sub(shown).clamp(4, 20);
    let mut out = String::with_capacity(shown_text.len() + hidden);
    out.push_str(&shown_text);
    out.extend(std::iter::repeat_n('*', hidden));
    out
}

/// A stable fingerprint of the secret value: `sha256:` and the first 32 hex digits.
/// The same secret gets the same fingerprint wherever it appears, so one suppression
/// accepts it everywhere without storing it.
pub fn fingerprint(secret: &[u8]) -> String {
    let digest = Sha256::digest(secret);
    let mut out = String::from("sha256:");
    for b in &digest[..16] {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preview_hides_everything_but_the_prefix() {
        assert_eq!(preview(b"AKIAZ7Q3MNBVCXLKJHGF"), "AKIA****************");
        assert_eq!(preview(b"hunter2"), "*******");
        let long = preview(b"wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzzzzzzzzz");
        assert!(long.starts_with("wJal") && !long.contains("XUtn"));
    }

    #[test]
    fn fingerprint_is_stable_and_does_not_contain_the_secret() {
        let a = fingerprint(b"s3cr3t-value");
        assert_eq!(a, fingerprint(b"s3cr3t-value"));
        assert_ne!(a, fingerprint(b"s3cr3t-valuf"));
        assert!(a.starts_with("sha256:") && a.len() == 39);
    }
}
