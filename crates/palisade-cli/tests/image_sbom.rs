//! `palisade sbom IMAGE`: the real Debian image (`target/realimg`) as CycloneDX 1.5 and
//! SPDX 2.3, validated against the official schemas in `../shared/schemas`, listing exactly
//! the packages `dpkg-query` lists, with distro purls, the OS and each package's layer.

use crate::common;

use std::process::Command;

use common::*;
use serde_json::Value;

fn real_images() -> Option<std::path::PathBuf> {
    let dir = repo_root().join("target/realimg");
    if dir.join("debian-bookworm.docker.tar").is_file() {
        Some(dir)
    } else {
        eprintln!(
            "SKIP: {} not built (crates/palisade-artifact/tests/make-real-images.sh)",
            dir.display()
        );
        None
    }
}

fn schema(name: &str) -> Option<Value> {
    let dir = palisade_testkit::schemas()?;
    let text = std::fs::read_to_string(dir.join(name)).ok()?;
    Some(serde_json::from_str(&text).unwrap())
}

fn validate_cyclonedx(doc: &Value) {
    let (Some(s), Some(spdx), Some(jsf)) = (
        schema("cyclonedx-1.5.schema.json"),
        schema("spdx.SNAPSHOT.schema.json"),
        schema("jsf-0.82.SNAPSHOT.schema.json"),
    ) else {
        eprintln!("SKIP: ../shared/schemas not found; CycloneDX not validated");
        return;
    };
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .with_resource(
            "http://cyclonedx.org/schema/spdx.SNAPSHOT.schema.json",
            jsonschema::Resource::from_contents(spdx).unwrap(),
        )
        .with_resource(
            "http://cyclonedx.org/schema/jsf-0.82.SNAPSHOT.schema.json",
            jsonschema::Resource::from_contents(jsf).unwrap(),
        )
        .build(&s)
        .unwrap();
    assert_valid(&validator, doc);
}

/// Every schema error in `doc`, with where it is, fails the test.
fn assert_valid(validator: &jsonschema::Validator, doc: &Value) {
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

fn validate_spdx(doc: &Value) {
    let Some(s) = schema("spdx-2.3.schema.json") else {
        eprintln!("SKIP: ../shared/schemas not found; SPDX not validated");
        return;
    };
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&s)
        .unwrap();
    assert_valid(&validator, doc);
}

fn dpkg_query(rootfs: &std::path::Path) -> Vec<String> {
    let out = Command::new("dpkg-query")
        .arg(format!("--admindir={}/var/lib/dpkg", rootfs.display()))
        .args(["-W", "-f", "${Package}\t${Version}\n"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let mut v: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    v.sort();
    v
}

fn sbom(args: &[&str]) -> Value {
    let out = palisade(&repo_root(), args);
    assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
    serde_json::from_str(&stdout(&out)).unwrap()
}

#[test]
fn debian_image_cyclonedx_lists_dpkg_packages_with_os_and_layers() {
    let Some(dir) = real_images() else { return };
    let expected = dpkg_query(&dir.join("rootfs"));
    let tar = dir.join("debian-bookworm.docker.tar");
    let doc = sbom(&["sbom", tar.to_str().unwrap(), "-f", "cyclonedx"]);
    validate_cyclonedx(&doc);
    assert_eq!(doc["metadata"]["component"]["type"], "container");
    let components = doc["components"].as_array().unwrap();
    let os = &components[0];
    assert_eq!(os["type"], "operating-system");
    assert_eq!(
        (os["name"].as_str(), os["version"].as_str()),
        (Some("debian"), Some("12"))
    );
    let libs: Vec<&Value> = components
        .iter()
        .filter(|c| c["type"] == "library")
        .collect();
    let mut ours: Vec<String> = libs
        .iter()
        .map(|c| {
            format!(
                "{}\t{}",
                c["name"].as_str().unwrap(),
                c["version"].as_str().unwrap()
            )
        })
        .collect();
    ours.sort();
    assert_eq!(ours, expected);
    let ssl = libs.iter().find(|c| c["name"] == "libssl3").unwrap();
    let purl = ssl["purl"].as_str().unwrap();
    assert!(
        purl.starts_with("pkg:deb/debian/libssl3@3.0.20-1~deb12u2?arch=amd64&distro=debian-12"),
        "{purl}"
    );
    let prop = |name: &str| {
        ssl["properties"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .map(|p| p["value"].as_str().unwrap().to_string())
    };
    assert!(prop("palisade:layer").unwrap().starts_with("sha256:"));
    assert_eq!(prop("palisade:layer-index").as_deref(), Some("1"));
    assert_eq!(prop("palisade:ecosystem").as_deref(), Some("Debian:12"));
    assert!(prop("palisade:source-package")
        .unwrap()
        .starts_with("openssl@"));

    // the same image from its OCI layout, and the unpacked root filesystem
    let layout = format!("{}/oci:bookworm", dir.display());
    let doc = sbom(&["sbom", &layout]);
    assert_eq!(
        doc["components"].as_array().unwrap().len(),
        expected.len() + 1
    );
    let rootfs = dir.join("rootfs");
    let doc = sbom(&["sbom", "--rootfs", rootfs.to_str().unwrap()]);
    validate_cyclonedx(&doc);
    assert_eq!(
        doc["components"].as_array().unwrap().len(),
        expected.len() + 1
    );
}

#[test]
fn debian_image_spdx_validates_and_contains_the_os() {
    let Some(dir) = real_images() else { return };
    let expected = dpkg_query(&dir.join("rootfs"));
    let tar = dir.join("debian-bookworm.docker.tar");
    let doc = sbom(&["sbom", tar.to_str().unwrap(), "--format", "spdx-json"]);
    validate_spdx(&doc);
    let packages = doc["packages"].as_array().unwrap();
    // the image, its OS, and every dpkg package
    assert_eq!(packages.len(), expected.len() + 2);
    assert!(packages
        .iter()
        .any(|p| p["primaryPackagePurpose"] == "OPERATING_SYSTEM" && p["versionInfo"] == "12"));
    let contains = doc["relationships"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["relationshipType"] == "CONTAINS" && r["spdxElementId"] == "SPDXRef-Image")
        .count();
    assert_eq!(contains, expected.len() + 1);
    let ssl = packages.iter().find(|p| p["name"] == "libssl3").unwrap();
    assert!(ssl["externalRefs"][0]["referenceLocator"]
        .as_str()
        .unwrap()
        .contains("distro=debian-12"));
    assert!(ssl["sourceInfo"]
        .as_str()
        .unwrap()
        .contains("layer sha256:"));
}

#[test]
fn a_lockfile_tree_still_gets_the_lockfile_sbom() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("requirements.txt"), "jinja2==2.11.2\n").unwrap();
    let out = palisade(tmp.path(), &["sbom", "."]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(doc["metadata"]["component"]["type"], "application");
    assert_eq!(doc["components"][0]["purl"], "pkg:pypi/jinja2@2.11.2");
    // a missing image is an error naming it, not a lockfile walk
    let out = palisade(tmp.path(), &["sbom", "docker-archive:missing.tar"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("missing.tar"), "{}", stderr(&out));
}
