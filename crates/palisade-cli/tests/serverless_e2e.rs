//! End to end: `palisade scan` on serverless templates of every front-end.

use std::process::Command;

fn palisade() -> Command {
    Command::new(env!("CARGO_BIN_EXE_palisade"))
}

const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../palisade-serverless/tests/fixtures"
);

#[test]
fn scan_reports_serverless_findings_from_every_front_end() {
    let out = palisade()
        .args(["scan", "--quiet", "--format", "json", FIXTURES])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "findings give exit code 1");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    let has = |rule: &str, resource_prefix: &str| {
        findings.iter().any(|f| {
            f["rule_id"] == rule
                && f["location"]["resource"]
                    .as_str()
                    .is_some_and(|r| r.starts_with(resource_prefix))
                && f["location"]["line"].as_u64().is_some_and(|l| l > 0)
        })
    };
    assert!(has("FN004", "AWS::IAM::Role/"), "CloudFormation");
    assert!(has("AUTH001", "AWS::Serverless::Function/"), "SAM");
    assert!(has("FN001", "serverless:"), "Serverless Framework");
    assert!(has("FN006", "aws_"), "Terraform");
    assert!(has("AUTH004", "azure:function/"), "Azure Functions");
    assert!(
        report["errors"].as_array().unwrap().is_empty(),
        "{:?}",
        report["errors"]
    );
}

#[test]
fn table_groups_serverless_findings_by_function() {
    let out = palisade()
        .args([
            "scan",
            "--color",
            "never",
            &format!("{FIXTURES}/cfn/fail.json"),
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let start = text.find("\nfunction ").expect("per-function summary");
    let summary = &text[start..];
    assert!(summary.contains("AWS::Lambda::Function/One"), "{text}");
    assert!(summary.contains("AWS::Lambda::Function/Two"), "{text}");
}

#[test]
fn rules_and_rule_documentation_include_serverless_rules() {
    let out = palisade().args(["rule", "COLD003"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Deprecated function runtime"), "{text}");
    assert!(text.contains("lambda-runtimes"), "{text}");
    let out = palisade().args(["rules"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    for id in ["FN001", "AUTH006", "LOG004", "COLD004", "SEC300", "NET100"] {
        assert!(text.contains(id), "{id} missing from `palisade rules`");
    }
}

#[test]
fn terraform_local_modules_are_read_through_their_calls() {
    let project = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../palisade-serverless/tests/fixtures-terraform-project"
    );
    let out = palisade()
        .args(["scan", "--quiet", "--format", "json", project])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    let resources: Vec<&str> = findings
        .iter()
        .filter(|f| f["rule_id"] == "COLD003")
        .filter_map(|f| f["location"]["resource"].as_str())
        .collect();
    // Only the call that passes python3.7; the module folder is not also scanned alone.
    assert_eq!(resources, vec!["module.orders.aws_lambda_function.this"]);
    let warnings = report["warnings"].to_string();
    assert!(
        warnings.contains("terraform-aws-modules/vpc/aws"),
        "{warnings}"
    );
}
