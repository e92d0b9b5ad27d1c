//! Pass and fail fixtures: each fixture names the rules it must raise (`# expect: ...`, in
//! the file or in a sibling `.expect` file for JSON) and must raise exactly those.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use palisade_serverless::{rules, scan_template, ServerlessSettings};

fn settings() -> ServerlessSettings {
    ServerlessSettings {
        runtime_cutoff: Some("2026-11-01".into()),
        ..ServerlessSettings::default()
    }
}

fn fixtures() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x != "expect") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn expected(path: &Path, text: &str) -> BTreeSet<String> {
    let header = if path.extension().is_some_and(|x| x == "json") {
        std::fs::read_to_string(path.with_extension("expect"))
            .expect("JSON fixture needs a .expect file")
    } else {
        text.to_string()
    };
    let line = header
        .lines()
        .find(|l| l.starts_with("# expect:"))
        .expect("fixture has # expect:");
    line["# expect:".len()..]
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

#[test]
fn every_fixture_raises_exactly_its_rules() {
    let mut failures = Vec::new();
    let mut covered = BTreeSet::new();
    for path in fixtures() {
        let text = std::fs::read_to_string(&path).unwrap();
        let scan = scan_template(&path.to_string_lossy(), &text, &settings());
        assert!(
            scan.errors.is_empty(),
            "{}: {:?}",
            path.display(),
            scan.errors
        );
        assert!(
            !scan.inventories.is_empty(),
            "{} was not recognised",
            path.display()
        );
        let got: BTreeSet<String> = scan
            .findings
            .iter()
            .map(|f| f.rule_id.to_string())
            .collect();
        let want = expected(&path, &text);
        covered.extend(want.iter().cloned());
        if got != want {
            failures.push(format!(
                "{}\n  missing: {:?}\n  unexpected: {:?}",
                path.display(),
                want.difference(&got).collect::<Vec<_>>(),
                got.difference(&want).collect::<Vec<_>>()
            ));
        }
        for f in &scan.findings {
            assert!(
                f.location.line.is_some_and(|l| l > 0),
                "{} finding without line: {f:?}",
                path.display()
            );
            assert!(f.location.resource.is_some());
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // FN009 compares a live function with its template (tests/drift.rs); FN010 needs a
    // deployed role's last use (tests/unused_roles.rs), FN011 the function's account and
    // FN012 a layer's policy (the palisade-cloud unit tests and the cloud aws tests).
    const LIVE_ONLY: &[&str] = &["FN009", "FN010", "FN011", "FN012"];
    for r in rules().into_iter().filter(|r| !LIVE_ONLY.contains(&r.id)) {
        assert!(covered.contains(r.id), "no fail fixture raises {}", r.id);
    }
}

#[test]
fn findings_of_the_cloudformation_fixture() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/cfn/fail.json");
    let text = std::fs::read_to_string(path).unwrap();
    let scan = scan_template("cfn/fail.json", &text, &settings());
    let lines: Vec<String> = scan
        .findings
        .iter()
        .map(|f| {
            format!(
                "{}:{} {} {} {} — {}",
                f.location.path,
                f.location.line.unwrap(),
                f.rule_id,
                f.severity,
                f.location.resource.as_deref().unwrap_or(""),
                f.message
            )
        })
        .collect();
    insta::assert_snapshot!(lines.join("\n"));
}

/// The findings of every fixture in `tests/fixtures/FOLDER`, one line each (with the
/// resource when `resources`), for a snapshot.
fn folder_findings(folder: &str, resources: bool) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(folder);
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    let mut lines = Vec::new();
    for name in names {
        let text = std::fs::read_to_string(dir.join(&name)).unwrap();
        let scan = scan_template(&name, &text, &settings());
        for f in &scan.findings {
            let resource = match (resources, f.location.resource.as_deref()) {
                (true, r) => format!(" {}", r.unwrap_or("")),
                (false, _) => String::new(),
            };
            lines.push(format!(
                "{}:{} {} {}{resource} — {}",
                f.location.path,
                f.location.line.unwrap(),
                f.rule_id,
                f.severity,
                f.message
            ));
        }
    }
    lines.join("\n")
}

/// Roles with permissions boundaries: capped grants are low and name what passes, blocked
/// ones are not reported, an unknown boundary caps nothing.
#[test]
fn findings_of_roles_with_permissions_boundaries() {
    insta::assert_snapshot!(folder_findings("boundaries", false));
}

#[test]
fn findings_of_layers_in_templates() {
    insta::assert_snapshot!(folder_findings("layers", true));
}

#[test]
fn findings_of_policies_named_by_roles() {
    insta::assert_snapshot!(folder_findings("named-policies", true));
}
