//! Custom secret rules from `[secrets]` in palisade.toml and from `--secret-config` files:
//! they run, they honour their path filters and entropy, and bad ones fail with a message
//! naming the file and the rule.

use std::path::Path;

use palisade_core::{Config, Severity};
use palisade_secrets::{scan_value, Scanner, SecretsConfig};

const TOKEN: &str = "acme_Q7mZ2xK9pL4vT8wR3nB6cY1dF5hJ0sGa";

fn config(text: &str) -> Result<SecretsConfig, String> {
    let cfg = Config::parse(text, Path::new("palisade.toml")).map_err(|e| e.to_string())?;
    SecretsConfig::from_table(&cfg.secrets, "palisade.toml").map_err(|e| e.to_string())
}

#[test]
fn palisade_toml_rules_run_next_to_the_builtin_ones() {
    let cfg = config(
        r#"
[secrets]
disable = ["SEC190"]

[[secrets.rules]]
id = "ACME001"
description = "Acme internal API token"
regex = 'acme_(?P<secret>[A-Za-z0-9]{32})'
keywords = ["acme_"]
paths = ["services/**"]
severity = "medium"
"#,
    )
    .unwrap();
    assert_eq!(cfg.custom_rule_ids(), ["ACME001"]);
    let scanner = Scanner::with_config(&cfg).unwrap();
    let text = format!("ACME_TOKEN={TOKEN}\npassword = \"Xk9#mQ2vLp8z\"\nGITHUB_TOKEN=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\n");
    let found = scanner.scan_bytes("services/api/.env", text.as_bytes());
    let ids: Vec<_> = found.iter().map(|m| m.rule_id.to_string()).collect();
    assert_eq!(ids, ["ACME001", "SEC015"], "SEC190 is disabled");
    let acme = &found[0];
    assert_eq!(acme.severity, Severity::Medium);
    assert_eq!((acme.line, acme.column), (1, 17));
    let finding = acme.to_finding("services/api/.env");
    assert_eq!(finding.rule_id, "ACME001");
    assert!(!serde_json::to_string(&finding)
        .unwrap()
        .contains(&TOKEN[5..]));
    // Outside `paths` the custom rule does not run.
    let elsewhere = scanner.scan_bytes("web/.env", text.as_bytes());
    assert!(elsewhere.iter().all(|m| &*m.rule_id != "ACME001"));
}

#[test]
fn secret_config_file_replaces_the_builtin_rules() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/config/acme-rules.toml"
    );
    let cfg = SecretsConfig::load_file(Path::new(path)).unwrap();
    let scanner = Scanner::with_config(&cfg).unwrap();
    let text = format!("token={TOKEN}\nGITHUB_TOKEN=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\n");
    let found = scanner.scan_bytes("app/.env", text.as_bytes());
    let ids: Vec<_> = found.iter().map(|m| m.rule_id.to_string()).collect();
    assert_eq!(ids, ["ACME001"]);
    assert_eq!(found[0].severity, Severity::Critical);
    assert!(scanner
        .scan_bytes("app/testdata/.env", text.as_bytes())
        .is_empty());
    // Entropy: a low-entropy value in the right shape is not reported.
    let low = "token=acme_aaaaaaaabbbbbbbbaaaaaaaabbbbbbbb\n";
    assert!(scanner.scan_bytes("app/.env", low.as_bytes()).is_empty());
}

#[test]
fn invalid_rules_fail_with_a_clear_message() {
    let cases = [
        (
            "[[secrets.rules]]\nid = \"X1\"\ndescription = \"d\"\nregex = \"(unclosed\"\nkeywords = [\"ab\"]\n",
            "secret rule `X1`: rule X1: invalid regex",
        ),
        (
            "[[secrets.rules]]\nid = \"X2\"\ndescription = \"d\"\nregex = \"ab[0-9]+\"\n",
            "secret rule `X2`: needs `keywords`",
        ),
        (
            "[[secrets.rules]]\nid = \"SEC001\"\ndescription = \"d\"\nregex = \"ab\"\nkeywords = [\"ab\"]\n",
            "belongs to a built-in rule",
        ),
        (
            "[[secrets.rules]]\nid = \"X3\"\ndescription = \"d\"\nregex = \"ab\"\nkeywords = [\"ab\"]\nseverity = \"urgent\"\n",
            "unknown severity `urgent`",
        ),
        (
            "[[secrets.rules]]\nid = \"X4\"\ndescription = \"d\"\nregex = \"ab\"\nkeywords = [\"ab\"]\npaths = [\"a/[\"]\n",
            "invalid glob",
        ),
        (
            "[[secrets.rules]]\nid = \"X5\"\ndescription = \"d\"\nregex = \"ab\"\nkeywords = [\"ab\"]\nentropy = 12.0\n",
            "entropy 12 is outside",
        ),
        ("[secrets]\ndisable = [\"SEC999\"]\n", "`SEC999`, which is not a secret rule"),
        ("[secrets]\nmax_size = 3\n", "unknown field `max_size`"),
    ];
    for (text, expected) in cases {
        let err = config(text).unwrap_err();
        assert!(err.starts_with("palisade.toml"), "{err}");
        assert!(err.contains(expected), "expected `{expected}` in `{err}`");
    }
}

#[test]
fn scan_value_checks_one_configuration_value() {
    let found = scan_value("DB_PASSWORD", "kT7fQ2mX9pLw");
    assert_eq!(found.len(), 1);
    assert_eq!(&*found[0].rule_id, "SEC190");
    assert_eq!((found[0].start, found[0].end), (0, 12));
    let found = scan_value("AWS_ACCESS_KEY_ID", "AKIAZ7Q3MNBVCXLKJH2F");
    assert_eq!(&*found[0].rule_id, "SEC001");
    assert!(scan_value("DB_PASSWORD", "${DB_PASSWORD}").is_empty());
    assert!(scan_value("LOG_LEVEL", "debug").is_empty());
}

#[test]
fn a_secret_config_that_is_a_fifo_or_device_is_refused_at_once() {
    let dir = std::env::temp_dir().join(format!("palisade-secret-fifo-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let fifo = dir.join("secrets.toml");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(
            palisade_secrets::SecretsConfig::load_file(&fifo)
                .err()
                .map(|e| e.to_string()),
        );
        let _ = tx.send(
            palisade_secrets::SecretsConfig::load_file(std::path::Path::new("/dev/zero"))
                .err()
                .map(|e| e.to_string()),
        );
    });
    for expected in ["named pipe (FIFO)", "character device"] {
        let got = rx
            .recv_timeout(std::time::Duration::from_secs(10))
            .expect("load_file blocked on a special file")
            .expect("an error");
        assert!(got.contains(expected), "{got}");
    }
}
