//! CVSS scores (computed by RustSec's `cvss` crate) against a reference implementation:
//! Red Hat's `cvss` Python package (its authors co-wrote FIRST's v4.0 calculator),
//! installed by `.ci/install.d/40-vuln-reference-tools.sh`. Every CVSS v3.x and v4.0
//! vector in the corpus's real advisories, then generated v4.0 vectors (base, threat and
//! environmental metrics), one reference process per batch. A missing reference prints a
//! skip line.

use std::io::Write;
use std::process::{Command, Stdio};

use palisade_vuln::severity::{cvss3_base_score, cvss4_score};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

const REFERENCE: &str = r#"
import sys
from cvss import CVSS3, CVSS4
for line in sys.stdin:
    line = line.strip()
    try:
        print((CVSS4 if line.startswith("CVSS:4") else CVSS3)(line).base_score)
    except Exception:
        print("invalid")
"#;

fn reference_available() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import cvss"])
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !ok {
        // In CI a missing reference is a failure, not a test that passes without running.
        assert!(
            std::env::var_os("CI").is_none(),
            "Python `cvss` package not installed: .ci/install.d/40-vuln-reference-tools.sh installs it"
        );
        eprintln!("SKIP: Python `cvss` package not installed (run .ci/install.d/40-vuln-reference-tools.sh)");
    }
    ok
}

/// The reference's score for each vector (`None` where it rejects the vector).
fn reference_scores(vectors: &[String]) -> Vec<Option<f64>> {
    let mut child = Command::new("python3")
        .args(["-c", REFERENCE])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3");
    {
        let mut stdin = child.stdin.take().unwrap();
        for v in vectors {
            writeln!(stdin, "{v}").unwrap();
        }
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "reference failed");
    let scores: Vec<Option<f64>> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.trim().parse().ok())
        .collect();
    assert_eq!(scores.len(), vectors.len());
    scores
}

fn disagreements(vectors: &[String]) -> Vec<String> {
    let want = reference_scores(vectors);
    vectors
        .iter()
        .zip(want)
        .filter_map(|(v, w)| {
            let got = score(v);
            (got != w).then(|| format!("{v}: ours {got:?}, reference {w:?}"))
        })
        .collect()
}

/// Palisade's score of a v3.x or v4.0 vector.
fn score(vector: &str) -> Option<f64> {
    if vector.starts_with("CVSS:4") {
        cvss4_score(vector)
    } else {
        cvss3_base_score(vector)
    }
}

/// Every vector starting with `prefix` (`"CVSS:4.0/"`) in the corpus's advisory folders.
fn corpus_vectors(prefix: &str) -> Vec<String> {
    let mut out = std::collections::BTreeSet::new();
    for sub in [
        "advisories-rustsec/osv",
        "advisories-go-osv",
        "advisories-pypi-osv",
        "advisories-maven-ghsa-osv-scalibr",
    ] {
        let Some(dir) = palisade_testkit::corpus(sub) else {
            continue;
        };
        let mut stack = vec![dir];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                    continue;
                }
                let Ok(text) = std::fs::read_to_string(&p) else {
                    continue;
                };
                for (i, _) in text.match_indices(prefix) {
                    let rest = &text[i..];
                    let end = rest
                        .find(|c: char| c == '"' || c == '\'' || c.is_whitespace())
                        .unwrap_or(rest.len());
                    out.insert(rest[..end].to_string());
                }
            }
        }
    }
    out.into_iter().collect()
}

/// Every corpus vector starting with `prefix` parses and scores as the reference scores
/// it; there must be at least `at_least` of them.
fn corpus_agrees(prefix: &str, label: &str, at_least: usize) {
    let vectors = corpus_vectors(prefix);
    if vectors.is_empty() || !reference_available() {
        return;
    }
    assert!(
        vectors.len() >= at_least,
        "expected the corpus's {label} vectors, found {}",
        vectors.len()
    );
    for v in &vectors {
        assert!(score(v).is_some(), "real vector rejected: {v}");
    }
    let bad = disagreements(&vectors);
    assert!(
        bad.is_empty(),
        "{} of {} disagree:\n{}",
        bad.len(),
        vectors.len(),
        bad.join("\n")
    );
    eprintln!(
        "{} corpus CVSS {label} vectors agree with the reference",
        vectors.len()
    );
}

#[test]
fn corpus_vectors_score_like_the_reference() {
    corpus_agrees("CVSS:4.0/", "v4.0", 40);
}

#[test]
fn corpus_v3_vectors_score_like_the_reference() {
    corpus_agrees("CVSS:3.", "v3.x", 150);
}

fn metric(name: &'static str, values: &'static [&'static str]) -> BoxedStrategy<String> {
    proptest::sample::select(values)
        .prop_map(move |v| format!("/{name}:{v}"))
        .boxed()
}

fn optional(name: &'static str, values: &'static [&'static str]) -> BoxedStrategy<String> {
    prop_oneof![3 => Just(String::new()), 1 => metric(name, values)].boxed()
}

fn vector() -> BoxedStrategy<String> {
    let base = (
        metric("AV", &["N", "A", "L", "P"]),
        metric("AC", &["L", "H"]),
        metric("AT", &["N", "P"]),
        metric("PR", &["N", "L", "H"]),
        metric("UI", &["N", "P", "A"]),
        metric("VC", &["H", "L", "N"]),
        metric("VI", &["H", "L", "N"]),
        metric("VA", &["H", "L", "N"]),
        metric("SC", &["H", "L", "N"]),
        metric("SI", &["H", "L", "N"]),
        metric("SA", &["H", "L", "N"]),
    );
    let threat_env = (
        optional("E", &["X", "A", "P", "U"]),
        optional("CR", &["X", "H", "M", "L"]),
        optional("IR", &["X", "H", "M", "L"]),
        optional("AR", &["X", "H", "M", "L"]),
        optional("MAV", &["X", "N", "A", "L", "P"]),
        optional("MPR", &["X", "N", "L", "H"]),
        optional("MVC", &["X", "H", "L", "N"]),
        optional("MVI", &["X", "H", "L", "N"]),
        optional("MSI", &["X", "S", "H", "L", "N"]),
        optional("MSA", &["X", "S", "H", "L", "N"]),
    );
    (base, threat_env)
        .prop_map(|(b, t)| {
            let mut s = String::from("CVSS:4.0");
            for part in [b.0, b.1, b.2, b.3, b.4, b.5, b.6, b.7, b.8, b.9, b.10] {
                s.push_str(&part);
            }
            // environmental metrics in the specification's order
            for part in [t.0, t.1, t.2, t.3, t.4, t.5, t.6, t.7, t.8, t.9] {
                s.push_str(&part);
            }
            s
        })
        .boxed()
}

#[test]
fn generated_vectors_score_like_the_reference() {
    if !reference_available() {
        return;
    }
    // PALISADE_CVSS_CASES raises the number of 500-vector batches for a deeper local run
    let cases = std::env::var("PALISADE_CVSS_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(4);
    let mut runner = TestRunner::new(Config {
        cases,
        max_shrink_iters: 0,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&proptest::collection::vec(vector(), 500), |vectors| {
        let bad = disagreements(&vectors);
        prop_assert!(
            bad.is_empty(),
            "{} disagree:\n{}",
            bad.len(),
            bad.join("\n")
        );
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}
