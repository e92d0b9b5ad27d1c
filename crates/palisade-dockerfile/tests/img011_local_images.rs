//! IMG011 across a tree: a `FROM` naming an image the tree builds (Compose, `docker build
//! -t`) inherits the user that image's Dockerfile ends with; a base nobody in the tree
//! builds is reported at medium severity, saying its user is unknown.

use palisade_core::Severity;
use palisade_dockerfile::{scan_dockerfile, scan_dockerfile_in_tree, LocalImages};

const BASE_NONROOT: &str = "FROM debian:12-slim\nRUN useradd --uid 10001 app\nUSER 10001\n";
const BASE_ROOT: &str = "FROM debian:12-slim\nRUN apt-get update\nUSER root\n";
const APP: &str = "FROM acme/base:1.0\nCOPY app /app\nCMD [\"/app\"]\n";

fn img011(findings: &[palisade_core::Finding]) -> Vec<&palisade_core::Finding> {
    findings.iter().filter(|f| f.rule_id == "IMG011").collect()
}

#[test]
fn a_base_built_by_the_tree_with_a_non_root_user_passes() {
    let local = LocalImages::from_tree(
        &[("base/Dockerfile", BASE_NONROOT), ("app/Dockerfile", APP)],
        &[(
            "docker-compose.yml",
            "services:\n  base:\n    image: acme/base:1.0\n    build: ./base\n  app:\n    build: ./app\n",
        )],
    );
    let scan = scan_dockerfile_in_tree("app/Dockerfile", APP, None, &local).unwrap();
    assert!(img011(&scan.findings).is_empty(), "{:?}", scan.findings);
}

#[test]
fn a_base_built_by_the_tree_as_root_fails_high_naming_its_dockerfile() {
    let local = LocalImages::from_tree(
        &[("base/Dockerfile", BASE_ROOT), ("app/Dockerfile", APP)],
        &[("Makefile", "base:\n\tdocker build -t acme/base:1.0 base\n")],
    );
    let scan = scan_dockerfile_in_tree("app/Dockerfile", APP, None, &local).unwrap();
    let found = img011(&scan.findings);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].severity, Severity::High);
    assert!(
        found[0].message.contains("built by base/Dockerfile"),
        "{}",
        found[0].message
    );
}

#[test]
fn a_base_the_tree_does_not_build_is_medium_and_says_its_user_is_unknown() {
    let scan = scan_dockerfile("app/Dockerfile", APP).unwrap();
    let found = img011(&scan.findings);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].severity, Severity::Medium);
    assert!(found[0]
        .message
        .contains("the base image's user is unknown"));
}
