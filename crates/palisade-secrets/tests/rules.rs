//! Every built-in rule against its own fixtures: each `fail` text must be reported by the
//! rule, each `pass` text must not be. A rule without both kinds of fixtures fails here.

use std::collections::BTreeMap;

use palisade_secrets::{rules, Scanner};

#[derive(serde::Deserialize)]
struct Fixtures {
    fail: Vec<String>,
    pass: Vec<String>,
}

fn fixtures() -> BTreeMap<String, Fixtures> {
    let text = include_str!("fixtures/rule_fixtures.json");
    serde_json::from_str(text).expect("fixtures parse")
}

#[test]
fn every_rule_has_pass_and_fail_fixtures() {
    let fx = fixtures();
    let missing: Vec<_> = rules()
        .iter()
        .filter(|r| {
            fx.get(r.id)
                .is_none_or(|f| f.fail.is_empty() || f.pass.is_empty())
        })
        .map(|r| r.id)
        .collect();
    assert!(missing.is_empty(), "rules without fixtures: {missing:?}");
    assert!(rules().len() >= 120, "only {} rules", rules().len());
}

/// Whether `id` is in the ranges kept for this crate's detectors: SEC001–SEC199 and
/// SEC203–SEC299 minus SEC210. SEC200–SEC202 belong to the Kubernetes checks, SEC210 to
/// the RBAC checks and SEC300 and up to the template checks.
fn is_library_rule_id(id: &str) -> bool {
    let n: u32 = id[3..].parse().unwrap_or(0);
    (1..200).contains(&n) || ((203..300).contains(&n) && n != 210)
}

#[test]
fn every_rule_is_documented() {
    for r in rules() {
        for section in ["What it checks", "Why it matters", "Fix", "References"] {
            assert!(r.section(section).is_some(), "{} lacks ## {section}", r.id);
        }
        assert!(r.id.starts_with("SEC") && is_library_rule_id(r.id));
    }
}

#[test]
fn fail_fixtures_are_reported_and_pass_fixtures_are_not() {
    let scanner = Scanner::builtin().unwrap();
    let mut problems = Vec::new();
    for (id, fx) in fixtures() {
        for text in &fx.fail {
            let found = scanner.scan_bytes("fixture.txt", text.as_bytes());
            if !found.iter().any(|m| *m.rule_id == id) {
                let got: Vec<_> = found.iter().map(|m| m.rule_id.to_string()).collect();
                problems.push(format!(
                    "{id} missed (got {got:?}): {}",
                    text.escape_debug()
                ));
            }
            for m in &found {
                let secret = &text[m.start..m.end];
                assert!(
                    !m.preview.contains(secret),
                    "{id}: preview leaks the secret"
                );
            }
        }
        for text in &fx.pass {
            let found = scanner.scan_bytes("fixture.txt", text.as_bytes());
            if found.iter().any(|m| *m.rule_id == id) {
                problems.push(format!(
                    "{id} reported a pass fixture: {}",
                    text.escape_debug()
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
