//! Parity of `palisade cloud aws` with `palisade scan` on the same functions: each example
//! of a corpus is deployed into moto from the CloudFormation its own translator makes of it
//! (tests/cloud/seed.py `translated`: the Lambda functions, their roles with inline,
//! standalone and managed policies, function URLs, reserved concurrency), then judged live
//! and as a template. For the rules both can judge, every deployed function must get the
//! same verdicts (fires or not) from both.
//!
//! Two corpora:
//! - `../shared/corpus/sam-translator-aws-sam`: a SAM template in `input/` and the
//!   CloudFormation sam-translator makes of it in `output/`;
//! - `../shared/corpus/serverless-framework-examples`: a `serverless.yml` per example,
//!   turned into CloudFormation here by the Serverless Framework CLI v3 itself
//!   (`serverless package --stage dev --region us-east-1`, offline, installed by
//!   .ci/install.d/45-serverless.sh) in a copy of the example under the test's temporary
//!   folder, two at a time (about two minutes on two cores for the 74 that package). The
//!   CLI is run with dummy credentials and its telemetry, notices and deprecation
//!   messages off; the whole test gives the same figures inside a network namespace that
//!   has only loopback. The template side scans the corpus's own `serverless.yml`, not
//!   the copy. A function's key under `functions:` is found from the framework's state
//!   file (key -> deployed name) and the template's `FunctionName`.
//!
//! Both corpora compare the same rules ([`COMPARED`]), and there is no table of known
//! differences: every compared verdict agrees.
//!
//! What the copy of a Serverless example changes, and why that is honest:
//! - handler code is omitted from the corpus, and the CLI refuses to package nothing: an
//!   empty file is put where each handler (`handler.js`, `src/app.py`, `bin/main`) and
//!   each `package.artifact` (an empty zip) would be;
//! - a `plugins:` section is dropped when every plugin in it only builds, bundles or
//!   emulates code ([`PACKAGING_ONLY`]): none of those changes a function's settings or
//!   role. An example with any other plugin (one that adds layers, resources, roles or
//!   permissions, or rewrites the template: serverless-lift, serverless-ruby-layer,
//!   serverless-rust, serverless-cf-vars, ...) is skipped, not packaged without it;
//! - `service: {name: X}` (the v1 object notation v3 refuses) becomes `service: X` when
//!   `name` is its only key.
//!
//! Nothing else is changed: `frameworkVersion` stays as written (v3.40 accepts every one
//! in the corpus), and so do variables, even those the CLI then cannot resolve.
//!
//! What is not compared, and why:
//! - functions whose `Condition` is false with the parameters' defaults (not deployed;
//!   the template scan must not judge them either, which is checked);
//! - functions the seeder cannot deploy as the template says (intrinsics it cannot
//!   resolve, roles from outside the template, container images,
//!   URLs on aliases, policies moto refuses): counted and printed by reason;
//! - examples whose template `palisade scan` reports an error for (references to
//!   resources the example leaves out) or that have no SAM input: counted;
//! - Serverless examples for another provider than AWS, with a plugin outside
//!   [`PACKAGING_ONLY`], with a layer or a Dashboard `org` (packaging them asks AWS or the
//!   Dashboard: the test never touches the network), or that `serverless package` refuses
//!   (variables from files or environment variables the example does not ship,
//!   placeholders it rejects): counted by reason;
//! - the functions the framework adds of its own (the custom resource behind an
//!   `existing: true` S3 event): not in serverless.yml, so the template scan cannot
//!   judge them; counted;
//! - rules only one side sees: FN008 (resource-based permissions: the seeder creates no
//!   API or event source, so no permission), FN009 (drift, only with `--compare`),
//!   FN010 (role last use, live only), FN011/FN012 (layers: other accounts' layers cannot
//!   be created in moto), LOG002 (the template's log group against moto's, which has
//!   none), LOG003/AUTH001/AUTH002 (APIs are not deployed), LOG004 (event sources are not
//!   deployed and moto drops DeadLetterConfig), NET rules (no VPC is deployed).

use crate::cloud_aws::{cloud, json_report};
use crate::common;
use crate::moto::{script, start_moto_with, Moto};

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

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
    // SAM examples with a KmsKeyArn has environment variables, and no Serverless example
    // sets kmsKeyArn.
    "SEC301",
];

/// (template, function) -> the compared rules that fire. The template is the SAM file's
/// stem or the Serverless example's folder; the function is its logical id in SAM, its
/// key under `functions:` in Serverless.
type Verdicts = BTreeMap<(String, String), BTreeSet<String>>;

/// Skip reasons -> how many.
type Skipped = BTreeMap<String, usize>;

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

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

/// The templates (by `template_of` their path) whose scan reports an error.
fn unreadable(template: &Value, template_of: fn(&Path) -> String) -> BTreeSet<String> {
    template["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| template_of(Path::new(e["path"].as_str().unwrap_or_default())))
        .collect()
}

/// What the seeder deployed, by the names the comparison uses.
struct Deployment {
    /// deployed name -> (template, function).
    by_name: BTreeMap<String, (String, String)>,
    /// (template, role logical id) -> its functions.
    by_role: BTreeMap<(String, String), Vec<String>>,
    /// deployed role name -> its (template, function)s.
    by_role_name: BTreeMap<String, Vec<(String, String)>>,
    /// (template, function) not deployed because its condition is false.
    not_deployed: Vec<(String, String)>,
}

/// Seeds moto from CloudFormation `outputs` (each file's stem names its template) and
/// counts what it skips. `function_of(template, logical id)` is the name the template
/// scan gives that function.
fn deploy(
    moto: &Moto,
    outputs: &[PathBuf],
    function_of: &dyn Fn(&str, &str) -> String,
    skipped: &mut Skipped,
) -> Deployment {
    let seeded = Command::new(&moto.python)
        .arg(script("seed.py"))
        .args([moto.endpoint.as_str(), "translated"])
        .args(outputs)
        .output()
        .expect("seed.py runs");
    assert!(
        seeded.status.success(),
        "seed.py translated failed: {}",
        common::stderr(&seeded)
    );
    let seeded: Value = serde_json::from_slice(&seeded.stdout).expect("seed.py prints JSON");
    let mut not_deployed = Vec::new();
    for s in seeded["skipped"].as_array().expect("skipped") {
        let (t, f) = (text(&s["template"]), text(&s["function"]));
        if s["reason"] == "condition false" {
            not_deployed.push((t.clone(), function_of(&t, &f)));
        }
        *skipped
            .entry(format!("function: {}", text(&s["reason"])))
            .or_default() += 1;
    }
    let mut by_name = BTreeMap::new();
    let mut by_role: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    let mut by_role_name: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for d in seeded["deployed"].as_array().expect("deployed") {
        let (t, f) = (text(&d["template"]), text(&d["function"]));
        let function = function_of(&t, &f);
        by_name.insert(text(&d["name"]), (t.clone(), function.clone()));
        by_role_name
            .entry(text(&d["role_name"]))
            .or_default()
            .push((t.clone(), function.clone()));
        by_role
            .entry((t, text(&d["role"])))
            .or_default()
            .push(function);
    }
    Deployment {
        by_name,
        by_role,
        by_role_name,
        not_deployed,
    }
}

/// The compared rules `palisade cloud aws` reports per deployed function (a finding names
/// the function by its ARN, in `path` or, for a role's finding, in `resource`; the finding
/// on a role several functions share names the role).
fn live_verdicts(moto: &Moto, deployment: &Deployment) -> Verdicts {
    let out = cloud(&moto.endpoint, &["--format", "json"]);
    let report = json_report(&out);
    assert_eq!(
        report["errors"],
        serde_json::json!([]),
        "{}",
        common::stderr(&out)
    );
    let mut live = Verdicts::new();
    for f in report["findings"].as_array().expect("findings") {
        let rule = text(&f["rule_id"]);
        if !COMPARED.contains(&rule.as_str()) {
            continue;
        }
        let arns: Vec<String> = [&f["location"]["path"], &f["location"]["resource"]]
            .into_iter()
            .map(text)
            .collect();
        let functions = if let Some(arn) = arns.iter().find(|a| a.contains(":function:")) {
            let name = arn.rsplit(":function:").next().unwrap_or_default();
            let key = deployment
                .by_name
                .get(name)
                .unwrap_or_else(|| panic!("{rule} on {name}, which the seeder did not deploy"));
            vec![key.clone()]
        } else if let Some(arn) = arns.iter().find(|a| a.contains(":role/")) {
            // A role several functions share: the finding is on the role.
            let name = arn.rsplit(":role/").next().unwrap_or_default();
            deployment
                .by_role_name
                .get(name)
                .cloned()
                .unwrap_or_else(|| panic!("{rule} on role {name}, which the seeder did not create"))
        } else {
            panic!("{rule} names no function or role: {f}")
        };
        for key in functions {
            live.entry(key).or_default().insert(rule.clone());
        }
    }
    live
}

/// The compared rules `palisade scan` reports per function: on the function itself, or on
/// the role functions of the same template assume.
fn template_verdicts(
    template: &Value,
    template_of: fn(&Path) -> String,
    deployment: &Deployment,
) -> Verdicts {
    let mut scanned = Verdicts::new();
    for f in template["findings"].as_array().expect("findings") {
        let rule = text(&f["rule_id"]);
        if !COMPARED.contains(&rule.as_str()) {
            continue;
        }
        let file = template_of(Path::new(&text(&f["location"]["path"])));
        let resource = text(&f["location"]["resource"]);
        let (kind, id) = resource.split_once('/').unwrap_or_default();
        let functions = match kind {
            "AWS::Serverless::Function" | "AWS::Lambda::Function" | "serverless:function" => {
                vec![id.to_string()]
            }
            "AWS::IAM::Role" | "serverless:role" => deployment
                .by_role
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
    scanned
}

/// Compares the verdicts of every deployed function, prints the figures and fails on any
/// difference.
fn assert_same_verdicts(
    corpus: &str,
    deployment: &Deployment,
    live: &Verdicts,
    scanned: &Verdicts,
    skipped: &Skipped,
    started: Instant,
) {
    let (mut compared, mut both_fire) = (0, 0);
    let mut differences = Vec::new();
    for (template, function) in deployment.by_name.values() {
        let key = (template.clone(), function.clone());
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
                (true, true) => {
                    both_fire += 1;
                    continue;
                }
                _ => continue,
            };
            differences.push(format!("{template}/{function}: {rule} fires only {side}"));
        }
    }
    for key in &deployment.not_deployed {
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
        "cloud parity ({corpus}): {} functions deployed, {compared} verdicts compared ({both_fire} fire on both sides), {} disagree; skipped {skipped_total}: {}; {:.1} s",
        deployment.by_name.len(),
        differences.len(),
        reasons.join(", "),
        started.elapsed().as_secs_f64()
    );
    assert!(
        differences.is_empty(),
        "{} verdicts differ between `palisade cloud aws` and `palisade scan`:\n{}",
        differences.len(),
        differences.join("\n")
    );
}

#[test]
fn cloud_parity_live_functions_from_sam_examples_get_the_template_verdicts() {
    let Some(corpus) = palisade_testkit::corpus("sam-translator-aws-sam") else {
        return;
    };
    let started = Instant::now();
    let mut skipped = Skipped::new();

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
    let unreadable = unreadable(&template, stem);
    pairs.retain(|(input, _)| !unreadable.contains(&stem(input)));
    *skipped
        .entry("example whose template scan reports an error".into())
        .or_default() += unreadable.len();

    let Some(moto) = start_moto_with(&[("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")]) else {
        return;
    };
    let outputs: Vec<PathBuf> = pairs.into_iter().map(|(_, o)| o).collect();
    let deployment = deploy(&moto, &outputs, &|_, id| id.to_string(), &mut skipped);
    assert!(
        deployment.by_name.len() >= 500,
        "only {} functions deployed; skipped: {skipped:#?}",
        deployment.by_name.len()
    );
    let live = live_verdicts(&moto, &deployment);
    let scanned = template_verdicts(&template, stem, &deployment);
    assert_same_verdicts(
        "SAM examples",
        &deployment,
        &live,
        &scanned,
        &skipped,
        started,
    );
}

/// Plugins that only build, bundle, install dependencies into or locally emulate the code:
/// none changes a function's settings, its role or the resources. The copy of an example
/// is packaged without them.
const PACKAGING_ONLY: &[&str] = &[
    "serverless-babel-plugin",           // transpiles the handlers
    "serverless-dynamodb-local",         // a local DynamoDB for `sls offline`
    "serverless-esbuild",                // bundles the handlers
    "serverless-hooks-plugin",           // runs shell commands (here `bundle install`)
    "serverless-offline",                // local emulation
    "serverless-plugin-typescript",      // compiles the handlers
    "serverless-python-requirements",    // pip dependencies into the zip (no `layer:` here)
    "serverless-rack",                   // adds the Rack adapter file to the zip
    "serverless-single-page-app-plugin", // a `syncToS3` command
    "serverless-webpack",                // bundles the handlers
    "serverless-wsgi",                   // adds the WSGI adapter file to the zip
];

/// The Serverless Framework CLI v3: $PALISADE_SERVERLESS, or where
/// .ci/install.d/45-serverless.sh installs it; `None` with a skip line locally, a panic
/// when `CI` is set.
fn serverless_cli() -> Option<PathBuf> {
    let bin = "serverless3/node_modules/.bin/serverless";
    let mut candidates = Vec::new();
    if let Some(p) = std::env::var_os("PALISADE_SERVERLESS") {
        candidates.push(PathBuf::from(p));
    }
    if let Some(d) = std::env::var_os("PALISADE_REF_DIR") {
        candidates.push(PathBuf::from(d).join(bin));
    }
    if let Some(h) = std::env::var_os("HOME") {
        candidates.push(PathBuf::from(h).join(".cache/palisade-ref").join(bin));
    }
    let found = candidates.into_iter().find(|p| p.is_file());
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "serverless (v3) not found: run .ci/install.d/45-serverless.sh or set PALISADE_SERVERLESS"
        );
        eprintln!("SKIP: serverless (v3) not found (run .ci/install.d/45-serverless.sh); Serverless parity not run");
    }
    found
}

/// A Serverless example packaged: its CloudFormation, and the function key of each
/// `AWS::Lambda::Function` the framework made from `functions:`.
struct Packaged {
    cloudformation: PathBuf,
    keys: BTreeMap<String, String>,
    /// Functions the framework adds of its own (the custom resources behind `existing: true`
    /// S3 events and the like), left out of the saved template: they are not in
    /// serverless.yml, so the template scan cannot judge them.
    framework: usize,
}

/// Copies `example` into `work`, ready for `serverless package` (see the module doc), or
/// says why it cannot be packaged.
fn prepare(example: &Path, work: &Path) -> Result<PathBuf, String> {
    let file = example.join("serverless.yml");
    let mut yml = std::fs::read_to_string(&file).map_err(|_| "no serverless.yml".to_string())?;
    let docs = palisade_yaml::load(&yml).map_err(|_| "serverless.yml is not YAML".to_string())?;
    let root = &docs.first().ok_or("serverless.yml is empty")?.root;
    let provider = root.get("provider");
    let cloud = provider
        .and_then(|p| p.get("name").or(Some(p)))
        .and_then(|n| n.as_str())
        .unwrap_or("aws");
    if cloud != "aws" {
        return Err(format!("provider {cloud}, not AWS"));
    }
    // Two things make `serverless package` ask AWS or the Serverless Dashboard: a layer
    // (it compares the new layer with the deployed stack's) and a Dashboard `org`.
    if root.get("layers").is_some_and(|l| l.entries().count() > 0) {
        return Err("a layer, which packaging compares with the deployed stack".into());
    }
    if root.get("org").is_some() {
        return Err("a Serverless Dashboard org, which packaging logs in to".into());
    }
    if let Some(plugins) = root.get("plugins") {
        let list = plugins.get("modules").unwrap_or(plugins);
        for p in list.items() {
            let name = p.as_str().unwrap_or_default();
            if !PACKAGING_ONLY.contains(&name) {
                return Err(format!("plugin not installed: {name}"));
            }
        }
        yml = without_plugins(&yml);
    }
    if root
        .get("service")
        .is_some_and(|s| s.entries().count() == 1 && s.get("name").is_some())
    {
        yml = service_as_name(&yml);
    }

    let copy = work.join(example.file_name().expect("example folder"));
    copy_tree(example, &copy);
    std::fs::write(copy.join("serverless.yml"), yml).expect("copy writable");
    let runtime = provider
        .and_then(|p| p.get("runtime"))
        .and_then(|r| r.as_str());
    for (_, f) in root
        .get("functions")
        .map(|f| f.entries().collect())
        .unwrap_or_else(Vec::new)
    {
        let runtime = f.get("runtime").and_then(|r| r.as_str()).or(runtime);
        if let Some(handler) = f.get("handler").and_then(|h| h.as_str()) {
            if let Some(path) = handler_file(handler, runtime.unwrap_or("nodejs")) {
                placeholder(&copy.join(path), b"");
            }
        }
        if let Some(a) = f.path(&["package", "artifact"]).and_then(|a| a.as_str()) {
            placeholder(&copy.join(a), EMPTY_ZIP);
        }
    }
    if let Some(a) = root.path(&["package", "artifact"]).and_then(|a| a.as_str()) {
        placeholder(&copy.join(a), EMPTY_ZIP);
    }
    Ok(copy)
}

/// A zip archive with no entries (its end-of-central-directory record only).
const EMPTY_ZIP: &[u8] = b"PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0";

/// The file a handler names, by runtime: `src/app.main` is `src/app.py` in Python; a Go or
/// custom-runtime handler is the executable's path; Java and .NET handlers are classes in
/// an artifact.
fn handler_file(handler: &str, runtime: &str) -> Option<String> {
    if handler.contains("${") {
        return None;
    }
    let module = || handler.rsplit_once('.').map_or(handler, |(m, _)| m);
    let ext = [("nodejs", "js"), ("python", "py"), ("ruby", "rb")]
        .into_iter()
        .find(|(prefix, _)| runtime.starts_with(prefix));
    match ext {
        Some((_, ext)) => Some(format!("{}.{ext}", module())),
        None if runtime.starts_with("go") || runtime.starts_with("provided") => {
            Some(handler.to_string())
        }
        None => None,
    }
}

/// Writes `bytes` at `path` unless the example ships a file there.
fn placeholder(path: &Path, bytes: &[u8]) {
    if path.exists() || path.to_string_lossy().contains("${") {
        return;
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("placeholder folder");
    }
    std::fs::write(path, bytes).expect("placeholder written");
}

/// Copies a folder, writable (the corpus is read-only).
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("copy folder");
    for entry in std::fs::read_dir(from).expect("example readable") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::write(&target, std::fs::read(entry.path()).expect("file readable"))
                .expect("copy writable");
        }
    }
}

/// `serverless.yml` without its top-level `plugins:` section.
fn without_plugins(yml: &str) -> String {
    let mut skipping = false;
    let mut out = String::new();
    for line in yml.split_inclusive('\n') {
        if !line.trim().is_empty() && !line.starts_with([' ', '\t', '#', '-']) {
            skipping = line.starts_with("plugins:");
        }
        if !skipping {
            out.push_str(line);
        }
    }
    out
}

/// `service:\n  name: X` as `service: X`.
fn service_as_name(yml: &str) -> String {
    let mut out = String::new();
    let mut in_service = false;
    for line in yml.split_inclusive('\n') {
        if !line.trim().is_empty() && !line.starts_with([' ', '\t', '#']) {
            in_service = line.trim_end() == "service:";
            if in_service {
                continue;
            }
        }
        match line.trim().strip_prefix("name:") {
            Some(name) if in_service => out.push_str(&format!("service: {}\n", name.trim())),
            _ => out.push_str(line),
        }
    }
    out
}

/// Why `serverless package` refused an example, from the first line of its error.
fn refusal(output: &str) -> String {
    let error = output
        .lines()
        .skip_while(|l| l.trim() != "Error:")
        .skip(1)
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("Cannot resolve serverless.yml"))
        .find(|l| !l.starts_with("- ") || l.contains("source"))
        .unwrap_or("no error message");
    for (source, reason) in [
        (
            "\"file\" source",
            "a variable from a file the example does not ship",
        ),
        (
            "\"env\" source",
            "a variable from an environment variable it does not set",
        ),
        (
            "\"self\" source",
            "a variable to a property the file does not have",
        ),
    ] {
        if error.contains(source) {
            return reason.into();
        }
    }
    let mut e: String = error.chars().take(70).collect();
    if e.len() < error.len() {
        e.push('…');
    }
    e
}

/// Runs `serverless package` in `copy`, offline (dummy credentials; telemetry, update
/// notices and the dashboard off), within five minutes.
fn package(cli: &Path, copy: &Path, home: &Path) -> Result<(), String> {
    let log = copy.join(".palisade-package.log");
    let out = std::fs::File::create(&log).expect("log file");
    let mut child = Command::new(cli)
        .args(["package", "--stage", "dev", "--region", "us-east-1"])
        .current_dir(copy)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("SLS_TELEMETRY_DISABLED", "1")
        .env("SLS_NOTIFICATIONS_MODE", "off")
        .env("SLS_DEPRECATION_DISABLE", "*")
        .env("SLS_INTERACTIVE_SETUP_DISABLE", "1")
        .stdin(Stdio::null())
        .stdout(out.try_clone().expect("log file"))
        .stderr(out)
        .spawn()
        .expect("serverless runs");
    let deadline = Instant::now() + Duration::from_secs(300);
    let status = loop {
        if let Some(status) = child.try_wait().expect("serverless waited for") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err("serverless package took over five minutes".into());
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    if status.success() {
        Ok(())
    } else {
        Err(refusal(&std::fs::read_to_string(&log).unwrap_or_default()))
    }
}

/// The CloudFormation `serverless package` wrote in `copy`, saved as `<example>.json` in
/// `out`, with the function key of each function (joined on the deployed name, which the
/// framework's state file gives per key).
fn packaged(copy: &Path, out: &Path) -> Packaged {
    let dir = copy.join(".serverless");
    let read = |name: &str| -> Value {
        serde_json::from_slice(&std::fs::read(dir.join(name)).expect("packaged file"))
            .expect("packaged JSON")
    };
    let mut template = read("cloudformation-template-update-stack.json");
    let state = read("serverless-state.json");
    let key_of: BTreeMap<String, String> = state["service"]["functions"]
        .as_object()
        .map(|fs| {
            fs.iter()
                .map(|(k, f)| (text(&f["name"]), k.clone()))
                .collect()
        })
        .unwrap_or_default();
    let declared = &state["service"]["resources"]["Resources"];
    let mut keys = BTreeMap::new();
    let mut framework = Vec::new();
    let resources = template["Resources"].as_object_mut().expect("Resources");
    for (id, r) in resources.iter() {
        if r["Type"] != "AWS::Lambda::Function" {
            continue;
        }
        match key_of.get(&text(&r["Properties"]["FunctionName"])) {
            Some(k) => {
                keys.insert(id.clone(), k.clone());
            }
            None if declared.get(id).is_none() => framework.push(id.clone()),
            None => {}
        }
    }
    for id in &framework {
        resources.remove(id);
    }
    let cloudformation = out.join(format!(
        "{}.json",
        copy.file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
    ));
    std::fs::write(&cloudformation, template.to_string()).expect("template saved");
    Packaged {
        cloudformation,
        keys,
        framework: framework.len(),
    }
}

/// The example folder of a `serverless.yml`.
fn example_of(path: &Path) -> String {
    path.parent()
        .and_then(|p| p.file_name())
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_string()
}

#[test]
fn cloud_parity_live_functions_from_serverless_examples_get_the_template_verdicts() {
    let Some(corpus) = palisade_testkit::corpus("serverless-framework-examples") else {
        return;
    };
    let Some(cli) = serverless_cli() else {
        return;
    };
    let started = Instant::now();
    let mut skipped = Skipped::new();
    let work = tempfile::tempdir().expect("temp dir");
    let (copies, templates, home) = (
        work.path().join("copies"),
        work.path().join("cloudformation"),
        work.path().join("home"),
    );
    for d in [&copies, &templates, &home] {
        std::fs::create_dir_all(d).expect("work folder");
    }
    let mut examples: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .expect("corpus readable")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.join("serverless.yml").is_file())
        .collect();
    examples.sort();

    // Copied one by one, packaged two at a time (the CLI takes a few seconds of one core).
    let mut ready = Vec::new();
    for example in &examples {
        match prepare(example, &copies) {
            Ok(copy) => ready.push(copy),
            Err(reason) => *skipped.entry(format!("example: {reason}")).or_default() += 1,
        }
    }
    let next = AtomicUsize::new(0);
    let results = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                while let Some(copy) = ready.get(next.fetch_add(1, Ordering::SeqCst)) {
                    let result = package(&cli, copy, &home).map(|()| packaged(copy, &templates));
                    results
                        .lock()
                        .expect("results")
                        .push((example_of(&copy.join("serverless.yml")), result));
                }
            });
        }
    });
    let packaging = started.elapsed();
    let mut keys: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut outputs = Vec::new();
    for (example, result) in results.into_inner().expect("results") {
        match result {
            Ok(p) => {
                if p.framework > 0 {
                    *skipped
                        .entry("function: the framework's own custom resource".into())
                        .or_default() += p.framework;
                }
                outputs.push(p.cloudformation);
                keys.insert(example, p.keys);
            }
            Err(reason) => {
                *skipped
                    .entry(format!("example: serverless package: {reason}"))
                    .or_default() += 1
            }
        }
    }
    outputs.sort();

    // The template side reads the corpus's own files.
    let inputs: Vec<PathBuf> = keys
        .keys()
        .map(|e| corpus.join(e).join("serverless.yml"))
        .collect();
    let template = template_scan(&inputs);
    let unreadable = unreadable(&template, example_of);
    outputs.retain(|o| !unreadable.contains(&stem(o)));
    if !unreadable.is_empty() {
        *skipped
            .entry("example: its template scan reports an error".into())
            .or_default() += unreadable.len();
    }

    let Some(moto) = start_moto_with(&[("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")]) else {
        return;
    };
    let function_of = |example: &str, id: &str| {
        keys.get(example)
            .and_then(|k| k.get(id))
            .cloned()
            .unwrap_or_else(|| id.to_string())
    };
    let deployment = deploy(&moto, &outputs, &function_of, &mut skipped);
    assert!(
        deployment.by_name.len() >= 100,
        "only {} functions deployed; skipped: {skipped:#?}",
        deployment.by_name.len()
    );
    let live = live_verdicts(&moto, &deployment);
    let scanned = template_verdicts(&template, example_of, &deployment);
    eprintln!(
        "cloud parity (Serverless examples): {} packaged in {:.1} s",
        keys.len(),
        packaging.as_secs_f64()
    );
    assert_same_verdicts(
        "Serverless examples",
        &deployment,
        &live,
        &scanned,
        &skipped,
        started,
    );
}
