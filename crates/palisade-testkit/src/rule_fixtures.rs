//! The rule-fixture runner every rule crate's tests share: each rule has a folder
//! `tests/fixtures/<RULE>/` of `fail*` files that must raise it and `pass*` files that must
//! not, and the findings of the failing ones are returned for a snapshot.

use std::path::{Path, PathBuf};

/// Runs `judge` on each fixture of each rule in `rule_ids` under `root` and returns, per
/// rule and in the order given, the lines `judge` gave for its `fail*` fixtures (files in
/// name order). `judge(path, rule)` answers the rule's own findings in the file, one line
/// each. Panics, naming the rule and the file, when a `fail*` fixture gives nothing, a
/// `pass*` fixture gives anything, or a rule lacks either kind of fixture.
pub fn run<'a>(
    root: &Path,
    rule_ids: impl IntoIterator<Item = &'a str>,
    mut judge: impl FnMut(&Path, &str) -> Vec<String>,
) -> Vec<(&'a str, Vec<String>)> {
    let mut out = Vec::new();
    for rule in rule_ids {
        let dir = root.join(rule);
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{rule} has no fixture folder {}: {e}", dir.display()))
            .map(|e| e.expect("fixture folder entry").path())
            .collect();
        files.sort();
        let (mut fails, mut passes) = (0, 0);
        let mut lines = Vec::new();
        for file in &files {
            let name = file.file_name().unwrap_or_default().to_string_lossy();
            let found = judge(file, rule);
            if name.starts_with("fail") {
                fails += 1;
                assert!(!found.is_empty(), "{rule}: {name} must raise it");
                lines.extend(found);
            } else if name.starts_with("pass") {
                passes += 1;
                assert!(
                    found.is_empty(),
                    "{rule}: {name} must not raise it: {found:#?}"
                );
            }
        }
        assert!(
            fails > 0 && passes > 0,
            "{rule} needs fail and pass fixtures"
        );
        out.push((rule, lines));
    }
    out
}
