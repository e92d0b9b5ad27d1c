//! End to end: `palisade db import/status`, `palisade scan` with vulnerable lockfiles,
//! the missing-database warning, and `palisade sbom`.

use crate::common;

use common::{palisade, stderr, stdout};

const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../palisade-vuln/tests/fixtures"
);

#[test]
fn import_status_scan_and_sbom() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("osv.db");
    let db = db.to_str().unwrap();
    let proj = format!("{FIXTURES}/DEP001/fail");

    // no database at the default place: one warning, the scan still runs and exits
    // without an error status
    let out = palisade(tmp.path(), &["scan", &proj, "-f", "json"]);
    assert_ne!(out.status.code(), Some(2), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let warnings = json["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0]
        .as_str()
        .unwrap()
        .contains("no vulnerability database"));

    // a database that was asked for and is not there is an error, not a silent pass:
    // given with --db, or required with --require-db
    for args in [
        &["scan", &proj, "--db", db, "-f", "json"][..],
        &["scan", &proj, "--require-db", "-f", "json"][..],
    ] {
        let out = palisade(tmp.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
        assert!(
            json["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("were not checked for vulnerabilities"),
            "{json}"
        );
        assert!(stderr(&out).contains("error: "), "{}", stderr(&out));
    }

    let out = palisade(
        tmp.path(),
        &["db", "import", &format!("{FIXTURES}/osv"), "--db", db],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("imported 5 advisories"));
    let out = palisade(tmp.path(), &["db", "status", "--db", db]);
    assert!(stdout(&out).contains("advisories: 5"), "{}", stdout(&out));

    let out = palisade(tmp.path(), &["scan", &proj, "--db", db, "-f", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let f = &json["findings"][0];
    assert_eq!(f["rule_id"], "GHSA-jf85-cpcp-j695");
    assert_eq!(f["practice"], "DEP");
    assert_eq!(f["aliases"], serde_json::json!(["CVE-2019-10744"]));
    assert_eq!(
        f["package"]["fixed_versions"],
        serde_json::json!(["4.17.12"])
    );
    assert_eq!(f["location"]["line"], 5);

    // suppressed by alias in palisade.toml
    let cfg = tmp.path().join("palisade.toml");
    std::fs::write(
        &cfg,
        "[[suppress]]\nrule = \"CVE-2019-10744\"\nreason = \"not reachable\"\n",
    )
    .unwrap();
    let out = palisade(
        tmp.path(),
        &[
            "scan",
            &proj,
            "--db",
            db,
            "-f",
            "json",
            "--config",
            cfg.to_str().unwrap(),
        ],
    );
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["findings"].as_array().unwrap().len(), 0, "{json}");

    let out = palisade(tmp.path(), &["sbom", &proj, "--format", "cyclonedx"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let sbom: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(sbom["components"][0]["purl"], "pkg:npm/lodash@4.17.11");
}

#[test]
fn unpinned_requirements_are_reported_not_skipped() {
    let tmp = tempfile::tempdir().unwrap();
    let proj = format!("{FIXTURES}/DEP002/fail");
    let out = palisade(tmp.path(), &["scan", &proj, "-f", "json"]);
    // info findings do not fail the default `--fail-on low`
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let dep002: Vec<(u64, &str)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "DEP002")
        .map(|f| {
            assert_eq!(f["severity"], "info");
            assert!(f["location"]["path"]
                .as_str()
                .unwrap()
                .ends_with("requirements.txt"));
            (
                f["location"]["line"].as_u64().unwrap(),
                f["package"]["name"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        dep002,
        vec![
            (2, "flask"),
            (3, "requests"),
            (4, "django"),
            (5, "numpy"),
            (6, ""),
            (7, "tool"),
            (8, "mypkg")
        ]
    );
}
