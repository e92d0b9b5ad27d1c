//! `palisade scan` on the configuration a service ships with: a ConfigMap whose keys do
//! not say they hold secrets and a Spring `application.properties` written the ways
//! `java.util.Properties` accepts, and files a ConfigMap stores base64-encoded in
//! `binaryData`. The secrets are found, ordinary values and placeholders are not, and no
//! report prints a secret whole.

use std::process::Command;

const CONFIGMAP: &str = "\
apiVersion: v1
kind: ConfigMap
metadata:
  name: checkout
  namespace: shop
data:
  API_URL: https://api.internal.example.org/v1/orders
  DB_HOST: db-primary.shop.svc.cluster.local
  FEATURE_NEW_CHECKOUT: \"true\"
  TENANT: 3636dd46-ea21-11e9-81b4-2a2ae2dbcce4
  GIT_COMMIT: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b
  BANNER: V2VsY29tZSB0byB0aGUgc2hvcCEgT3BlbiA5LTUu
  UPSTREAM: q8Zr2LmX7vT4nW9kP3sY6dF1
  SMTP_PASSWORD: please-change-this
";

const PROPERTIES: &str = "\
! Mail relay
mail.host smtp.internal.example.org
mail.password   Hk7#vQ2mLx9wZt
cache.secret nR4tY8uI2oP6aS1d\\
    F5gH9jK3
api.token=set-in-vault
jwt.secret=${JWT_SECRET}
";

const SECRETS: &[&str] = &[
    "q8Zr2LmX7vT4nW9kP3sY6dF1",
    "Hk7#vQ2mLx9wZt",
    "nR4tY8uI2oP6aS1dF5gH9jK3",
];

fn palisade(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_palisade"))
        .args(args)
        .output()
        .expect("palisade runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn configmap_tokens_and_properties_secrets_are_found_and_redacted() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("configmap.yaml"), CONFIGMAP).unwrap();
    let resources = dir.path().join("src/main/resources");
    std::fs::create_dir_all(&resources).unwrap();
    std::fs::write(resources.join("application.properties"), PROPERTIES).unwrap();
    let root = dir.path().to_str().unwrap();

    let (code, stdout) = palisade(&["scan", "--format", "json", root]);
    assert_eq!(code, 1, "findings fail the run: {stdout}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let mut found: Vec<(String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"].as_str().unwrap().starts_with("SEC"))
        .map(|f| {
            (
                format!(
                    "{} {}:{}",
                    f["rule_id"].as_str().unwrap(),
                    f["location"]["path"].as_str().unwrap(),
                    f["location"]["line"]
                ),
                f["secret"]["fingerprint"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    found.sort();
    let fp = |s: &str| palisade_secrets::fingerprint(s.as_bytes());
    assert_eq!(
        found,
        [
            (
                "SEC190 src/main/resources/application.properties:3".into(),
                fp(SECRETS[1])
            ),
            (
                "SEC190 src/main/resources/application.properties:4".into(),
                fp(SECRETS[2])
            ),
            ("SEC201 configmap.yaml:13".into(), fp(SECRETS[0])),
        ]
    );

    for format in ["json", "table", "sarif"] {
        let (_, out) = palisade(&["scan", "--format", format, root]);
        for secret in SECRETS {
            assert!(!out.contains(secret), "{format} prints {secret}");
        }
        assert!(
            !out.contains("F5gH9jK3"),
            "{format} prints the continued line"
        );
    }
}

const BINARY_CONFIGMAP: &str = "\
apiVersion: v1
kind: ConfigMap
metadata:
  name: aws-tools
  namespace: ops
binaryData:
  logging.properties: bG9nLmxldmVsPWluZm8KbG9nLmZvcm1hdD1qc29uCg==
  logo.png: iVBORw0KGgoAAAANSUhEUgECAwT6+/z9
  credentials: |
    W2RlZmF1bHRdCmF3c19hY2Nlc3Nfa2V5X2lkID0gQUtJQVo1R01IWVEzVEtX
    VkpSN04KYXdzX3NlY3JldF9hY2Nlc3Nfa2V5ID0gdFE4dkxrMnBOeHdKYWxy
    WFV0bkZFTUkvSzdNREVORy9iUHhSZmlDWQo=
";

const BINARY_SECRETS: &[&str] = &[
    "AKIAZ5GMHYQ3TKWVJR7N",
    "tQ8vLk2pNxwJalrXUtnFEMI/K7MDENG/bPxRfiCY",
];

#[test]
fn files_in_configmap_binary_data_are_decoded_and_their_secrets_found_and_redacted() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("configmap.yaml"), BINARY_CONFIGMAP).unwrap();
    let root = dir.path().to_str().unwrap();

    let (code, stdout) = palisade(&["scan", "--format", "json", root]);
    assert_eq!(code, 1, "findings fail the run: {stdout}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let mut found: Vec<(String, String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "SEC201")
        .map(|f| {
            (
                format!("{}", f["location"]["line"]),
                f["message"].as_str().unwrap().to_string(),
                f["secret"]["fingerprint"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    found.sort();
    let fp = |s: &str| palisade_secrets::fingerprint(s.as_bytes());
    assert_eq!(found.len(), 2, "{found:?}");
    // Both on the value's line, naming the line inside the decoded file, with the
    // fingerprints the same secrets have in clear (so one suppression covers both).
    assert_eq!(found[0].0, "10");
    assert!(
        found[0]
            .1
            .contains("`binaryData.credentials` (line 2 of the decoded file): AWS access key id"),
        "{}",
        found[0].1
    );
    assert_eq!(found[0].2, fp(BINARY_SECRETS[0]));
    assert!(
        found[1]
            .1
            .contains("(line 3 of the decoded file): AWS secret access key"),
        "{}",
        found[1].1
    );
    assert_eq!(found[1].2, fp(BINARY_SECRETS[1]));

    for format in ["json", "table", "sarif"] {
        let (_, out) = palisade(&["scan", "--format", format, root]);
        for secret in BINARY_SECRETS {
            assert!(!out.contains(secret), "{format} prints {secret}");
        }
    }
}
