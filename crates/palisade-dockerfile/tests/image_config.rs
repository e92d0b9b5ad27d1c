//! Image-configuration rules over real-shaped image config blobs (Docker and BuildKit
//! history forms), as the image reader hands them over.

use std::path::Path;

use palisade_dockerfile::{check_image_config, ImageConfig};

fn load(name: &str) -> ImageConfig {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/image-config")
        .join(name);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    ImageConfig::from_oci_json(&json)
}

#[test]
fn a_careless_image_is_reported_with_config_and_history_locations() {
    let findings = check_image_config(
        &load("fail_root_secrets_history.json"),
        "registry.example.com/app:1.0",
    );
    let lines: Vec<String> = findings
        .iter()
        .map(|f| {
            format!(
                "{} {} [{}] {}",
                f.location.resource.as_deref().unwrap_or(""),
                f.rule_id,
                f.severity,
                f.message
            )
        })
        .collect();
    insta::assert_snapshot!("careless_image", lines.join("\n"));
    for f in &findings {
        assert_eq!(f.location.path, "registry.example.com/app:1.0");
        if let Some(secret) = &f.secret {
            for raw in [
                "hunter2",
                "s3cr3t",
                "npm_abcdefghijklmnop",
                "tok_0123456789",
            ] {
                assert!(
                    !secret.preview.contains(raw),
                    "secret value leaked: {}",
                    secret.preview
                );
                assert!(
                    !f.message.contains(raw),
                    "secret value leaked into message: {}",
                    f.message
                );
            }
        }
    }
}

#[test]
fn a_hardened_image_passes() {
    let findings = check_image_config(&load("pass_hardened.json"), "app:2");
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn a_default_config_means_root_and_no_healthcheck() {
    let ids: Vec<String> = check_image_config(&ImageConfig::default(), "x")
        .into_iter()
        .map(|f| f.rule_id.into_owned())
        .collect();
    assert_eq!(ids, vec!["IMG011", "IMG023"]);
}
