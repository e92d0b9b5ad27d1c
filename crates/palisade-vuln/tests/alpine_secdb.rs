//! Alpine secdb import on the real corpus (secdb v3.3..v3.11, main and community, YAML form
//! of the JSON schema): counts, and matches written by hand from the files.

use palisade_vuln::db::Database;
use palisade_vuln::{match_packages, Package};

fn alpine(release: &str, name: &str, version: &str) -> Package {
    Package::new(
        format!("Alpine:{release}"),
        name,
        version,
        "lib/apk/db/installed",
        None,
    )
}

/// (advisory id, fixed versions) of every match, sorted.
fn matches(db: &Database, pkg: Package) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = match_packages(db, &[pkg])
        .unwrap()
        .into_iter()
        .map(|v| (v.id, v.fixed_versions))
        .collect();
    out.sort();
    out
}

fn ids(db: &Database, pkg: Package) -> Vec<String> {
    matches(db, pkg).into_iter().map(|(id, _)| id).collect()
}

#[test]
fn secdb_corpus_imports_and_matches_by_release() {
    let Some(dir) = palisade_testkit::corpus("advisories-alpine-secdb") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("osv.db");
    let stats = palisade_vuln::db::import_atomically(&path, &dir).unwrap();
    // entries that are no id are skipped with a warning each
    let mut skipped: Vec<&str> = stats
        .warnings
        .iter()
        .map(|w| w.message.rsplit(": ").next().unwrap())
        .collect();
    skipped.sort();
    skipped.dedup();
    assert_eq!(
        skipped,
        vec![
            "CVE 2018-16859",
            "CVE-2017-8073.patch",
            "CVE-2019-19451.patch",
            "CVE_2019-2426"
        ],
        "{:?}",
        stats.warnings
    );
    let db = Database::open(&path).unwrap();
    let status = db.status().unwrap();
    // 12,028 (package, version, entry) fixes in 20 files name 2,469 distinct ids; fixes at
    // version 0 (never affected) add nothing
    assert_eq!(status.advisories, 2469);
    assert_eq!(status.per_ecosystem, vec![("Alpine".to_string(), 2469)]);

    // v3.11/main.yaml: ansible 2.9.3-r0 fixes CVE-2019-14904 and CVE-2019-14905
    assert_eq!(
        matches(&db, alpine("v3.11", "ansible", "2.9.2-r0")),
        vec![
            (
                "ALPINE-CVE-2019-14904".to_string(),
                vec!["2.9.3-r0".to_string()]
            ),
            (
                "ALPINE-CVE-2019-14905".to_string(),
                vec!["2.9.3-r0".to_string()]
            ),
        ]
    );
    assert_eq!(
        ids(&db, alpine("v3.11", "ansible", "2.9.3-r0")),
        Vec::<String>::new()
    );
    // the release written without `v`, as some inventories do
    assert_eq!(ids(&db, alpine("3.11", "ansible", "2.9.2-r0")).len(), 2);
    // ansible 2.8.5-r0: also open are the 2.8.6-r0 fixes (3 CVEs)
    assert_eq!(ids(&db, alpine("v3.11", "ansible", "2.8.5-r0")).len(), 5);
    // a release the imported files do not cover has no data, so no match
    assert_eq!(
        ids(&db, alpine("v3.12", "ansible", "2.9.2-r0")),
        Vec::<String>::new()
    );

    // CVE-2019-1543 is listed in v3.9, v3.10 and v3.11: the files merge into one advisory
    for release in ["v3.9", "v3.10", "v3.11"] {
        assert!(
            ids(&db, alpine(release, "openssl", "1.1.1b-r0"))
                .contains(&"ALPINE-CVE-2019-1543".to_string()),
            "{release}"
        );
    }
    assert!(!ids(&db, alpine("v3.11", "openssl", "1.1.1b-r1"))
        .contains(&"ALPINE-CVE-2019-1543".to_string()));

    // CVE-2018-0734: openssl fixed in 1.0.2q-r0 on v3.8, 1.1.1a-r0 on v3.9
    let v38 = matches(&db, alpine("v3.8", "openssl", "1.0.2p-r0"));
    assert!(v38.contains(&(
        "ALPINE-CVE-2018-0734".to_string(),
        vec!["1.0.2q-r0".to_string()]
    )));
    assert!(!ids(&db, alpine("v3.8", "openssl", "1.0.2q-r0"))
        .contains(&"ALPINE-CVE-2018-0734".to_string()));
    assert!(ids(&db, alpine("v3.9", "openssl", "1.1.1-r0"))
        .contains(&"ALPINE-CVE-2018-0734".to_string()));

    // an installed binary package is matched through its origin (source) package
    let mut libssl = alpine("v3.8", "libssl1.0", "1.0.2p-r0");
    libssl.source_name = Some("openssl".into());
    libssl.source_version = Some("1.0.2p-r0".into());
    assert!(ids(&db, libssl).contains(&"ALPINE-CVE-2018-0734".to_string()));

    // the CVE id is an alias, so a suppression by CVE applies
    let info = db.advisory_info("ALPINE-CVE-2018-0734").unwrap().unwrap();
    assert_eq!(info.aliases, vec!["CVE-2018-0734".to_string()]);
}

#[test]
fn secdb_entries_with_extra_words_and_per_package_files() {
    // vuln-list's per-package form (one package per file, no `packages` list), with the
    // secdb's free-text entries: several ids on one line, remarks in parentheses
    let Some(file) = palisade_testkit::corpus(
        "advisories-distro-feeds-trivy-db/alpine/happy/vuln-list/alpine/ansible.json",
    ) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("osv.db");
    let stats = palisade_vuln::db::import_atomically(&path, &file).unwrap();
    assert!(stats.warnings.is_empty(), "{:?}", stats.warnings);
    let db = Database::open(&path).unwrap();
    let got = ids(&db, alpine("v3.12", "ansible", "2.9.2-r0"));
    assert_eq!(
        got,
        vec![
            "ALPINE-CVE-2017-2616",
            "ALPINE-CVE-2019-14904",
            "ALPINE-CVE-2019-14905",
            "ALPINE-CVE-2020-1737",
            "ALPINE-CVE-2024-22195",
            "ALPINE-GHSA-f7r5-w49x-gxm3",
            "ALPINE-GHSA-h6cc-rc6q-23j4",
        ]
    );
    let info = db.advisory_info("ALPINE-CVE-2024-22195").unwrap().unwrap();
    assert_eq!(info.aliases, vec!["CVE-2024-22195", "GHSA-h5c8-rqwp-cp95"]);
}
