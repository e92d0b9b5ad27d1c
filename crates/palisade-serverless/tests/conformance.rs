//! Conformance with Checkov and KICS over their labelled fixtures, as mapped in
//! `tests/conformance.md`. Prints recall and false-positive rate per mapped check.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use palisade_core::Finding;
use palisade_serverless::{scan_template, scan_terraform_module, ServerlessSettings};

fn settings() -> ServerlessSettings {
    ServerlessSettings {
        runtime_cutoff: Some("2025-06-01".into()),
        min_log_retention_days: 1,
        ..ServerlessSettings::default()
    }
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    // Checkov keeps some examples as single files (`...-FAILED.yaml`) beside folders.
    if dir.is_file() {
        return vec![dir.to_path_buf()];
    }
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Scans a directory the way the CLI would: `.tf` files of one folder as a module, every
/// other file on its own.
fn scan_dir(dir: &Path) -> Vec<Finding> {
    let files = files_under(dir);
    let mut findings = Vec::new();
    let mut by_folder: std::collections::BTreeMap<PathBuf, Vec<(String, String)>> =
        Default::default();
    for f in &files {
        let Ok(text) = std::fs::read_to_string(f) else {
            continue;
        };
        let path = f.to_string_lossy().to_string();
        if path.ends_with(".tf") || path.ends_with(".tf.json") {
            by_folder
                .entry(f.parent().unwrap().to_path_buf())
                .or_default()
                .push((path, text));
        } else {
            findings.extend(scan_template(&path, &text, &settings()).findings);
        }
    }
    for (_, module) in by_folder {
        let refs: Vec<(&str, &str)> = module
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .collect();
        findings.extend(scan_terraform_module(&refs, &settings()).findings);
    }
    findings
}

/// Line span of each resource of a file: CloudFormation logical ids and Terraform addresses.
fn resource_spans(path: &Path) -> Vec<(String, u32, u32)> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    let p = path.to_string_lossy();
    let mut out = Vec::new();
    if p.ends_with(".tf") {
        let Ok(body) = hcl_edit::parser::parse_body(&text) else {
            return out;
        };
        let line_of = |off: usize| text[..off.min(text.len())].matches('\n').count() as u32 + 1;
        for b in body.blocks() {
            use hcl_edit::Span;
            if b.ident.value().as_str() != "resource" || b.labels.len() < 2 {
                continue;
            }
            if let Some(s) = b.span() {
                out.push((
                    format!("{}.{}", b.labels[0].as_str(), b.labels[1].as_str()),
                    line_of(s.start),
                    line_of(s.end),
                ));
            }
        }
        return out;
    }
    let Ok(docs) = palisade_yaml::load(&text) else {
        return out;
    };
    for d in docs {
        let Some(res) = d.root.get("Resources") else {
            continue;
        };
        let entries: Vec<(String, u32, String)> = res
            .entries()
            .map(|(k, v)| {
                (
                    k.to_string(),
                    v.pos.line,
                    v.get("Type")
                        .and_then(|t| t.as_str())
                        .unwrap_or("")
                        .to_string(),
                )
            })
            .collect();
        for (i, (name, _, ty)) in entries.iter().enumerate() {
            let start = res.entry(name).map(|(k, _)| k.pos.line).unwrap_or(0);
            let end = entries
                .get(i + 1)
                .map(|n| res.entry(&n.0).map(|(k, _)| k.pos.line).unwrap_or(u32::MAX) - 1)
                .unwrap_or(u32::MAX);
            out.push((format!("{ty}.{name}"), start, end));
        }
    }
    out
}

#[derive(Default)]
struct Score {
    tp: usize,
    fn_: usize,
    fp: usize,
    tn: usize,
    misses: Vec<String>,
}

struct Row {
    /// Resource family of a platform row (`network`, `buckets`...); `None` in the
    /// serverless table.
    family: Option<String>,
    kind: String,
    check: String,
    fixtures: String,
    rules: Vec<String>,
}

fn rows() -> Vec<Row> {
    parse_rows(include_str!("conformance.md"), false)
}

/// Rows of a mapping table; with `family`, the first column names the resource family.
fn parse_rows(text: &str, family: bool) -> Vec<Row> {
    let skip = usize::from(family);
    text.lines()
        .filter(|l| l.starts_with('|'))
        .map(|l| {
            l.trim_matches('|')
                .split('|')
                .map(str::trim)
                .collect::<Vec<_>>()
        })
        .filter(|cells| {
            cells.len() > 3 + skip
                && ["checkov", "kics", "trivy"]
                    .iter()
                    .any(|k| cells[skip].starts_with(k))
        })
        .map(|cells| Row {
            family: family.then(|| cells[0].to_string()),
            kind: cells[skip].into(),
            check: cells[skip + 1].into(),
            fixtures: cells[skip + 2].into(),
            rules: cells[skip + 3]
                .split(',')
                .map(|s| s.trim().to_string())
                .collect(),
        })
        .collect()
}

/// `RULE`, `RULE@severity` (only findings of that severity) or `RULE~a/b` (only findings
/// whose message contains `a` or `b`, for checks about one port of a rule that covers many).
fn matches(f: &Finding, rules: &[String]) -> bool {
    rules.iter().any(|r| {
        if let Some((id, words)) = r.split_once('~') {
            return id == f.rule_id && words.split('/').any(|w| f.message.contains(w));
        }
        match r.split_once('@') {
            Some((id, sev)) => id == f.rule_id && f.severity.as_str() == sev,
            None => *r == f.rule_id,
        }
    })
}

#[test]
fn checkov_and_kics_conformance() {
    let Some(corpus) = palisade_testkit::corpus("") else {
        return;
    };
    let checkov_expected: Vec<serde_json::Value> = serde_json::from_str(
        &std::fs::read_to_string(corpus.join("misconfig-checkov/expected_results.json")).unwrap(),
    )
    .unwrap();
    let mut total = Score::default();
    println!("{:<70} {:>8} {:>8}", "check", "recall", "FP rate");
    for row in rows() {
        let s = score(&row, &corpus, &checkov_expected);
        let recall = s.tp as f64 / (s.tp + s.fn_).max(1) as f64;
        let fpr = s.fp as f64 / (s.fp + s.tn).max(1) as f64;
        println!(
            "{:<70} {:>7.0}% {:>7.0}%  ({} fail, {} pass)",
            format!(
                "{} {}",
                row.check.rsplit('/').next().unwrap(),
                row.rules.join(",")
            ),
            recall * 100.0,
            fpr * 100.0,
            s.tp + s.fn_,
            s.fp + s.tn
        );
        for m in &s.misses {
            println!("    {m}");
        }
        total.tp += s.tp;
        total.fn_ += s.fn_;
        total.fp += s.fp;
        total.tn += s.tn;
    }
    let recall = total.tp as f64 / (total.tp + total.fn_).max(1) as f64;
    let fpr = total.fp as f64 / (total.fp + total.tn).max(1) as f64;
    println!(
        "TOTAL recall {:.1}% ({} of {}), FP rate {:.1}% ({} of {})",
        recall * 100.0,
        total.tp,
        total.tp + total.fn_,
        fpr * 100.0,
        total.fp,
        total.fp + total.tn
    );
    assert!(
        total.tp + total.fn_ > 30,
        "too few labelled failures found; corpus layout changed?"
    );
    assert!(recall >= 0.90, "recall {recall:.3} below 90%");
    assert!(fpr <= 0.05, "false-positive rate {fpr:.3} above 5%");
}

/// Scans the fixtures of one mapped check and compares with their labels.
fn score(row: &Row, corpus: &Path, checkov_expected: &[serde_json::Value]) -> Score {
    let mut s = Score::default();
    match row.kind.as_str() {
        "checkov-resources" => {
            let dir = corpus.join("misconfig-checkov").join(&row.fixtures);
            let findings = scan_dir(&dir);
            let spans: Vec<(PathBuf, String, u32, u32)> = files_under(&dir)
                .into_iter()
                .flat_map(|f| {
                    resource_spans(&f)
                        .into_iter()
                        .map(move |(n, a, b)| (f.clone(), n, a, b))
                })
                .collect();
            let exp = checkov_expected
                .iter()
                .find(|e| e["test_file"] == row.check.as_str())
                .expect("check in expected_results.json");
            let flagged = |res: &str| -> bool {
                spans
                    .iter()
                    .filter(|(_, n, _, _)| n == res)
                    .any(|(file, _, a, b)| {
                        findings.iter().any(|f| {
                            matches(f, &row.rules)
                                && Path::new(&f.location.path) == file.as_path()
                                && f.location.line.is_some_and(|l| l >= *a && l <= *b)
                        })
                    })
            };
            for r in exp["failing_resources"].as_array().unwrap() {
                let r = r.as_str().unwrap();
                if flagged(r) {
                    s.tp += 1
                } else {
                    s.fn_ += 1;
                    s.misses.push(format!("missed {r}"))
                }
            }
            for r in exp["passing_resources"].as_array().unwrap() {
                let r = r.as_str().unwrap();
                if flagged(r) {
                    s.fp += 1;
                    s.misses.push(format!("false positive {r}"))
                } else {
                    s.tn += 1
                }
            }
        }
        "checkov-dirs" => {
            let dir = corpus.join("misconfig-checkov").join(&row.fixtures);
            for sub in std::fs::read_dir(&dir)
                .unwrap()
                .flatten()
                .map(|e| e.path())
                .collect::<BTreeSet<_>>()
            {
                let name = sub.file_name().unwrap().to_string_lossy().to_string();
                let hit = scan_dir(&sub).iter().any(|f| matches(f, &row.rules));
                if name.contains("FAILED") {
                    if hit {
                        s.tp += 1
                    } else {
                        s.fn_ += 1;
                        s.misses.push(format!("missed {name}"))
                    }
                } else if hit {
                    s.fp += 1;
                    s.misses.push(format!("false positive {name}"))
                } else {
                    s.tn += 1
                }
            }
        }
        "kics" => {
            let dir = corpus
                .join("misconfig-kics")
                .join(&row.fixtures)
                .join("test");
            for file in files_under(&dir) {
                let name = file.file_name().unwrap().to_string_lossy().to_string();
                if name.ends_with(".json") && name.contains("expected") {
                    continue;
                }
                let hit = scan_dir_single(&file)
                    .iter()
                    .any(|f| matches(f, &row.rules));
                if name.starts_with("positive") {
                    if hit {
                        s.tp += 1
                    } else {
                        s.fn_ += 1;
                        s.misses.push(format!("missed {name}"))
                    }
                } else if name.starts_with("negative") {
                    if hit {
                        s.fp += 1;
                        s.misses.push(format!("false positive {name}"))
                    } else {
                        s.tn += 1
                    }
                }
            }
        }
        "trivy" | "trivy-as-function-app" => {
            let file = corpus.join("misconfig-trivy-checks").join(&row.fixtures);
            let text = std::fs::read_to_string(&file).unwrap();
            let docs = palisade_yaml::load(&text).unwrap();
            // `trivy` rows also run the CloudFormation examples when the file has them.
            let formats: &[&str] = if row.kind == "trivy" {
                &["terraform", "cloudformation"]
            } else {
                &["terraform"]
            };
            assert!(
                formats.iter().any(|f| docs[0].root.get(f).is_some()),
                "{}: no {} examples",
                row.fixtures,
                formats.join(" or ")
            );
            for (format, tf) in formats
                .iter()
                .filter_map(|f| Some((*f, docs[0].root.get(f)?)))
            {
                for (label, failing) in [("bad", true), ("good", false)] {
                    let Some(list) = tf.get(label) else { continue };
                    for (i, example) in list.items().enumerate() {
                        let mut hcl = example.as_str().unwrap_or("").to_string();
                        if row.kind == "trivy-as-function-app" {
                            // The App Service checks judge the same site settings on web
                            // apps; the legacy web app and function app resources share
                            // their schema and defaults, so each example is read as a
                            // function app of its generation.
                            hcl = hcl
                                .replace("\"azurerm_app_service\"", "\"azurerm_function_app\"")
                                .replace(
                                    "\"azurerm_linux_web_app\"",
                                    "\"azurerm_linux_function_app\"",
                                );
                        }
                        let findings = if format == "terraform" {
                            let path = format!("{}#{label}{i}.tf", file.display());
                            scan_terraform_module(&[(path.as_str(), hcl.as_str())], &settings())
                                .findings
                        } else {
                            let path = format!("{}#{label}{i}.yaml", file.display());
                            scan_template(&path, &hcl, &settings()).findings
                        };
                        let hit = findings.iter().any(|f| matches(f, &row.rules));
                        match (failing, hit) {
                            (true, true) => s.tp += 1,
                            (true, false) => {
                                s.fn_ += 1;
                                s.misses.push(format!("missed {format} {label}[{i}]"))
                            }
                            (false, true) => {
                                s.fp += 1;
                                s.misses
                                    .push(format!("false positive {format} {label}[{i}]"))
                            }
                            (false, false) => s.tn += 1,
                        }
                    }
                }
            }
        }
        other => panic!("unknown kind {other}"),
    }
    s
}

/// The platform families (`tests/conformance-platform.md`): recall and false-positive
/// rate per family, each held to the 95% / 5%.
#[test]
fn platform_conformance() {
    let Some(corpus) = palisade_testkit::corpus("") else {
        return;
    };
    let checkov_expected: Vec<serde_json::Value> = serde_json::from_str(
        &std::fs::read_to_string(corpus.join("misconfig-checkov/expected_results.json")).unwrap(),
    )
    .unwrap();
    let table = include_str!("conformance-platform.md");
    // Labels the table documents as wrong or out of scope: `- `check :: item` why`.
    let accepted: Vec<(String, String)> = table
        .split('`')
        .skip(1)
        .step_by(2)
        .filter_map(|k| k.split_once(" :: "))
        .map(|(c, i)| (c.to_string(), i.to_string()))
        .collect();
    let mut families: std::collections::BTreeMap<String, Score> = Default::default();
    let mut raw: std::collections::BTreeMap<String, Score> = Default::default();
    for row in parse_rows(table, true) {
        let mut s = score(&row, &corpus, &checkov_expected);
        let family = row.family.clone().unwrap_or_default();
        let r = raw.entry(family).or_default();
        r.tp += s.tp;
        r.fn_ += s.fn_;
        r.fp += s.fp;
        r.tn += s.tn;
        let name = row.check.rsplit('/').next().unwrap().to_string();
        for m in std::mem::take(&mut s.misses) {
            let (missed, item) = match m.strip_prefix("missed ") {
                Some(i) => (true, i.to_string()),
                None => (false, m.trim_start_matches("false positive ").to_string()),
            };
            if accepted.iter().any(|(c, i)| *c == name && *i == item) {
                // Documented disagreement: counted neither way.
                if missed {
                    s.fn_ -= 1;
                } else {
                    s.fp -= 1;
                }
                s.misses.push(format!("{m} (documented difference)"));
            } else {
                s.misses.push(m);
            }
        }
        println!(
            "{:<10} {:<60} {}/{} failing found, {}/{} passing flagged",
            row.family.as_deref().unwrap_or(""),
            format!(
                "{} {}",
                row.check.rsplit('/').next().unwrap(),
                row.rules.join(",")
            ),
            s.tp,
            s.tp + s.fn_,
            s.fp,
            s.fp + s.tn
        );
        for m in &s.misses {
            println!("    {m}");
        }
        let f = families
            .entry(row.family.clone().unwrap_or_default())
            .or_default();
        f.tp += s.tp;
        f.fn_ += s.fn_;
        f.fp += s.fp;
        f.tn += s.tn;
    }
    for (family, s) in &raw {
        println!(
            "RAW    {family:<10} recall {:.1}% ({} of {}), FP rate {:.1}% ({} of {})",
            s.tp as f64 * 100.0 / (s.tp + s.fn_).max(1) as f64,
            s.tp,
            s.tp + s.fn_,
            s.fp as f64 * 100.0 / (s.fp + s.tn).max(1) as f64,
            s.fp,
            s.fp + s.tn
        );
    }
    let mut failures = Vec::new();
    for (family, s) in &families {
        let recall = s.tp as f64 / (s.tp + s.fn_).max(1) as f64;
        let fpr = s.fp as f64 / (s.fp + s.tn).max(1) as f64;
        println!(
            "FAMILY {family:<10} recall {:.1}% ({} of {}), FP rate {:.1}% ({} of {})",
            recall * 100.0,
            s.tp,
            s.tp + s.fn_,
            fpr * 100.0,
            s.fp,
            s.fp + s.tn
        );
        if s.tp + s.fn_ < 5 || recall < 0.95 || fpr > 0.05 {
            failures.push(format!("{family}: recall {recall:.3}, FP rate {fpr:.3}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("; "));
}

fn scan_dir_single(file: &Path) -> Vec<Finding> {
    let text = std::fs::read_to_string(file).unwrap_or_default();
    let path = file.to_string_lossy().to_string();
    // KICS names serverless files positive1.yml: give the detector the content check it needs.
    scan_template(&path, &text, &settings()).findings
}
