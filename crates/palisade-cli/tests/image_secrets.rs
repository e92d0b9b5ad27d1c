//! `palisade image` runs the secret engine on every file of every layer: a credential added
//! in one layer and deleted in the next still ships in the image, and is reported with the
//! layer and the instruction that added it.

use crate::image_builder;

use std::process::Command;

use image_builder::{TestImage, E};

#[test]
fn a_secret_deleted_by_a_later_layer_is_reported_with_its_layer() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("app.tar");
    TestImage::new()
        .layer(
            "/bin/sh -c #(nop) ADD file:base in / ",
            &[
                E::Dir("etc"),
                E::File("etc/os-release", b"ID=debian\nVERSION_ID=\"12\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n".to_vec()),
            ],
        )
        .layer(
            "COPY billing.env /app/billing.env # buildkit",
            &[
                E::Dir("app"),
                E::File(
                    "app/billing.env",
                    b"STRIPE_KEY=sk_live_4eC39HqLyjWDarjtT1zdp7dcXq9Pz\n".to_vec(),
                ),
            ],
        )
        .layer(
            "RUN /bin/sh -c rm /app/billing.env # buildkit",
            &[E::File("app/.wh.billing.env", vec![])],
        )
        .docker_archive(&archive);

    let out = Command::new(env!("CARGO_BIN_EXE_palisade"))
        .args(["image", archive.to_str().unwrap(), "-f", "json", "-q"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let secret = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["practice"] == "SEC" && f["location"]["path"] == "app/billing.env")
        .unwrap_or_else(|| panic!("deleted secret not reported: {:#}", doc["findings"]));
    assert!(secret["location"]["layer"]
        .as_str()
        .unwrap()
        .starts_with("sha256:"));
    let message = secret["message"].as_str().unwrap();
    assert!(message.contains("layer 2"), "{message}");
    assert!(message.contains("COPY billing.env"), "{message}");
    let preview = secret["secret"]["preview"].as_str().unwrap();
    assert!(
        !preview.contains("4eC39HqLyjWDarjtT1zdp7dcXq9Pz"),
        "secret leaked: {preview}"
    );
    assert!(!out.stdout.windows(10).any(|w| w == b"4eC39HqLyj"));
}

#[test]
fn a_fingerprint_suppression_from_a_scan_silences_the_same_secret_in_an_image_layer() {
    let dir = tempfile::tempdir().unwrap();
    let secret = b"STRIPE_KEY=sk_live_4eC39HqLyjWDarjtT1zdp7dcXq9Pz\n";
    let tree = dir.path().join("src");
    std::fs::create_dir_all(&tree).unwrap();
    std::fs::write(tree.join("billing.env"), secret).unwrap();
    let scan = Command::new(env!("CARGO_BIN_EXE_palisade"))
        .args(["scan", tree.to_str().unwrap(), "-f", "json", "-q"])
        .env("PALISADE_DB", dir.path().join("absent.db"))
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&scan.stdout).unwrap();
    let found = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["practice"] == "SEC")
        .expect("secret found by scan");
    let fingerprint = found["secret"]["fingerprint"].as_str().unwrap();
    let rule = found["rule_id"].as_str().unwrap();
    let config = dir.path().join("palisade.toml");
    std::fs::write(
        &config,
        format!(
            "[[suppress]]\nrule = \"{rule}\"\nfingerprint = \"{fingerprint}\"\nreason = \"test key, rotated\"\n"
        ),
    )
    .unwrap();

    let archive = dir.path().join("app.tar");
    TestImage::new()
        .layer(
            "COPY billing.env /app/billing.env # buildkit",
            &[E::Dir("app"), E::File("app/billing.env", secret.to_vec())],
        )
        .docker_archive(&archive);
    let image = |extra: &[&str]| {
        let mut args = vec!["image", archive.to_str().unwrap(), "-f", "json", "-q"];
        args.extend_from_slice(extra);
        let out = Command::new(env!("CARGO_BIN_EXE_palisade"))
            .args(&args)
            .env("PALISADE_DB", dir.path().join("absent.db"))
            .output()
            .unwrap();
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let in_layer = |doc: &serde_json::Value, list: &str| {
        doc[list].as_array().is_some_and(|a| {
            a.iter()
                .any(|f| f["rule_id"] == rule && f["location"]["path"] == "app/billing.env")
        })
    };
    let unsuppressed = image(&[]);
    assert!(in_layer(&unsuppressed, "findings"), "{unsuppressed:#}");
    let suppressed = image(&["--config", config.to_str().unwrap()]);
    assert!(!in_layer(&suppressed, "findings"), "{suppressed:#}");
    assert!(in_layer(&suppressed, "suppressed"), "{suppressed:#}");
}
