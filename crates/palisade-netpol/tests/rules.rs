//! Every NET rule against its fixtures: `tests/fixtures/<RULE>/fail*.yaml` must raise the
//! rule, `pass*.yaml` must not; the findings of failing fixtures (with their evidence chains)
//! are snapshotted.

use crate::common;

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
    let rules = palisade_netpol::rules();
    let ids = rules.iter().map(|r| r.id);
    for (rule, lines) in palisade_testkit::rule_fixtures::run(&root, ids, findings_for) {
        insta::assert_snapshot!(rule, lines.join("\n"));
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
