//! Every NET rule against its fixtures: `tests/fixtures/<RULE>/fail*.yaml` must raise the
//! rule, `pass*.yaml` must not; the findings of failing fixtures (with their evidence chains)
//! are snapshotted.

mod common;

use std::fs;
use std::path::Path;

fn findings_for(path: &Path, rule: &str) -> Vec<String> {
    let text = fs::read_to_string(path).unwrap();
    let name = path.file_name().unwrap().to_string_lossy();
    let objs = common::objects(&name, &text);
    let refs: Vec<_> = objs.iter().collect();
    palisade_netpol::check(&refs, &palisade_netpol::Options::default())
        .findings
        .into_iter()
        .filter(|f| f.rule_id == rule)
        .map(|f| {
            let mut s = format!(
                "{}:{}:{} {} [{}] {}",
                f.location.path,
                f.location.line.unwrap_or(0),
                f.location.column.unwrap_or(0),
                f.location.resource.unwrap_or_default(),
                f.severity,
                f.message
            );
            for e in &f.evidence {
                s.push_str(&format!("\n    - {}", e.label));
            }
            s
        })
        .collect()
}

#[test]
fn every_rule_fails_its_fail_fixtures_and_passes_its_pass_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for rule in palisade_netpol::rules() {
        let dir = root.join(rule.id);
        let mut files: Vec<_> = fs::read_dir(&dir)
            .unwrap_or_else(|_| panic!("{} has no fixture folder {}", rule.id, dir.display()))
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        let (mut fails, mut passes) = (0, 0);
        let mut snapshot = Vec::new();
        for file in &files {
            let name = file.file_name().unwrap().to_string_lossy().to_string();
            let found = findings_for(file, rule.id);
            if name.starts_with("fail") {
                fails += 1;
                assert!(!found.is_empty(), "{}: {name} must raise it", rule.id);
                snapshot.extend(found);
            } else if name.starts_with("pass") {
                passes += 1;
                assert!(
                    found.is_empty(),
                    "{}: {name} must not raise it: {found:#?}",
                    rule.id
                );
            }
        }
        assert!(
            fails > 0 && passes > 0,
            "{} needs fail and pass fixtures",
            rule.id
        );
        insta::assert_snapshot!(rule.id, snapshot.join("\n"));
    }
}

#[test]
fn every_rule_has_complete_documentation() {
    for rule in palisade_netpol::rules() {
        for section in ["What it checks", "Why it matters", "Fix", "References"] {
            assert!(
                rule.section(section).is_some(),
                "{} lacks `## {section}`",
                rule.id
            );
        }
        assert!(
            !rule.references().is_empty(),
            "{} has no reference URL",
            rule.id
        );
    }
}
