//! Conformance with `helm template`: every case of Helm's own `TestTemplateCmd`
//! (corpus `helm-template-golden`, `expected_renders.json`) rendered natively and compared
//! with its golden output, as text first, then as parsed documents when only the YAML
//! formatting differs. Cases where helm fails must fail here too.

use std::path::Path;

use palisade_helm::{render, RenderOptions};

/// Cases whose output is known to differ from the golden, with the reason.
const KNOWN_DISAGREEMENTS: &[(&str, &str)] = &[];

/// `helm template`'s arguments as the test passes them (single quotes, `--flag=value`).
fn words(args: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut any = false;
    for c in args.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => cur.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                any = true;
            }
            (None, ' ') => {
                if !cur.is_empty() || any {
                    out.push(std::mem::take(&mut cur));
                }
                any = false;
            }
            (None, c) => cur.push(c),
        }
    }
    if !cur.is_empty() || any {
        out.push(cur);
    }
    out
}

/// The options and chart path of a `helm template ...` command line.
fn options(base: &Path, args: &[String]) -> Result<(std::path::PathBuf, RenderOptions), String> {
    let mut o = RenderOptions::default();
    let mut positional = Vec::new();
    let mut i = 1; // past "template"
    while i < args.len() {
        let a = &args[i];
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (a.clone(), None),
        };
        let mut value = || -> Result<String, String> {
            if let Some(v) = inline.clone() {
                return Ok(v);
            }
            i += 1;
            args.get(i).cloned().ok_or(format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "--set" => o.set.push(value()?),
            "--set-string" => o.set_string.push(value()?),
            "--values" | "-f" => o.value_files.push(base.join(value()?)),
            "--name-template" => o.name_template = Some(value()?),
            "--kube-version" => o.kube_version = Some(value()?),
            "--api-versions" => o.api_versions.push(value()?),
            "--show-only" | "-s" => o.show_only.push(value()?),
            "--namespace" | "-n" => o.namespace = Some(value()?),
            "--include-crds" => o.include_crds = true,
            "--skip-tests" => o.skip_tests = true,
            "--debug" => {}
            f if f.starts_with('-') => return Err(format!("unknown flag {f}")),
            _ => positional.push(a.clone()),
        }
        i += 1;
    }
    let chart = match positional.as_slice() {
        [chart] => chart.clone(),
        [name, chart] => {
            o.release_name = Some(name.clone());
            chart.clone()
        }
        [] => return Err("\"helm template\" requires at least 1 argument".to_string()),
        _ => return Err("too many arguments".to_string()),
    };
    Ok((base.join(chart), o))
}

fn documents(text: &str) -> Vec<serde_json::Value> {
    text.split("\n---")
        .filter_map(|d| serde_yaml_neo::from_str::<serde_json::Value>(d).ok())
        .filter(|v| !v.is_null())
        .collect()
}

fn first_difference(text: &str, golden: &str) -> String {
    let line = text
        .lines()
        .zip(golden.lines())
        .position(|(a, b)| a != b)
        .unwrap_or(text.lines().count().min(golden.lines().count()));
    format!(
        "output differs at line {}: got {:?}, golden {:?}",
        line + 1,
        text.lines().nth(line),
        golden.lines().nth(line)
    )
}

#[test]
fn helm_template_goldens() {
    let Some(root) = palisade_testkit::corpus("helm-template-golden") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "corpus helm-template-golden not found (required when CI is set)"
        );
        eprintln!("SKIP helm conformance: corpus helm-template-golden not found");
        return;
    };
    let cases: Vec<serde_json::Value> = serde_json::from_str(
        &std::fs::read_to_string(root.join("expected_renders.json"))
            .expect("expected_renders.json"),
    )
    .expect("expected_renders.json parses");
    let base = root.join("pkg/cmd");
    let (mut identical, mut same_documents, mut errors_as_expected) = (0, 0, 0);
    let mut unexplained = Vec::new();
    for (n, case) in cases.iter().enumerate() {
        let name = format!("{n}: {}", case["name"].as_str().unwrap_or(""));
        let args = words(case["args"].as_str().unwrap_or(""));
        let want_error = case["want_error"].as_bool().unwrap_or(false);
        let golden = std::fs::read_to_string(root.join(case["golden"].as_str().unwrap_or("")))
            .expect("golden file");
        let got = options(&base, &args).and_then(|(chart, o)| {
            render(&chart, &o)
                .map(|r| r.text())
                .map_err(|e| e.to_string())
        });
        let verdict = match (got, want_error) {
            (Err(_), true) => {
                errors_as_expected += 1;
                continue;
            }
            (Ok(_), true) => "helm fails, palisade rendered".to_string(),
            (Err(e), false) => format!("palisade failed: {e}"),
            (Ok(text), false) if text == golden => {
                identical += 1;
                continue;
            }
            (Ok(text), false) if documents(&text) == documents(&golden) => {
                same_documents += 1;
                println!("FORMAT {name}: {}", first_difference(&text, &golden));
                continue;
            }
            (Ok(text), false) => first_difference(&text, &golden),
        };
        let known = KNOWN_DISAGREEMENTS.iter().any(|(case, _)| *case == name);
        println!(
            "DISAGREE {name}: {verdict}{}",
            if known { " (known)" } else { "" }
        );
        if !known {
            unexplained.push(format!("{name}: {verdict}"));
        }
    }
    let renders = cases.iter().filter(|c| c["want_error"] == false).count();
    let must_fail = cases.len() - renders;
    println!(
        "helm template conformance: {identical}/{renders} renders identical as text, {same_documents} more with the same documents; {errors_as_expected}/{must_fail} error cases fail"
    );
    assert!(
        unexplained.is_empty(),
        "cases disagreeing with helm and not listed in KNOWN_DISAGREEMENTS:\n{}",
        unexplained.join("\n")
    );
}
