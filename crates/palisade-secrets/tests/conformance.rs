//! Conformance over the labelled third-party secret corpora (gitleaks rule literals,
//! detect-secrets test tables, CredSweeper samples with their expected output), scored
//! through `tests/conformance/mapping.toml`. Prints recall and precision per provider and
//! requires both to be at least 95% over the mapped cases.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use palisade_secrets::{FileOutcome, Match, Scanner};
use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
struct Mapping {
    gitleaks: RulesSection,
    detect_secrets: Tables,
    credsweeper: RulesSection,
    #[serde(default)]
    explained: Vec<Explained>,
}

#[derive(Deserialize)]
struct RulesSection {
    rules: BTreeMap<String, Vec<String>>,
}

#[derive(Deserialize)]
struct Tables {
    tables: BTreeMap<String, Vec<String>>,
}

#[derive(Deserialize)]
struct Explained {
    corpus: String,
    case: String,
    reason: String,
}

#[derive(Default, Debug)]
struct Score {
    tp: usize,
    fn_: usize,
    fp: usize,
    tn: usize,
    explained: usize,
}

impl Score {
    fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
    fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    fn add(&mut self, o: &Score) {
        self.tp += o.tp;
        self.fn_ += o.fn_;
        self.fp += o.fp;
        self.tn += o.tn;
        self.explained += o.explained;
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

fn corpus_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("PALISADE_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../../shared/corpus"
            ))
        });
    dir.join("secrets-gitleaks").is_dir().then_some(dir)
}

fn mapping() -> Mapping {
    toml::from_str(include_str!("conformance/mapping.toml")).expect("mapping.toml parses")
}

struct Run {
    scanner: Scanner,
    mapping: Mapping,
    scores: BTreeMap<String, Score>,
    misses: Vec<String>,
    explained_used: BTreeSet<String>,
}

impl Run {
    fn new() -> Self {
        Run {
            scanner: Scanner::builtin().unwrap(),
            mapping: mapping(),
            scores: BTreeMap::new(),
            misses: Vec::new(),
            explained_used: BTreeSet::new(),
        }
    }

    fn explanation(&mut self, corpus: &str, case: &str) -> Option<String> {
        let e = self.mapping.explained.iter().find(|e| {
            e.corpus == corpus
                && match e.case.strip_suffix('*') {
                    Some(prefix) => case.starts_with(prefix),
                    None => e.case == case,
                }
        })?;
        self.explained_used
            .insert(format!("{corpus}: {case} — {}", e.reason));
        Some(e.reason.clone())
    }

    fn score(&mut self, bucket: &str) -> &mut Score {
        self.scores.entry(bucket.to_string()).or_default()
    }

    /// A labelled text: positives must be reported by one of `rules`, negatives by none.
    fn judge_text(
        &mut self,
        corpus: &str,
        bucket: &str,
        text: &str,
        positive: bool,
        rules: &[String],
    ) {
        let found = self.scanner.scan_bytes("case.txt", text.as_bytes());
        let hit = found
            .iter()
            .any(|m| rules.iter().any(|r| **r == *m.rule_id));
        // Negatives of a mapped corpus rule must not be reported by the mapped rules; other
        // negatives must not be reported by any rule.
        let any = if rules.is_empty() {
            !found.is_empty()
        } else {
            hit
        };
        let short: String = text.chars().take(110).collect();
        match (positive, hit, any) {
            (true, true, _) => self.score(bucket).tp += 1,
            (true, false, _) => {
                if self.explanation(corpus, text).is_some() {
                    self.score(bucket).explained += 1;
                } else {
                    self.score(bucket).fn_ += 1;
                    self.misses.push(format!(
                        "{corpus} [{bucket}] missed: {}",
                        short.escape_debug()
                    ));
                }
            }
            (false, _, true) => {
                if self.explanation(corpus, text).is_some() {
                    self.score(bucket).explained += 1;
                } else {
                    self.score(bucket).fp += 1;
                    let ids: Vec<_> = found.iter().map(|m| m.rule_id.to_string()).collect();
                    self.misses.push(format!(
                        "{corpus} [{bucket}] false positive {ids:?}: {}",
                        short.escape_debug()
                    ));
                }
            }
            (false, _, false) => self.score(bucket).tn += 1,
        }
    }
}

fn gitleaks(run: &mut Run, corpus: &Path) {
    let text =
        std::fs::read_to_string(corpus.join("secrets-gitleaks/rule_literal_tps_fps.json")).unwrap();
    let rules: Vec<Value> = serde_json::from_str(&text).unwrap();
    for r in rules {
        let id = r["rule_id"].as_str().unwrap().to_string();
        let mapped = run.mapping.gitleaks.rules.get(&id).cloned();
        let bucket = format!(
            "gitleaks/{}",
            if mapped.is_some() {
                id.as_str()
            } else {
                "(unmapped: negatives only)"
            }
        );
        for tp in r["tps"].as_array().unwrap() {
            if let Some(rules) = &mapped {
                run.judge_text("gitleaks", &bucket, tp.as_str().unwrap(), true, rules);
            }
        }
        for fp in r["fps"].as_array().unwrap() {
            let rules = mapped.clone().unwrap_or_default();
            run.judge_text("gitleaks", &bucket, fp.as_str().unwrap(), false, &rules);
        }
    }
}

fn detect_secrets(run: &mut Run, corpus: &Path) {
    let text =
        std::fs::read_to_string(corpus.join("secrets-detect-secrets/labelled_cases.json")).unwrap();
    let tables: Vec<Value> = serde_json::from_str(&text).unwrap();
    for t in tables {
        let key = format!(
            "{}::{}",
            t["test_file"].as_str().unwrap(),
            t["class_or_function"].as_str().unwrap()
        );
        let Some(rules) = run.mapping.detect_secrets.tables.get(&key).cloned() else {
            continue;
        };
        let params: Vec<&str> = t["params"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap())
            .collect();
        let flag_at = params
            .iter()
            .position(|p| matches!(*p, "should_flag" | "expected_result" | "result"));
        let bucket = format!("detect-secrets/{}", key.rsplit('/').next().unwrap());
        for case in t["cases"].as_array().unwrap() {
            let Some(payload) = case[0].as_str() else {
                continue;
            };
            let positive = match flag_at {
                Some(i) => match case[i].as_bool() {
                    Some(b) => b,
                    None => continue,
                },
                None => true,
            };
            run.judge_text("detect-secrets", &bucket, payload, positive, &rules);
        }
    }
}

fn credsweeper(run: &mut Run, corpus: &Path) {
    let root = corpus.join("secrets-credsweeper");
    let samples = root.join("samples");
    let mut expected_any: BTreeSet<(String, u32)> = BTreeSet::new();
    for f in ["output.json", "no_ml.json", "depth_3_pedantic.json"] {
        let text = std::fs::read_to_string(root.join("data").join(f)).unwrap();
        let items: Vec<Value> = serde_json::from_str(&text).unwrap();
        for it in items {
            for ld in it["line_data_list"].as_array().unwrap() {
                let path = ld["path"]
                    .as_str()
                    .unwrap()
                    .trim_start_matches("./tests/samples/");
                let path = path
                    .split('/')
                    .next()
                    .unwrap_or(path)
                    .split('!')
                    .next()
                    .unwrap();
                expected_any.insert((
                    path.to_string(),
                    ld["line_num"].as_u64().unwrap_or(0) as u32,
                ));
            }
        }
    }
    let mut per_file: HashMap<String, Option<Vec<Match>>> = HashMap::new();
    for entry in std::fs::read_dir(&samples).unwrap().filter_map(|e| e.ok()) {
        let name = entry.file_name().to_string_lossy().into_owned();
        let found = match run.scanner.scan_file(&entry.path(), &name, u64::MAX) {
            Ok(FileOutcome::Scanned(m)) => Some(m),
            _ => None,
        };
        per_file.insert(name, found);
    }
    let scan = |name: &str| -> Option<Vec<Match>> { per_file.get(name).cloned().flatten() };
    let text = std::fs::read_to_string(root.join("data/output.json")).unwrap();
    let items: Vec<Value> = serde_json::from_str(&text).unwrap();
    // One expected item is one secret, possibly spread over several lines (a PEM key):
    // it is found when a Palisade match covers any of its lines.
    for it in &items {
        let category = it["rule"].as_str().unwrap().to_string();
        if !run.mapping.credsweeper.rules.contains_key(&category) {
            continue;
        }
        let mut lines: Vec<(String, u32)> = Vec::new();
        for ld in it["line_data_list"].as_array().unwrap() {
            let raw = ld["path"]
                .as_str()
                .unwrap()
                .trim_start_matches("./tests/samples/");
            if raw.contains('/') || raw.contains('!') {
                continue; // inside an archive or a directory sample: deep scanning only
            }
            lines.push((raw.to_string(), ld["line_num"].as_u64().unwrap_or(0) as u32));
        }
        let Some((path, first_line)) = lines.first().cloned() else {
            continue;
        };
        let bucket = format!("credsweeper/{category}");
        let case = format!("{path}:{first_line}");
        match scan(&path) {
            None => {
                run.score(&bucket).explained += 1;
                run.explained_used.insert(format!(
                    "credsweeper: {case} (binary, archive or omitted sample: not text)"
                ));
            }
            Some(found) => {
                let covered = lines.iter().any(|(p, l)| {
                    *p == path && found.iter().any(|m| m.line <= *l && *l <= m.end_line)
                });
                if covered {
                    run.score(&bucket).tp += 1;
                } else if run.explanation("credsweeper", &case).is_some() {
                    run.score(&bucket).explained += 1;
                } else {
                    run.score(&bucket).fn_ += 1;
                    run.misses
                        .push(format!("credsweeper [{category}] missed {case}"));
                }
            }
        }
    }
    // Precision: everything Palisade reports on the samples must be a line CredSweeper
    // also reports in one of its modes.
    let mut names: Vec<String> = std::fs::read_dir(&samples)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for name in names {
        for m in scan(&name).unwrap_or_default() {
            let bucket = format!("credsweeper-precision/{}", m.rule_id);
            let case = format!("{name}:{}", m.line);
            if (m.line..=m.end_line).any(|l| expected_any.contains(&(name.clone(), l))) {
                run.score(&bucket).tp += 1;
            } else if run.explanation("credsweeper", &case).is_some() {
                run.score(&bucket).explained += 1;
            } else {
                run.score(&bucket).fp += 1;
                run.misses.push(format!(
                    "credsweeper false positive {} at {case} ({})",
                    m.rule_id, m.preview
                ));
            }
        }
    }
}

#[test]
fn recall_and_precision_on_labelled_corpora() {
    let Some(corpus) = corpus_dir() else {
        println!("SKIP: secret corpus not found (set PALISADE_CORPUS or place ../shared/corpus)");
        return;
    };
    let mut run = Run::new();
    gitleaks(&mut run, &corpus);
    detect_secrets(&mut run, &corpus);
    credsweeper(&mut run, &corpus);

    println!(
        "{:<62} {:>4} {:>4} {:>4} {:>4} {:>4} {:>7} {:>9}",
        "provider", "tp", "fn", "fp", "tn", "expl", "recall", "precision"
    );
    let mut recall_total = Score::default();
    let mut precision_total = Score::default();
    for (bucket, s) in &run.scores {
        println!(
            "{bucket:<62} {:>4} {:>4} {:>4} {:>4} {:>4} {:>6.1}% {:>8.1}%",
            s.tp,
            s.fn_,
            s.fp,
            s.tn,
            s.explained,
            100.0 * s.recall(),
            100.0 * s.precision()
        );
        if bucket.starts_with("credsweeper-precision/") {
            precision_total.fp += s.fp;
            precision_total.tp += s.tp;
        } else {
            recall_total.add(s);
        }
    }
    for m in &run.misses {
        println!("  {m}");
    }
    println!("explained (not scored):");
    for e in &run.explained_used {
        println!("  {e}");
    }
    let labelled_precision = ratio(recall_total.tp, recall_total.tp + recall_total.fp);
    let recall = recall_total.recall();
    let sample_precision = precision_total.precision();
    let with_explained = ratio(
        recall_total.tp,
        recall_total.tp + recall_total.fn_ + recall_total.explained,
    );
    println!(
        "TOTAL recall {:.1}% (with explained cases counted as misses: {:.1}%), precision on labelled cases {:.1}%, precision on CredSweeper samples {:.1}% ({} findings)",
        100.0 * recall,
        100.0 * with_explained,
        100.0 * labelled_precision,
        100.0 * sample_precision,
        precision_total.tp + precision_total.fp
    );
    assert!(recall >= 0.95, "recall {recall:.3} < 0.95");
    assert!(
        labelled_precision >= 0.95,
        "precision {labelled_precision:.3} < 0.95"
    );
    assert!(
        sample_precision >= 0.95,
        "sample precision {sample_precision:.3} < 0.95"
    );
}
