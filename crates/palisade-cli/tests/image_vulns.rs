//! `palisade image` matches the image's OS packages against a real OSV database on disk,
//! imported by the test from hand-written advisories about packages really installed in
//! the real Debian image (`target/realimg`, built by `.ci/install.d/50-images.sh`).
//! The shared corpus holds no OSV-format Debian or Alpine advisories (only secdb and
//! security-tracker forms), so the records are written here.

use crate::common;

use common::*;
use serde_json::Value;

const ADVISORIES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/image-osv");

fn debian_image() -> Option<std::path::PathBuf> {
    let tar = repo_root().join("target/realimg/debian-bookworm.docker.tar");
    if tar.is_file() {
        Some(tar)
    } else {
        eprintln!(
            "SKIP: {} not built (crates/palisade-artifact/tests/make-real-images.sh)",
            tar.display()
        );
        None
    }
}

fn database(dir: &std::path::Path) -> String {
    let db = dir.join("osv.db").to_str().unwrap().to_string();
    let out = palisade(dir, &["db", "import", ADVISORIES, "--db", &db]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("imported 5 advisories"),
        "{}",
        stdout(&out)
    );
    db
}

fn json_of(out: &std::process::Output) -> Value {
    serde_json::from_str(&stdout(out)).unwrap_or_else(|e| panic!("{e}: {}", stderr(out)))
}

/// (advisory id, package name) of every vulnerability finding.
fn matches(json: &Value) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| !f["package"].is_null())
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_string(),
                f["package"]["name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn debian_image_packages_match_by_source_package_and_release() {
    let Some(tar) = debian_image() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let db = database(tmp.path());
    let tar = tar.to_str().unwrap();
    let out = palisade(tmp.path(), &["image", tar, "--db", &db, "-f", "json", "-q"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let json = json_of(&out);
    // openssl's advisory reaches both binaries built from it (libssl3 and openssl); zlib's
    // reaches zlib1g; curl's was fixed before the installed 7.88.1-10+deb12u15; tar's is for
    // Debian 11 only; Alpine's is another ecosystem.
    assert_eq!(
        matches(&json),
        [
            ("DEBIAN-CVE-2099-0003".into(), "zlib1g".into()),
            ("DSA-9001-1".into(), "libssl3".into()),
            ("DSA-9001-1".into(), "openssl".into()),
        ]
    );
    let ssl = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == "DSA-9001-1" && f["package"]["name"] == "libssl3")
        .unwrap();
    assert_eq!(ssl["practice"], "IMG");
    assert_eq!(ssl["severity"], "high");
    assert_eq!(ssl["package"]["ecosystem"], "Debian:12");
    assert_eq!(ssl["package"]["version"], "3.0.20-1~deb12u2");
    assert_eq!(ssl["package"]["fixed_versions"][0], "3.0.99-1~deb12u1");
    assert_eq!(ssl["location"]["path"], "var/lib/dpkg/status");
    assert!(
        ssl["location"]["layer"]
            .as_str()
            .is_some_and(|l| l.starts_with("sha256:")),
        "{ssl}"
    );
    assert!(
        ssl["message"].as_str().unwrap().contains("(layer 1"),
        "{ssl}"
    );
    assert!(ssl["aliases"]
        .as_array()
        .unwrap()
        .contains(&Value::from("CVE-2099-0001")));
    // The image checks ran beside the matching.
    assert!(json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule_id"] == "IMG100"));
    assert!(json["warnings"].as_array().unwrap().is_empty(), "{json}");

    let out = palisade(
        tmp.path(),
        &[
            "image",
            tar,
            "--db",
            &db,
            "-f",
            "json",
            "-q",
            "--ignore-unfixed",
        ],
    );
    assert_eq!(
        matches(&json_of(&out)),
        [
            ("DSA-9001-1".into(), "libssl3".into()),
            ("DSA-9001-1".into(), "openssl".into()),
        ]
    );
    let out = palisade(
        tmp.path(),
        &[
            "image",
            tar,
            "--db",
            &db,
            "-f",
            "json",
            "-q",
            "--min-severity",
            "medium",
        ],
    );
    let json = json_of(&out);
    assert_eq!(matches(&json).len(), 2);
    assert!(json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["severity"] != "low" && f["severity"] != "info"));
}

#[test]
fn missing_default_database_is_a_warning_and_image_checks_still_run() {
    let Some(tar) = debian_image() else { return };
    let tmp = tempfile::tempdir().unwrap();
    // No --db: the default location ($PALISADE_DB in the test harness) has no database.
    let out = palisade(tmp.path(), &["image", tar.to_str().unwrap(), "-f", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let json = json_of(&out);
    let warnings = json["warnings"].as_array().unwrap();
    assert!(
        warnings
            .iter()
            .any(|w| w.as_str().unwrap().contains("no vulnerability database")),
        "{warnings:?}"
    );
    assert!(matches(&json).is_empty());
    assert!(json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule_id"] == "IMG100"));
}

#[test]
fn missing_explicit_database_is_an_error_and_image_checks_still_run() {
    let Some(tar) = debian_image() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("absent.db");
    let out = palisade(
        tmp.path(),
        &[
            "image",
            tar.to_str().unwrap(),
            "--db",
            db.to_str().unwrap(),
            "-f",
            "json",
        ],
    );
    // A database that was asked for and is not there never ends green or as a mere warning.
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("absent.db") && err.contains("no vulnerability database"),
        "{err}"
    );
    let json = json_of(&out);
    assert!(matches(&json).is_empty());
    assert!(json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule_id"] == "IMG100"));
}

#[test]
fn alpine_packages_match_by_origin_in_their_release() {
    let tmp = tempfile::tempdir().unwrap();
    let db = database(tmp.path());
    let root = tmp.path().join("root");
    std::fs::create_dir_all(root.join("etc")).unwrap();
    std::fs::create_dir_all(root.join("lib/apk/db")).unwrap();
    std::fs::write(
        root.join("etc/os-release"),
        "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.19.1\nPRETTY_NAME=\"Alpine Linux v3.19\"\n",
    )
    .unwrap();
    std::fs::write(
        root.join("lib/apk/db/installed"),
        "P:libssl3\nV:3.1.4-r1\nA:x86_64\no:openssl\n\nP:musl\nV:1.2.4_git20230717-r4\no:musl\n\n",
    )
    .unwrap();
    let out = palisade(
        tmp.path(),
        &[
            "image",
            "--rootfs",
            root.to_str().unwrap(),
            "--db",
            &db,
            "-f",
            "json",
            "-q",
        ],
    );
    let json = json_of(&out);
    assert_eq!(
        matches(&json),
        [("ALPINE-CVE-2099-0005".into(), "libssl3".into())]
    );
    let f = &json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| !f["package"].is_null())
        .unwrap()
        .clone();
    assert_eq!(f["package"]["ecosystem"], "Alpine:v3.19");
    assert_eq!(f["package"]["fixed_versions"][0], "3.1.4-r5");
}
