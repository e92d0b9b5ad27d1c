//! SEC300 — plaintext secret in a function's environment variables.

use palisade_core::{Finding, SecretInfo};

use super::Context;
use crate::model::{Attr, EnvVar};

palisade_core::declare_rule! {
    /// ## What it checks
    /// An environment variable of a function whose literal value looks like a credential:
    /// a known token format (AWS access key id, GitHub, Slack, Stripe, Google API key,
    /// private key block, JWT), or any literal in a variable named like a secret
    /// (`*_PASSWORD`, `*_SECRET`, `*_TOKEN`, `*_KEY`, `*_API_KEY`, `*_CREDENTIALS`...).
    /// References (`!Ref`, `${ssm:...}`, `{{resolve:secretsmanager:...}}`, `var.x` without
    /// default), ARNs and placeholders are not reported.
    /// ## Why it matters
    /// Environment variables are readable by anyone who can read the function
    /// configuration or the template (`lambda:GetFunctionConfiguration`, the repository,
    /// CloudFormation console): the secret is shared with all of them, and lives in git history.
    /// ## Fix
    /// Store the secret in Secrets Manager or SSM Parameter Store (SecureString) and read it
    /// at run time, or pass a dynamic reference; rotate the exposed value.
    /// ## References
    /// - https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-encryption
    /// - https://docs.aws.amazon.com/secretsmanager/latest/userguide/retrieving-secrets_lambda.html
    pub static RULE = {
        id: "SEC300", practice: Sec, severity: High, title: "Plaintext secret in function environment",
    };
}

/// Name suffixes and words that mark a variable as holding a secret.
pub(crate) fn sensitive_name(name: &str) -> bool {
    let n = name.to_ascii_uppercase();
    let words: Vec<&str> = n
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let last = words.last().copied().unwrap_or("");
    // `DB_PASSWORD_SECRET_NAME`, `API_KEY_ARN`: names of where a secret lives, not secrets.
    if matches!(
        last,
        "NAME"
            | "ID"
            | "ARN"
            | "PATH"
            | "URL"
            | "URI"
            | "FILE"
            | "ENDPOINT"
            | "REGION"
            | "ALIAS"
            | "TYPE"
            | "LENGTH"
            | "TTL"
            | "PARAM"
            | "PARAMETER"
            | "HEADER"
            | "FIELD"
    ) {
        return false;
    }
    // A bare `KEY` is as often a lookup key as a credential.
    if words.len() == 1 && last == "KEY" {
        return false;
    }
    matches!(
        last,
        "PASSWORD"
            | "PASSWD"
            | "PWD"
            | "SECRET"
            | "TOKEN"
            | "KEY"
            | "APIKEY"
            | "CREDENTIALS"
            | "CREDENTIAL"
            | "PASS"
    ) || n.contains("PASSWORD")
        || n.contains("SECRET")
        || n.contains("PRIVATE_KEY")
        || n.contains("ACCESS_KEY")
}

/// A literal that is a well-known credential format.
pub(crate) fn known_format(v: &str) -> Option<&'static str> {
    let v = v.trim();
    let alnum_upper = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    };
    if v.len() == 20
        && ["AKIA", "ASIA", "AGPA", "AIDA", "AROA", "ANPA"]
            .iter()
            .any(|p| v.starts_with(p))
        && alnum_upper(v)
    {
        return Some("AWS access key id");
    }
    if v.len() == 40
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'/' || b == b'+')
        && v.bytes().any(|b| b.is_ascii_lowercase())
        && v.bytes().any(|b| b.is_ascii_uppercase())
        && v.bytes().any(|b| b.is_ascii_digit())
    {
        return Some("AWS secret access key");
    }
    if ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"]
        .iter()
        .any(|p| v.starts_with(p))
        && v.len() >= 36
    {
        return Some("GitHub token");
    }
    if ["xoxb-", "xoxp-", "xoxa-", "xoxs-"]
        .iter()
        .any(|p| v.starts_with(p))
    {
        return Some("Slack token");
    }
    if ["sk_live_", "rk_live_"].iter().any(|p| v.starts_with(p)) {
        return Some("Stripe key");
    }
    if v.starts_with("AIza") && v.len() == 39 {
        return Some("Google API key");
    }
    if v.contains("-----BEGIN") && v.contains("PRIVATE KEY") {
        return Some("private key");
    }
    let parts: Vec<&str> = v.split('.').collect();
    if parts.len() == 3 && v.starts_with("eyJ") && parts.iter().all(|p| p.len() > 8) {
        return Some("JSON web token");
    }
    None
}

/// Values that are clearly not secrets: empty, references, placeholders, flags.
fn harmless(v: &str) -> bool {
    let t = v.trim();
    let lower = t.to_ascii_lowercase();
    t.len() < 4
        || t.starts_with("arn:")
        || t.starts_with("{{resolve:")
        || t.starts_with("${")
        || t.starts_with('/')
        || lower.starts_with("http://") && !t.contains('@')
        || lower.starts_with("https://") && !t.contains('@')
        || matches!(
            lower.as_str(),
            "true"
                | "false"
                | "none"
                | "null"
                | "changeme"
                | "change_me"
                | "todo"
                | "xxx"
                | "placeholder"
                | "dummy"
                | "example"
                | "test"
                | "value"
                | "secret"
                | "password"
        )
        || t.chars().all(|c| c == '*' || c == 'x' || c == 'X')
        || (t.starts_with('<') && t.ends_with('>'))
        || t.contains(' ') && !t.contains("PRIVATE KEY")
        || t.bytes().all(|b| b.is_ascii_digit())
}

pub(crate) fn secret_kind(var: &EnvVar) -> Option<String> {
    let Attr::Set(value, _) = &var.value else {
        return None;
    };
    literal_secret(&var.name, value)
}

/// What kind of secret a literal `value` written under `name` is, if it is one: the
/// secret engine's detectors first (provider formats, checksums, allowlists), then known
/// formats, then any non-placeholder literal under a secret-like name.
pub(crate) fn literal_secret(name: &str, value: &str) -> Option<String> {
    if let Some(m) = palisade_secrets::scan_value(name, value).first() {
        return Some(m.title.to_string());
    }
    if let Some(kind) = known_format(value) {
        return Some(kind.to_string());
    }
    if sensitive_name(name) && !harmless(value) {
        return Some(format!("literal value in {name}"));
    }
    None
}

fn fingerprint(s: &str) -> String {
    // FNV-1a: stable across runs and platforms, and not the secret.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for f in &ctx.inv.functions {
        for var in &f.environment {
            let Some(kind) = secret_kind(var) else {
                continue;
            };
            let Attr::Set(value, _) = &var.value else {
                continue;
            };
            let mut finding = ctx.finding(
                &RULE,
                format!(
                    "environment variable {} of function {} holds a plaintext secret ({kind})",
                    var.name, f.name
                ),
                var.pos,
                &f.resource,
            );
            let shown: String = value.chars().take(4).collect();
            finding.secret = Some(Box::new(SecretInfo {
                preview: format!(
                    "{shown}{}",
                    "*".repeat(value.chars().count().saturating_sub(4).min(16))
                ),
                fingerprint: fingerprint(value),
            }));
            out.push(finding);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_formats() {
        assert!(sensitive_name("DB_PASSWORD"));
        assert!(sensitive_name("stripeApiKey") || sensitive_name("STRIPE_API_KEY"));
        assert!(!sensitive_name("TABLE_NAME"));
        assert!(!sensitive_name("APP_PRIVATE_KEY_SECRET_NAME"));
        assert!(!sensitive_name("key"));
        assert!(!sensitive_name("APP_PRIVATE_KEY_SECRET_NAME"));
        assert!(!sensitive_name("key"));
        assert_eq!(
            known_format("AKIAIOSFODNN7EXAMPLE"),
            Some("AWS access key id")
        );
        assert_eq!(known_format("hello"), None);
        assert!(harmless("arn:aws:secretsmanager:us-east-1:1:secret:x"));
        assert!(!harmless("s3cr3t-Passw0rd"));
    }
}
