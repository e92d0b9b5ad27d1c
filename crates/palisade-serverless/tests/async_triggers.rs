//! LOG004 sees triggers that are separate resources pointing at a function, in
//! CloudFormation and Terraform: every function of the fail fixtures is reported once per
//! unhandled failure path, and nothing in the pass fixtures.

use std::path::Path;

use palisade_serverless::{scan_template, ServerlessSettings};

fn log004(fixture: &str) -> Vec<(String, String)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(fixture);
    let text = std::fs::read_to_string(&path).unwrap();
    let scan = scan_template(
        &path.to_string_lossy(),
        &text,
        &ServerlessSettings::default(),
    );
    scan.findings
        .iter()
        .filter(|f| f.rule_id == "LOG004")
        .map(|f| {
            (
                f.location.resource.clone().unwrap_or_default(),
                f.message.clone(),
            )
        })
        .collect()
}

#[test]
fn cloudformation_trigger_resources_are_linked_to_their_functions() {
    let found = log004("cfn-async/fail.yaml");
    let resources: Vec<&str> = found.iter().map(|(r, _)| r.as_str()).collect();
    assert_eq!(
        resources,
        vec![
            "AWS::Lambda::Function/OnTopic",
            "AWS::Lambda::Function/OnUpload",
            "AWS::Lambda::Function/OnSchedule",
            "AWS::Lambda::Function/OnStream",
        ],
        "{found:#?}"
    );
    assert!(found[0].1.contains("SNS::Subscription"));
    assert!(found[3].1.contains("records that keep failing are dropped"));
    assert!(log004("cfn-async/pass.yaml").is_empty());
}

#[test]
fn terraform_trigger_resources_are_linked_to_their_functions() {
    let found = log004("terraform/async-fail.tf");
    let resources: Vec<&str> = found.iter().map(|(r, _)| r.as_str()).collect();
    assert_eq!(
        resources,
        vec![
            "aws_lambda_function.on_topic",
            "aws_lambda_function.on_stream"
        ],
        "{found:#?}"
    );
    assert!(log004("terraform/async-pass.tf").is_empty());
}
