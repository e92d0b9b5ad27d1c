//! Real advisories from the corpus: import counts, hand-checked matches, and the
//! self-consistency of ranges against enumerated `versions` lists.

use palisade_vuln::db::Database;
use palisade_vuln::inventory::Package;
use palisade_vuln::{match_packages, matcher, osv};

fn import_all(dir: &std::path::Path) -> (tempfile::TempDir, Database, usize, usize) {
    let tmp = tempfile::tempdir().unwrap();
    let mut db = Database::create(&tmp.path().join("osv.db")).unwrap();
    let mut imported = 0;
    let mut warnings = 0;
    for sub in [
        "advisories-pypi-osv",
        "advisories-go-osv",
        "advisories-rustsec/osv",
        "advisories-maven-ghsa-osv-scalibr",
    ] {
        let stats = db.import(&dir.join(sub)).unwrap();
        for w in stats.warnings.iter().take(5) {
            eprintln!("warning: {w}");
        }
        imported += stats.imported;
        warnings += stats.warnings.len();
    }
    (tmp, db, imported, warnings)
}

#[test]
fn imports_real_advisories_and_matches_by_hand_checked_cases() {
    let Some(dir) = palisade_testkit::corpus("") else {
        return;
    };
    let (_tmp, db, imported, warnings) = import_all(&dir);
    eprintln!("imported {imported} advisories, {warnings} warnings");
    assert!(imported > 5000, "imported only {imported}");
    assert_eq!(warnings, 0);
    let status = db.status().unwrap();
    let eco: std::collections::BTreeMap<_, _> = status.per_ecosystem.iter().cloned().collect();
    assert!(eco["PyPI"] > 1500, "{eco:?}");
    assert!(eco["Go"] > 1000, "{eco:?}");
    assert!(eco["crates.io"] > 1000, "{eco:?}");
    assert!(eco["Maven"] > 100, "{eco:?}");

    let pkgs = vec![
        // PYSEC-2021-66: jinja2 < 2.11.3 (ReDoS, CVE-2020-28493)
        Package::new("PyPI", "Jinja2", "2.11.2", "requirements.txt", Some(1)),
        Package::new("PyPI", "jinja2", "3.1.4", "requirements.txt", Some(2)),
        // RUSTSEC-2020-0071 / time 0.1 localtime_r
        Package::new("crates.io", "time", "0.1.43", "Cargo.lock", Some(3)),
        // RUSTSEC-2026-0009 affects 0.3.6 up to 0.3.47
        Package::new("crates.io", "time", "0.3.36", "Cargo.lock", Some(4)),
        Package::new("crates.io", "time", "0.3.47", "Cargo.lock", Some(6)),
        // GO-2022-0969 net/http (stdlib) and golang.org/x/net
        Package::new(
            "Go",
            "golang.org/x/net",
            "v0.0.0-20200324143707-d3edc9973b7e",
            "go.mod",
            Some(5),
        ),
    ];
    let vulns = match_packages(&db, &pkgs).unwrap();
    let ids = |name: &str, ver: &str| -> Vec<String> {
        vulns
            .iter()
            .filter(|v| v.package.name == name && v.package.version == ver)
            .map(|v| v.id.clone())
            .collect()
    };
    let jinja = ids("Jinja2", "2.11.2");
    assert!(jinja.iter().any(|i| i == "PYSEC-2021-66"), "{jinja:?}");
    let jv = vulns.iter().find(|v| v.id == "PYSEC-2021-66").unwrap();
    assert!(
        jv.aliases.iter().any(|a| a == "CVE-2020-28493"),
        "{:?}",
        jv.aliases
    );
    assert_eq!(jv.fixed_versions, vec!["2.11.3".to_string()]);
    assert!(
        ids("jinja2", "3.1.4").is_empty(),
        "{:?}",
        ids("jinja2", "3.1.4")
    );
    assert!(ids("time", "0.1.43")
        .iter()
        .any(|i| i == "RUSTSEC-2020-0071"));
    assert_eq!(ids("time", "0.3.36"), vec!["RUSTSEC-2026-0009"]);
    assert!(ids("time", "0.3.47").is_empty());
    assert!(!ids("golang.org/x/net", "v0.0.0-20200324143707-d3edc9973b7e").is_empty());
    // each advisory once per package, aliases never reported as separate findings
    let mut seen = std::collections::BTreeSet::new();
    for v in &vulns {
        assert!(seen.insert((
            v.package.name.clone(),
            v.package.version.clone(),
            v.id.clone()
        )));
        for a in &v.aliases {
            assert!(
                !vulns.iter().any(|w| w.package == v.package && &w.id == a),
                "alias {a} reported twice"
            );
        }
    }
}

/// Every record with both ranges and an enumerated `versions` list: the ranges must
/// select exactly the listed versions.
#[test]
fn ranges_agree_with_enumerated_versions() {
    let Some(dir) = palisade_testkit::corpus("") else {
        return;
    };
    let mut checked = 0;
    let mut disagreements = vec![];
    for sub in [
        "advisories-pypi-osv",
        "advisories-rustsec/osv",
        "advisories-go-osv",
    ] {
        let mut stack = vec![dir.join(sub)];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                    continue;
                }
                let name = p.to_string_lossy().to_string();
                let yaml = name.ends_with(".yaml");
                if !yaml && !name.ends_with(".json") {
                    continue;
                }
                let Ok(adv) = osv::parse_record(&std::fs::read(&p).unwrap(), yaml) else {
                    continue;
                };
                for a in &adv.affected {
                    let Some(pkg) = &a.package else { continue };
                    let ranged = a.ranges.iter().any(|r| r.kind == "ECOSYSTEM");
                    if !ranged || a.versions.is_empty() {
                        continue;
                    }
                    let ranges_only = osv::Affected {
                        versions: vec![],
                        ..a.clone()
                    };
                    for v in &a.versions {
                        checked += 1;
                        if !matcher::is_affected(&ranges_only, &pkg.ecosystem, v) {
                            disagreements.push(format!(
                                "{} {} {}: listed but outside ranges",
                                adv.id, pkg.name, v
                            ));
                        }
                    }
                }
            }
        }
    }
    for d in disagreements.iter().take(30) {
        eprintln!("{d}");
    }
    eprintln!(
        "{checked} listed versions checked, {} disagreements",
        disagreements.len()
    );
    assert!(checked > 10_000, "only {checked}");
    // Records whose enumerated list contradicts their own ECOSYSTEM range (the lists are
    // generated from GIT ranges upstream): pre-releases below `introduced`, and a
    // `.post1` of the fixed release.
    let known_inconsistent = [
        "PYSEC-2023-61 django 3.2a1",
        "PYSEC-2023-61 django 3.2b1",
        "PYSEC-2023-61 django 3.2rc1",
        "PYSEC-2023-61 django 4.2a1",
        "PYSEC-2023-61 django 4.2b1",
        "PYSEC-2023-61 django 4.2rc1",
        "PYSEC-2023-177 gevent 23.9.0",
        "PYSEC-2023-177 gevent 23.9.0.post1",
    ];
    let unexplained: Vec<&String> = disagreements
        .iter()
        .filter(|d| {
            !known_inconsistent
                .iter()
                .any(|k| d.starts_with(&format!("{k}:")))
        })
        .collect();
    assert!(unexplained.is_empty(), "{unexplained:?}");
}
