//! DEP001 fixtures: a vulnerable lockfile fails, the upgraded one passes; aliases merge,
//! withdrawn advisories are ignored, ecosystem releases, last_affected and limit hold.

use palisade_core::{Practice, Severity};
use palisade_vuln::{db::Database, findings, lockfile, match_packages, MatchOptions, Package};

const FIX: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

fn db() -> (tempfile::TempDir, Database) {
    let tmp = tempfile::tempdir().unwrap();
    let mut db = Database::create(&tmp.path().join("osv.db")).unwrap();
    let stats = db
        .import(std::path::Path::new(&format!("{FIX}/osv")))
        .unwrap();
    assert_eq!(stats.imported, 5);
    assert_eq!(stats.withdrawn, 1);
    (tmp, db)
}

fn scan(db: &Database, rel: &str, opts: &MatchOptions) -> Vec<palisade_core::Finding> {
    let path = format!("{FIX}/{rel}");
    let text = std::fs::read_to_string(&path).unwrap();
    let pkgs = lockfile::parse(&path, &text, &|_| None).unwrap();
    findings(&match_packages(db, &pkgs).unwrap(), opts)
}

#[test]
fn vulnerable_lockfile_fails_and_upgraded_passes() {
    let (_t, db) = db();
    let fail = scan(
        &db,
        "DEP001/fail/package-lock.json",
        &MatchOptions::default(),
    );
    assert_eq!(fail.len(), 1, "{fail:#?}");
    let f = &fail[0];
    assert_eq!(f.rule_id, "GHSA-jf85-cpcp-j695");
    assert_eq!(f.aliases, vec!["CVE-2019-10744"]);
    assert_eq!(f.practice, Practice::Dep);
    assert_eq!(f.severity, Severity::Critical); // CVSS 3.1 base 9.1
    assert_eq!(f.location.line, Some(5));
    let pkg = f.package.as_ref().unwrap();
    assert_eq!(pkg.fixed_versions, vec!["4.17.12"]);
    assert_eq!(pkg.direct, Some(true));
    assert!(
        f.message.contains("lodash 4.17.11 (direct)"),
        "{}",
        f.message
    );
    assert!(scan(
        &db,
        "DEP001/pass/package-lock.json",
        &MatchOptions::default()
    )
    .is_empty());
}

#[test]
fn releases_last_affected_limit_and_filters() {
    let (_t, db) = db();
    let pkgs = vec![
        Package::new(
            "Debian:12",
            "openssl",
            "3.0.11-1~deb12u2",
            "status",
            Some(1),
        ),
        Package::new(
            "Debian:12",
            "openssl",
            "3.0.11-1~deb12u3",
            "status",
            Some(2),
        ),
        Package::new(
            "Debian:11",
            "openssl",
            "1.1.1w-0+deb11u1",
            "status",
            Some(3),
        ),
        Package::new("PyPI", "foo.bar", "1.2", "requirements.txt", Some(4)),
        Package::new("PyPI", "foo-bar", "1.7", "requirements.txt", Some(5)),
    ];
    let vulns = match_packages(&db, &pkgs).unwrap();
    let hit: Vec<(u32, &str)> = vulns
        .iter()
        .map(|v| (v.package.location.line.unwrap(), v.id.as_str()))
        .collect();
    assert_eq!(hit, vec![(1, "DEBIAN-CVE-2024-0001"), (4, "PYSEC-limit")]);
    let all = findings(&vulns, &MatchOptions::default());
    assert_eq!(all[0].severity, Severity::Low);
    let fixed_only = findings(
        &vulns,
        &MatchOptions {
            ignore_unfixed: true,
            ..MatchOptions::default()
        },
    );
    assert_eq!(fixed_only.len(), 1);
    let high = findings(
        &vulns,
        &MatchOptions {
            min_severity: Some(Severity::High),
            ..MatchOptions::default()
        },
    );
    assert!(high.is_empty() || high.iter().all(|f| f.severity >= Severity::High));
    assert_eq!(palisade_vuln::rules()[0].id, "DEP001");
}

#[test]
fn advisories_without_a_rating_are_shown_as_unrated_with_the_reason() {
    use std::sync::Arc;
    let vuln = |id: &str, source: &str| palisade_vuln::Vulnerability {
        package: Arc::new(palisade_vuln::Package::new(
            "PyPI",
            "jinja2",
            "2.11.2",
            "requirements.txt",
            Some(3),
        )),
        id: id.to_string(),
        aliases: vec![],
        fixed_versions: vec!["2.11.3".into()],
        severity: palisade_core::Severity::Medium,
        severity_source: Arc::from(source),
        summary: None,
        references: Arc::from(Vec::<String>::new()),
    };
    let found = palisade_vuln::findings(
        &[
            vuln("PYSEC-2099-1", palisade_vuln::severity::UNRATED),
            // the wording of databases built before
            vuln("PYSEC-2099-2", "unknown (no CVSS vector or severity word)"),
            vuln(
                "PYSEC-2099-3",
                "CVSS_V3 CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:N",
            ),
        ],
        &palisade_vuln::MatchOptions::default(),
    );
    for f in &found[..2] {
        assert!(f.message.contains("[severity unrated: the advisory gives no CVSS vector and no severity word; counted as medium]"), "{}", f.message);
        assert_eq!(
            f.evidence[0].label,
            format!("severity {}", palisade_vuln::severity::UNRATED)
        );
    }
    assert!(
        !found[2].message.contains("unrated"),
        "{}",
        found[2].message
    );
}
