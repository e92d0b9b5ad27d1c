//! Parity of `palisade cloud aws` with `palisade scan` on the same functions: each example
//! of sam-translator's corpus (`../shared/corpus/sam-translator-aws-sam`, a SAM template
//! in `input/` and the CloudFormation it becomes in `output/`) is deployed into moto from
//! its translated output (tests/cloud/seed.py `translated`: the Lambda functions, their
//! roles with inline, standalone and managed policies, function URLs, reserved
//! concurrency), then judged live and as a template. For the rules both can judge, every
//! deployed function must get the same verdicts (fires or not) from both.
//!
//! What is not compared, and why:
//! - functions whose `Condition` is false with the parameters' defaults (not deployed;
//!   the template scan must not judge them either, which is checked);
//! - functions the seeder cannot deploy as the template says (intrinsics it cannot
//!   resolve, roles from outside the template, container images,
//!   URLs on aliases, policies moto refuses): counted and printed by reason;
//! - examples whose template `palisade scan` reports an error for (references to
//!   resources the example leaves out) or that have no SAM input: counted;
//! - rules only one side sees: FN008 (resource-based permissions: the seeder creates no
//!   API or event source, so no permission), FN009 (drift, only with `--compare`),
//!   FN010 (role last use, live only), FN011/FN012 (layers: other accounts' layers cannot
//!   be created in moto), LOG002 (the template's log group against moto's, which has
//!   none), LOG003/AUTH001/AUTH002 (APIs are not deployed), LOG004 (event sources are not
//!   deployed and moto drops DeadLetterConfig), NET rules (no VPC is deployed).

use crate::cloud_aws::{cloud, json_report};
use crate::common;
use crate::moto::{script, start_moto_with};

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use serde_json::Value;

/// The rules both sides judge from what the seeder deploys.
const COMPARED: &[&str] = &[
    "COLD001", // timeout
    "COLD002", // reserved concurrency
    "COLD003", // deprecated runtime
    "COLD004", // memory at an extreme
    "LOG001",  // tracing
    "FN001", "FN002", "FN003", "FN004", "FN005", "FN006",   // the role's grants
    "FN007",   // a role shared by several functions (one template's roles are its own)
    "AUTH003", // function URL auth type
    "AUTH006", // function URL CORS
    "SEC300",  // plaintext secret in the environment
    // Sensitive environment without a customer key. moto 5.1 does not return KMSKeyArn,
    // so a function with a sensitive variable and its own key would differ; none of the
    // examples with a KmsKeyArn has environment variables.
    "SEC301",
];

/// (template stem, function logical id) -> the compared rules that fire.
type Verdicts = BTreeMap<(String, String), BTreeSet<String>>;

fn stem(path: &Path) -> String {
    path.file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_string()
}

fn has_lambda_function(output: &Path) -> bool {
    let doc: Value = serde_json::from_slice(&std::fs::read(output).expect("output readable"))
        .unwrap_or(Value::Null);
    doc["Resources"]
        .as_object()
        .is_some_and(|r| r.values().any(|v| v["Type"] == "AWS::Lambda::Function"))
}

fn template_scan(inputs: &[PathBuf]) -> Value {
    let mut args = vec!["scan".to_string(), "--format".into(), "json".into()];
    args.extend(inputs.iter().map(|p| p.display().to_string()));
    let out = Command::new(env!("CARGO_BIN_EXE_palisade"))
        .args(&args)
        .output()
        .expect("palisade scan runs");
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("palisade scan: not JSON ({e}): {}", common::stderr(&out)))
}

#[test]
fn cloud_parity_live_functions_from_sam_examples_get_the_template_verdicts() {
    let Some(corpus) = palisade_testkit::corpus("sam-translator-aws-sam") else {
        return;
    };
    let started = Instant::now();
    let mut skipped: BTreeMap<String, usize> = BTreeMap::new();

    // The examples whose output deploys functions, and whose template scans cleanly.
    let mut outputs: Vec<PathBuf> = std::fs::read_dir(corpus.join("output"))
        .expect("corpus output/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json") && has_lambda_function(p))
        .collect();
    outputs.sort();
    let mut pairs: Vec<(PathBuf, PathBuf)> = Vec::new();
    for output in outputs {
        let input = corpus.join("input").join(format!("{}.yaml", stem(&output)));
        if input.is_file() {
            pairs.push((input, output));
        } else {
            *skipped
                .entry("example without a SAM input".into())
                .or_default() += 1;
        }
    }
    let inputs: Vec<PathBuf> = pairs.iter().map(|(i, _)| i.clone()).collect();
    let template = template_scan(&inputs);
    let unreadable: BTreeSet<String> = template["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| stem(Path::new(e["path"].as_str().unwrap_or_default())))
        .collect();
    pairs.retain(|(input, _)| !unreadable.contains(&stem(input)));
    *skipped
        .entry("example whose template scan reports an error".into())
        .or_default() += unreadable.len();

    let Some(moto) = start_moto_with(&[("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")]) else {
        return;
    };
    let seeded = Command::new(&moto.python)
        .arg(script("seed.py"))
        .args([moto.endpoint.as_str(), "translated"])
        .args(pairs.iter().map(|(_, o)| o))
        .output()
        .expect("seed.py runs");
    assert!(
        seeded.status.success(),
        "seed.py translated failed: {}",
        common::stderr(&seeded)
    );
    let seeded: Value = serde_json::from_slice(&seeded.stdout).expect("seed.py prints JSON");
    // Functions whose `Condition` is false with the parameters' defaults: not deployed,
    // and not judged from the template either.
    let mut not_deployed: Vec<(String, String)> = Vec::new();
    for s in seeded["skipped"].as_array().expect("skipped") {
        if s["reason"] == "condition false" {
            not_deployed.push((
                s["template"].as_str().unwrap_or_default().to_string(),
                s["function"].as_str().unwrap_or_default().to_string(),
            ));
        }
        *skipped
            .entry(format!(
                "function: {}",
                s["reason"].as_str().unwrap_or_default()
            ))
            .or_default() += 1;
    }
    let deployed = seeded["deployed"].as_array().expect("deployed");
    assert!(
        deployed.len() >= 500,
        "only {} functions deployed; skipped: {skipped:#?}",
        deployed.len()
    );
    let s = |v: &Value| v.as_str().unwrap_or_default().to_string();
    // deployed name -> (stem, logical id); (stem, role logical id) -> its functions.
    let mut by_name: BTreeMap<String, (String, String)> = BTreeMap::new();
    let mut by_role: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for d in deployed {
        by_name.insert(s(&d["name"]), (s(&d["template"]), s(&d["function"])));
        by_role
            .entry((s(&d["template"]), s(&d["role"])))
            .or_default()
            .push(s(&d["function"]));
    }

    let out = cloud(&moto.endpoint, &["--format", "json"]);
    let report = json_report(&out);
    assert_eq!(
        report["errors"],
        serde_json::json!([]),
        "{}",
        common::stderr(&out)
    );

    // Live: a finding names the function by its ARN (role findings in `resource`).
    let mut live = Verdicts::new();
    for f in report["findings"].as_array().expect("findings") {
        let rule = s(&f["rule_id"]);
        if !COMPARED.contains(&rule.as_str()) {
            continue;
        }
        let arn = [&f["location"]["path"], &f["location"]["resource"]]
            .into_iter()
            .map(s)
            .find(|a| a.contains(":function:"))
            .unwrap_or_else(|| panic!("{rule} names no function: {f}"));
        let name = arn.rsplit(":function:").next().unwrap_or_default();
        let key = by_name
            .get(name)
            .unwrap_or_else(|| panic!("{rule} on {name}, which the seeder did not deploy"));
        live.entry(key.clone()).or_default().insert(rule);
    }
    // Template: on the SAM function, or on the role a function of the template assumes.
    let mut scanned = Verdicts::new();
    for f in template["findings"].as_array().expect("findings") {
        let rule = s(&f["rule_id"]);
        if !COMPARED.contains(&rule.as_str()) {
            continue;
        }
        let file = stem(Path::new(&s(&f["location"]["path"])));
        let resource = s(&f["location"]["resource"]);
        let (kind, id) = resource.split_once('/').unwrap_or_default();
        let functions = match kind {
            "AWS::Serverless::Function" | "AWS::Lambda::Function" => vec![id.to_string()],
            "AWS::IAM::Role" => by_role
                .get(&(file.clone(), id.to_string()))
                .cloned()
                .unwrap_or_default(),
            _ => panic!("{rule} on {resource} in {file}: not a function or its role"),
        };
        for function in functions {
            scanned
                .entry((file.clone(), function))
                .or_default()
                .insert(rule.clone());
        }
    }

    let mut compared = 0;
    let mut differences = Vec::new();
    for (stem, function) in by_name.values() {
        let key = (stem.clone(), function.clone());
        let none = BTreeSet::new();
        let (l, t) = (
            live.get(&key).unwrap_or(&none),
            scanned.get(&key).unwrap_or(&none),
        );
        for rule in COMPARED {
            compared += 1;
            let side = match (l.contains(*rule), t.contains(*rule)) {
                (true, false) => "live",
                (false, true) => "template",
                _ => continue,
            };
            differences.push(format!("{stem}/{function}: {rule} fires only {side}"));
        }
    }
    for key in &not_deployed {
        if let Some(rules) = scanned.get(key) {
            differences.push(format!(
                "{}/{}: its condition is false, yet the template scan reports {rules:?}",
                key.0, key.1
            ));
        }
    }
    let skipped_total: usize = skipped.values().sum();
    let reasons: Vec<String> = skipped.iter().map(|(r, n)| format!("{n} {r}")).collect();
    eprintln!(
        "cloud parity: {} deployed, {skipped_total} skipped ({}); {} functions, {compared} rule verdicts compared, {} disagree; {:.1} s",
        by_name.len(),
        reasons.join(", "),
        by_name.len(),
        differences.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(
        differences.is_empty(),
        "{} verdicts differ between `palisade cloud aws` and `palisade scan`:\n{}",
        differences.len(),
        differences.join("\n")
    );
}
