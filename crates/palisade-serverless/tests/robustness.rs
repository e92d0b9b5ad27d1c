//! Bad and big input: the real-world corpora parse without panics, errors name file and
//! line, and broken templates still get the rest of their resources scanned.

use std::path::{Path, PathBuf};

use palisade_serverless::{detect, scan_template, scan_terraform_module, ServerlessSettings};

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else {
                out.push(p);
            }
        }
    }
}

#[test]
fn real_world_templates_parse_without_panics() {
    let Some(corpus) = palisade_testkit::corpus("") else {
        return;
    };
    for folder in [
        "cfn-lint-templates",
        "sam-translator-aws-sam",
        "serverless-framework-examples",
    ] {
        let mut files = Vec::new();
        walk(&corpus.join(folder), &mut files);
        files.sort();
        let (mut scanned, mut with_functions, mut errors) = (0, 0, 0);
        for f in files {
            let Ok(text) = std::fs::read_to_string(&f) else {
                continue;
            };
            let path = f.to_string_lossy().to_string();
            if detect(&path, &text).is_none() || path.contains("/output/") {
                continue;
            }
            let scan = scan_template(&path, &text, &ServerlessSettings::default());
            scanned += 1;
            if scan.inventories.iter().any(|i| !i.functions.is_empty()) {
                with_functions += 1;
            }
            for e in &scan.errors {
                errors += 1;
                assert_eq!(e.path, path);
                assert!(!e.message.is_empty());
            }
        }
        println!("{folder}: {scanned} templates scanned, {with_functions} with functions, {errors} errors reported");
        assert!(scanned > 50, "{folder}: too few templates recognised");
        assert!(with_functions > 20, "{folder}: too few functions found");
    }
}

#[test]
fn fifty_thousand_resources() {
    let mut text =
        String::from("{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Resources\": {\n");
    for i in 0..50_000 {
        if i > 0 {
            text.push_str(",\n");
        }
        text.push_str(&format!(
            "\"Fn{i}\": {{\"Type\": \"AWS::Lambda::Function\", \"Properties\": {{\"Runtime\": \"python3.12\", \"Handler\": \"a.h\", \"Timeout\": 30, \"TracingConfig\": {{\"Mode\": \"Active\"}}, \"ReservedConcurrentExecutions\": 1}}}}"
        ));
    }
    text.push_str("\n}}\n");
    let scan = scan_template("big.json", &text, &ServerlessSettings::default());
    assert!(
        scan.errors.is_empty(),
        "{:?}",
        &scan.errors[..scan.errors.len().min(3)]
    );
    assert_eq!(scan.inventories[0].functions.len(), 50_000);
    assert!(scan.findings.is_empty());
}

#[test]
fn unresolvable_and_circular_references_are_errors_with_lines_and_the_rest_is_scanned() {
    let text = "\
AWSTemplateFormatVersion: '2010-09-09'
Conditions:
  A: !Condition B
  B: !Condition A
Resources:
  Weird:
    Type: Vendor::Unknown::Thing
  NoType:
    Properties: {}
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: !If [A, python3.12, python3.8]
      Handler: !Ref Missing
      Timeout: !Sub '${Undefined}'
      MemorySize: !ImportValue Shared
      Role: !GetAtt Ghost.Arn
      Environment:
        Variables:
          DB_PASSWORD: plaintext-password-1
";
    let scan = scan_template("bad.yaml", text, &ServerlessSettings::default());
    let messages: Vec<String> = scan.errors.iter().map(|e| e.to_string()).collect();
    let joined = messages.join("\n");
    assert!(
        joined.contains("bad.yaml:4: condition `A` refers to itself (circular reference)"),
        "{joined}"
    );
    assert!(
        joined.contains("bad.yaml:8: resource `NoType` has no Type"),
        "{joined}"
    );
    assert!(joined.contains("Ref to `Missing`"), "{joined}");
    assert!(joined.contains("Ghost"), "{joined}");
    let f = &scan.inventories[0].functions[0];
    assert!(f.runtime.is_unknown() && f.memory.is_unknown() && f.timeout.is_unknown());
    assert!(
        scan.findings.iter().any(|f| f.rule_id == "SEC300"),
        "the rest is still scanned"
    );
    assert!(
        !scan.findings.iter().any(|f| f.rule_id == "COLD003"),
        "an unknown runtime is never guessed"
    );
}

#[test]
fn malformed_hcl_and_circular_locals() {
    let scan = scan_template(
        "main.tf",
        "resource \"aws_lambda_function\" \"x\" {\n  runtime = \n}\n",
        &ServerlessSettings::default(),
    );
    assert_eq!(scan.errors.len(), 1);
    assert_eq!(scan.errors[0].path, "main.tf");
    assert!(scan.errors[0].line.is_some(), "{:?}", scan.errors);

    let good = "locals {\n  a = local.b\n  b = local.a\n}\nresource \"aws_lambda_function\" \"f\" {\n  runtime = local.a\n  handler = \"h\"\n}\n";
    let broken = "resource \"aws_lambda_function\" {";
    let scan = scan_terraform_module(
        &[("mod/a.tf", good), ("mod/b.tf", broken)],
        &ServerlessSettings::default(),
    );
    let joined: Vec<String> = scan.errors.iter().map(|e| e.to_string()).collect();
    assert!(
        joined
            .iter()
            .any(|e| e.starts_with("mod/a.tf:") && e.contains("circular")),
        "{joined:?}"
    );
    assert!(
        joined.iter().any(|e| e.starts_with("mod/b.tf:")),
        "{joined:?}"
    );
    assert!(scan.inventories[0].functions[0].runtime.is_unknown());
    assert!(scan.findings.iter().all(|f| f.location.path == "mod/a.tf"));
}

#[test]
fn module_findings_point_at_their_own_file() {
    let role = "resource \"aws_iam_role\" \"r\" {\n  name = \"r\"\n}\nresource \"aws_iam_role_policy\" \"p\" {\n  role = aws_iam_role.r.id\n  policy = jsonencode({ Statement = [{ Effect = \"Allow\", Action = \"*\", Resource = \"*\" }] })\n}\n";
    let function = "\n\nresource \"aws_lambda_function\" \"f\" {\n  role    = aws_iam_role.r.arn\n  runtime = \"python3.12\"\n  handler = \"h\"\n}\n";
    let scan = scan_terraform_module(
        &[("m/iam.tf", role), ("m/lambda.tf", function)],
        &ServerlessSettings::default(),
    );
    let fn001 = scan
        .findings
        .iter()
        .find(|f| f.rule_id == "FN001")
        .expect("FN001 across files");
    assert_eq!(
        (fn001.location.path.as_str(), fn001.location.line),
        ("m/iam.tf", Some(6))
    );
    assert_eq!(
        fn001.location.resource.as_deref(),
        Some("aws_lambda_function.f")
    );
    let log001 = scan
        .findings
        .iter()
        .find(|f| f.rule_id == "LOG001")
        .unwrap();
    assert_eq!(
        (log001.location.path.as_str(), log001.location.line),
        ("m/lambda.tf", Some(3))
    );
}
