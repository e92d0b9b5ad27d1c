//! Every Kubernetes rule against its fixtures: `tests/fixtures/<RULE>/fail*.yaml` must raise
//! the rule, `pass*.yaml` must not, and the findings of the failing fixtures are snapshotted.

use std::fs;
use std::path::Path;

use palisade_iac::kubernetes::{check, ManifestFile};

fn findings_for(path: &Path, rule: &str) -> Vec<String> {
    let text = fs::read_to_string(path).unwrap();
    let docs = palisade_yaml::load(&text).unwrap();
    let name = path.file_name().unwrap().to_string_lossy();
    let file = ManifestFile::new(&name, &text, docs);
    check(&[file])
        .findings
        .into_iter()
        .filter(|f| f.rule_id == rule)
        .map(|f| {
            format!(
                "{}:{}:{} {} [{}] {}",
                f.location.path,
                f.location.line.unwrap_or(0),
                f.location.column.unwrap_or(0),
                f.location.resource.unwrap_or_default(),
                f.severity,
                f.message
            )
        })
        .collect()
}

#[test]
fn every_rule_fails_its_fail_fixtures_and_passes_its_pass_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let rules = palisade_iac::rules();
    let ids = rules.iter().map(|r| r.id);
    for (rule, lines) in palisade_testkit::rule_fixtures::run(&root, ids, findings_for) {
        insta::assert_snapshot!(rule, lines.join("\n"));
    }
}

#[test]
fn every_rule_has_complete_documentation() {
    for rule in palisade_iac::rules() {
        for section in ["What it checks", "Why it matters", "Fix", "References"] {
            assert!(
                rule.section(section).is_some(),
                "{} lacks a `## {section}` section",
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
