//! Conformance over the labelled Dockerfile fixtures of KICS, Checkov and Trivy in the
//! shared corpus, following the mapping table of `CONFORMANCE.md`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use palisade_dockerfile::scan_dockerfile;

/// Rows of the markdown table that follows `heading` in CONFORMANCE.md.
fn table(heading: &str) -> Vec<Vec<String>> {
    let text = include_str!("../CONFORMANCE.md");
    let start = text.find(heading).expect("heading in CONFORMANCE.md");
    text[start..]
        .lines()
        .skip(1)
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2)
        .map(|l| {
            l.trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect()
}

struct Fixture {
    source: &'static str,
    check: String,
    name: String,
    text: String,
    positive: bool,
    /// Expected lines (KICS only).
    expected_lines: Vec<u32>,
}

fn kics(corpus: &Path, checks: &BTreeSet<String>) -> Vec<Fixture> {
    let mut out = Vec::new();
    for check in checks {
        let dir = corpus
            .join("misconfig-kics/dockerfile")
            .join(check)
            .join("test");
        let Ok(entries) = std::fs::read_dir(&dir) else {
            panic!("missing KICS fixture dir {}", dir.display());
        };
        let expected: Vec<serde_json::Value> =
            std::fs::read_to_string(dir.join("positive_expected_result.json"))
                .ok()
                .and_then(|t| serde_json::from_str(&t).ok())
                .unwrap_or_default();
        let mut files: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        files.sort();
        let positives = files
            .iter()
            .filter(|p| {
                p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with("positive")
                    && p.extension().is_none_or(|e| e != "json")
            })
            .count();
        for path in files {
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if name.ends_with(".json") {
                continue;
            }
            let positive = name.starts_with("positive");
            let expected_lines = expected
                .iter()
                .filter(|e| match e.get("fileName").and_then(|f| f.as_str()) {
                    Some(f) => f == name,
                    None => positives == 1,
                })
                .filter_map(|e| e.get("line").and_then(|l| l.as_u64()).map(|l| l as u32))
                .collect();
            out.push(Fixture {
                source: "kics",
                check: check.clone(),
                text: std::fs::read_to_string(&path).unwrap(),
                name,
                positive,
                expected_lines,
            });
        }
    }
    out
}

fn checkov(corpus: &Path, checks: &BTreeSet<String>) -> Vec<Fixture> {
    let expected: Vec<serde_json::Value> = serde_json::from_str(
        &std::fs::read_to_string(corpus.join("misconfig-checkov/expected_results.json")).unwrap(),
    )
    .unwrap();
    let mut out = Vec::new();
    for entry in expected {
        let Some(id) = entry.get("check_id").and_then(|c| c.as_str()) else {
            continue;
        };
        if !checks.contains(id) {
            continue;
        }
        let module = entry["check_module"].as_str().unwrap();
        let class = module.rsplit('.').next().unwrap();
        let dir = corpus
            .join("misconfig-checkov/dockerfile/checks")
            .join(format!("example_{class}"));
        let mut cases: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        cases.sort();
        for case in cases {
            let case_name = case.file_name().unwrap().to_string_lossy().to_string();
            let positive = case_name.starts_with("failure");
            let mut files: Vec<_> = std::fs::read_dir(&case)
                .unwrap()
                .flatten()
                .map(|e| e.path())
                .collect();
            files.sort();
            for file in files {
                out.push(Fixture {
                    source: "checkov",
                    check: id.to_string(),
                    name: format!(
                        "{case_name}/{}",
                        file.file_name().unwrap().to_string_lossy()
                    ),
                    text: std::fs::read_to_string(&file).unwrap(),
                    positive,
                    expected_lines: Vec::new(),
                });
            }
        }
    }
    out
}

fn trivy(corpus: &Path, checks: &BTreeSet<String>) -> Vec<Fixture> {
    let base = corpus.join("misconfig-trivy-checks");
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(base.join("checks_metadata.json")).unwrap())
            .unwrap();
    let mut out = Vec::new();
    for (key, m) in meta.as_object().unwrap() {
        let Some(id) = m.pointer("/custom/id").and_then(|i| i.as_str()) else {
            continue;
        };
        if !checks.contains(id) || !key.starts_with("docker/") {
            continue;
        }
        let file = key.trim_start_matches("docker/").replace(".rego", ".yaml");
        let path = base.join("examples/docker").join(&file);
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let docs = palisade_yaml::load(&text).unwrap();
        let root = &docs[0].root;
        for (label, positive) in [("good", false), ("bad", true)] {
            let Some(list) = root.path(&["dockerfile", label]) else {
                continue;
            };
            for (n, item) in list.items().enumerate() {
                out.push(Fixture {
                    source: "trivy",
                    check: id.to_string(),
                    name: format!("{file}#{label}[{n}]"),
                    text: item.as_str().unwrap().to_string(),
                    positive,
                    expected_lines: Vec::new(),
                });
            }
        }
    }
    out
}

#[test]
fn conformance_with_kics_checkov_and_trivy() {
    let Some(corpus) = palisade_testkit::corpus("") else {
        return;
    };
    let mapping: BTreeMap<(String, String), Vec<String>> = table("## Mapping")
        .into_iter()
        .map(|r| {
            (
                (r[0].clone(), r[1].clone()),
                r[2].split_whitespace().map(String::from).collect(),
            )
        })
        .collect();
    let known: BTreeMap<(String, String, String), (String, String)> = table("## Known differences")
        .into_iter()
        .filter(|r| r.len() >= 5)
        .map(|r| {
            (
                (r[0].clone(), r[1].clone(), r[2].clone()),
                (r[3].clone(), r[4].clone()),
            )
        })
        .collect();
    let checks_of = |source: &str| -> BTreeSet<String> {
        mapping
            .keys()
            .filter(|(s, _)| s == source)
            .map(|(_, c)| c.clone())
            .collect()
    };
    let mut fixtures = kics(&corpus, &checks_of("kics"));
    fixtures.extend(checkov(&corpus, &checks_of("checkov")));
    fixtures.extend(trivy(&corpus, &checks_of("trivy")));

    #[derive(Default)]
    struct Tally {
        pos: usize,
        hit: usize,
        neg: usize,
        fp: usize,
    }
    let mut per_check: BTreeMap<(String, String), Tally> = BTreeMap::new();
    let mut undocumented = Vec::new();
    let mut documented_used = BTreeSet::new();
    let (mut lines_expected, mut lines_matched) = (0usize, 0usize);
    let mut line_diffs = Vec::new();
    for f in &fixtures {
        let key = (f.source.to_string(), f.check.clone());
        let rules = &mapping[&key];
        let findings = match scan_dockerfile(&f.name, &f.text) {
            Ok(found) => found.findings,
            Err(e) => panic!("{} {} {}: parse error: {e}", f.source, f.check, f.name),
        };
        let ours: Vec<_> = findings
            .iter()
            .filter(|x| rules.iter().any(|r| *r == x.rule_id))
            .collect();
        let t = per_check.entry(key.clone()).or_default();
        let fired = !ours.is_empty();
        if f.positive {
            t.pos += 1;
            t.hit += fired as usize;
        } else {
            t.neg += 1;
            t.fp += fired as usize;
        }
        if fired != f.positive {
            let k = (f.source.to_string(), f.check.clone(), f.name.clone());
            if known.contains_key(&k) {
                documented_used.insert(k);
            } else {
                let what = if f.positive { "miss" } else { "false positive" };
                let got: Vec<String> = ours
                    .iter()
                    .map(|x| {
                        format!(
                            "{}:{} {}",
                            x.rule_id,
                            x.location.line.unwrap_or(0),
                            x.message
                        )
                    })
                    .collect();
                undocumented.push(format!(
                    "{} {} {}: {what} {got:?}",
                    f.source, f.check, f.name
                ));
            }
        }
        if f.source == "kics" && f.positive {
            let our_lines: BTreeSet<u32> = ours.iter().filter_map(|x| x.location.line).collect();
            for l in &f.expected_lines {
                lines_expected += 1;
                if our_lines.contains(l) {
                    lines_matched += 1;
                } else {
                    line_diffs.push(format!(
                        "{} {}: KICS line {l}, ours {our_lines:?}",
                        f.check, f.name
                    ));
                }
            }
        }
    }

    println!(
        "{:<8} {:<45} {:>9} {:>9}",
        "source", "check", "recall", "fp-rate"
    );
    let (mut pos, mut hit, mut neg, mut fp) = (0, 0, 0, 0);
    for ((source, check), t) in &per_check {
        println!(
            "{source:<8} {check:<45} {:>4}/{:<4} {:>4}/{:<4}",
            t.hit, t.pos, t.fp, t.neg
        );
        pos += t.pos;
        hit += t.hit;
        neg += t.neg;
        fp += t.fp;
    }
    let recall = hit as f64 / pos.max(1) as f64;
    let fp_rate = fp as f64 / neg.max(1) as f64;
    println!(
        "TOTAL {} checks: recall {hit}/{pos} = {:.1}%, false positives {fp}/{neg} = {:.1}%",
        per_check.len(),
        recall * 100.0,
        fp_rate * 100.0
    );
    println!("KICS line agreement: {lines_matched}/{lines_expected}");
    for d in &line_diffs {
        println!("  line differs: {d}");
    }
    for ((s, c, f), (kind, reason)) in &known {
        println!("  known {kind}: {s} {c} {f}: {reason}");
    }
    let stale: Vec<_> = known
        .keys()
        .filter(|k| !documented_used.contains(*k))
        .collect();
    assert!(
        undocumented.is_empty(),
        "undocumented differences:\n{}",
        undocumented.join("\n")
    );
    assert!(
        stale.is_empty(),
        "CONFORMANCE.md lists differences that no longer happen: {stale:?}"
    );
    assert!(recall >= 0.95, "recall {recall:.3} < 0.95");
    assert!(fp_rate <= 0.05, "false-positive rate {fp_rate:.3} > 0.05");
    assert!(
        pos > 50 && neg > 50,
        "too few fixtures found: {pos} positives, {neg} negatives"
    );
}
