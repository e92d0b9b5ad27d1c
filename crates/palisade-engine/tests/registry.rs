//! The whole rule registry of a build, checked once for every crate: ids unique and well
//! formed, each rule's documentation complete (what `palisade rule ID` and docs/rules.md
//! print, and what each finding's remediation quotes).

use std::collections::HashSet;

#[test]
fn every_rule_has_a_unique_well_formed_id_and_complete_documentation() {
    // registry() refuses a duplicate id across crates
    let registry = palisade_engine::registry();
    assert!(registry.len() > 100, "{} rules", registry.len());
    let mut seen = HashSet::new();
    let mut problems = Vec::new();
    for rule in registry.iter() {
        if !seen.insert(rule.id) {
            problems.push(format!("{}: listed twice", rule.id));
        }
        let code = rule.practice.code();
        let well_formed = rule
            .id
            .strip_prefix(code)
            .is_some_and(|n| n.len() == 3 && n.bytes().all(|b| b.is_ascii_digit()));
        if !well_formed {
            problems.push(format!("{}: id is not {code} + 3 digits", rule.id));
        }
        if rule.title.trim().is_empty() {
            problems.push(format!("{}: no title", rule.id));
        }
        for section in ["What it checks", "Why it matters"] {
            if rule.section(section).is_none_or(|s| s.trim().is_empty()) {
                problems.push(format!("{}: no `## {section}` section", rule.id));
            }
        }
        if rule.fix().is_none_or(|f| f.trim().is_empty()) {
            problems.push(format!("{}: no `## Fix` section", rule.id));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
