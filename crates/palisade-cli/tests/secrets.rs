//! `palisade scan` with the secret scanner, end to end: the binary on a real directory.

use std::process::Command;

const TOKEN: &str = "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";

fn palisade(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_palisade"))
        .args(args)
        .output()
        .expect("palisade runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".env"),
        format!("GITHUB_TOKEN={TOKEN}\nLOG_LEVEL=debug\n"),
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("src")).unwrap();
    std::fs::write(
        dir.path().join("src/db.py"),
        "import os\npassword = os.environ['DB_PASSWORD']\nbackup_password = \"Zq8!rT4mWx2k\"\n",
    )
    .unwrap();
    dir
}

#[test]
fn scan_reports_secrets_redacted_in_json() {
    let dir = tree();
    let root = dir.path().to_str().unwrap();
    let (code, stdout, _) = palisade(&["scan", "--scanners", "secret", "--format", "json", root]);
    assert_eq!(code, 1, "findings fail the run: {stdout}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    let places: Vec<String> = findings
        .iter()
        .map(|f| {
            format!(
                "{} {}:{}:{}",
                f["rule_id"].as_str().unwrap(),
                f["location"]["path"].as_str().unwrap(),
                f["location"]["line"],
                f["location"]["column"]
            )
        })
        .collect();
    assert_eq!(places, ["SEC015 .env:1:14", "SEC190 src/db.py:3:20"]);
    assert_eq!(findings[0]["secret"]["preview"], "ghp_********************");
    assert!(
        !stdout.contains(&TOKEN[4..]),
        "the token leaks into the report"
    );
    assert!(
        !stdout.contains("Zq8!rT4mWx2k"),
        "the password leaks into the report"
    );
}

#[test]
fn a_fingerprint_suppression_accepts_one_known_secret() {
    let dir = tree();
    let root = dir.path().to_str().unwrap();
    let fingerprint = palisade_fingerprint(TOKEN);
    std::fs::write(
        dir.path().join("palisade.toml"),
        format!(
            "[[suppress]]\nrule = \"SEC015\"\nfingerprint = \"{fingerprint}\"\nreason = \"revoked test token\"\n\n[secrets]\ndisable = [\"SEC190\"]\n"
        ),
    )
    .unwrap();
    let (code, stdout, stderr) =
        palisade(&["scan", "--scanners", "secret", "--format", "json", root]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["findings"].as_array().unwrap().len(), 0, "{stdout}");
    assert_eq!(report["summary"]["suppressed"], 1);
}

#[test]
fn misconfig_only_runs_no_secret_rules_and_bad_secret_config_is_an_error() {
    let dir = tree();
    let root = dir.path().to_str().unwrap();
    let (_, stdout, _) = palisade(&["scan", "--scanners", "misconfig", "--format", "json", root]);
    assert!(!stdout.contains("SEC015"), "{stdout}");
    let bad = dir.path().join("rules.toml");
    std::fs::write(
        &bad,
        "[[rules]]\nid = \"X1\"\ndescription = \"d\"\nregex = \"(\"\nkeywords = [\"ab\"]\n",
    )
    .unwrap();
    let (code, _, stderr) = palisade(&["scan", "--secret-config", bad.to_str().unwrap(), root]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("secret rule `X1`"), "{stderr}");
}

fn palisade_fingerprint(secret: &str) -> String {
    palisade_secrets::fingerprint(secret.as_bytes())
}
