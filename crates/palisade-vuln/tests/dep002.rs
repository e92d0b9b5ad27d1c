//! DEP002 fixtures: requirements that pin no single version are reported, one finding per
//! line, and a fully pinned file passes.

use palisade_core::{Practice, Severity};
use palisade_vuln::{lockfile, unpinned_findings};

const FIX: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/DEP002");

fn inventory(rel: &str) -> lockfile::Inventory {
    let path = format!("{FIX}/{rel}");
    let text = std::fs::read_to_string(&path).unwrap();
    lockfile::parse_inventory(&path, &text, &|_| None).unwrap()
}

/// Name, version and line of each inventoried (pinned) package.
fn pinned(inv: &lockfile::Inventory) -> Vec<(&str, &str, u32)> {
    inv.packages
        .iter()
        .map(|p| {
            (
                p.name.as_str(),
                p.version.as_str(),
                p.location.line.unwrap(),
            )
        })
        .collect()
}

#[test]
fn unpinned_requirements_fail_with_file_and_line() {
    let inv = inventory("fail/requirements.txt");
    let findings = unpinned_findings(&inv.unpinned);
    let got: Vec<(u32, &str, Option<&str>)> = findings
        .iter()
        .map(|f| {
            (
                f.location.line.unwrap(),
                f.message.split('`').nth(1).unwrap(),
                f.package.as_ref().map(|p| p.name.as_str()),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (2, "flask>=2.0", Some("flask")),
            (3, "requests", Some("requests")),
            (4, "django~=4.2", Some("django")),
            (5, "numpy==1.26.*", Some("numpy")),
            (6, "-e ./libs/internal", None),
            (
                7,
                "-e git+https://github.com/example/tool.git@v1.0#egg=tool",
                Some("tool")
            ),
            (
                8,
                "mypkg @ git+https://github.com/example/mypkg.git",
                Some("mypkg")
            ),
        ]
    );
    for f in &findings {
        assert_eq!(f.rule_id, "DEP002");
        assert_eq!(f.practice, Practice::Dep);
        assert_eq!(f.severity, Severity::Info);
        assert!(f.location.path.ends_with("fail/requirements.txt"));
        assert!(f.message.contains("cannot be checked for vulnerabilities"));
    }
    assert!(findings[0]
        .message
        .contains("a range, not one exact `==` version"));
    assert!(findings[1].message.contains("no version is given"));
    assert!(findings[5].message.contains("editable install"));

    // the pinned lines of the same file are still inventoried, a wheel URL by its file name
    let pinned = pinned(&inv);
    assert_eq!(
        pinned,
        vec![("urllib3", "2.0.7", 9), ("requests", "2.31.0", 11)]
    );
}

#[test]
fn fully_pinned_requirements_pass() {
    let inv = inventory("pass/requirements.txt");
    assert_eq!(unpinned_findings(&inv.unpinned), vec![]);
    let pinned = pinned(&inv);
    assert_eq!(
        pinned,
        vec![
            ("flask", "3.0.3", 3),
            ("requests", "2.32.3", 5),
            ("urllib3", "2.2.2", 6),
            ("calver-tool", "1!2.0.1", 8)
        ]
    );
}

#[test]
fn unpinned_lines_of_included_files_name_the_included_file() {
    let read = |p: &str| {
        p.ends_with("base.txt")
            .then(|| "# base\nsix\nattrs==23.1.0\n".to_string())
    };
    let inv =
        lockfile::parse_inventory("app/requirements.txt", "-r base.txt\nflask==3.0.3\n", &read)
            .unwrap();
    assert_eq!(inv.unpinned.len(), 1);
    assert_eq!(inv.unpinned[0].location.path, "app/base.txt");
    assert_eq!(inv.unpinned[0].location.line, Some(2));
    assert_eq!(inv.packages.len(), 2);
}

#[test]
fn credentials_in_requirement_urls_are_redacted_and_reported_as_secrets() {
    for (password, rule) in [
        ("Qm7vT2pLx9RwZ4kEj8Hs", "SEC092"),
        ("glpat-Xk3mQ8vR2pLz7NwY4tHc", "SEC021"),
    ] {
        let text = format!(
            "flask==3.0.3\ngit+https://ci:{password}@git.example.com/acme/lib.git#egg=lib\n"
        );
        let inv = lockfile::parse_inventory("requirements.txt", &text, &|_| None).unwrap();
        let findings = palisade_vuln::unpinned_findings(&inv.unpinned);
        let dep = findings.iter().find(|f| f.rule_id == "DEP002").unwrap();
        assert!(!dep.message.contains(password), "{}", dep.message);
        assert!(
            dep.message.contains("@git.example.com/acme/lib.git"),
            "{}",
            dep.message
        );
        let secret = findings
            .iter()
            .find(|f| f.rule_id == rule)
            .unwrap_or_else(|| panic!("no {rule} finding in {findings:#?}"));
        assert_eq!(secret.location.path, "requirements.txt");
        assert_eq!(secret.location.line, Some(2));
        assert!(!secret.message.contains(password), "{}", secret.message);
    }
}

#[test]
fn include_loops_through_symbolic_links_end_with_an_error() {
    // `sub -> .` makes sub/requirements.txt, sub/sub/requirements.txt ... all readable:
    // found by the lockfile fuzz target as a stack overflow
    let looping = |_: &str| Some("-r sub/requirements.txt\nflask==3.0.3\n".to_string());
    let err = lockfile::parse_inventory("requirements.txt", "-r sub/requirements.txt\n", &looping)
        .unwrap_err();
    assert!(err.to_string().contains("include loop"), "{err}");
    assert_eq!(err.line, Some(1));
    // every file including two others: the number of files is bounded too
    let fan_out = |p: &str| Some(format!("-r {p}.a\n-r {p}.b\nsix==1.16.0\n"));
    let err = lockfile::parse_inventory("requirements.txt", "-r r\n", &fan_out).unwrap_err();
    assert!(err.to_string().contains("more than 256 files"), "{err}");
}
