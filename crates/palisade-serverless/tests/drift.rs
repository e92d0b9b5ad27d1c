//! FN009: a "deployed" inventory (here read from a second template, as `palisade cloud aws`
//! would build it from the APIs) compared with the template that declares the functions.

use palisade_serverless::{drift, frontend, Inventory};

fn inventory(path: &str, text: &str) -> Inventory {
    let (mut invs, errors) = frontend::load_yaml_or_json(path, text);
    assert!(errors.is_empty(), "{errors:?}");
    invs.remove(0)
}

const TEMPLATE: &str = r#"
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      Timeout: 10
      MemorySize: 256
      Environment:
        Variables:
          TABLE: orders
      Policies:
        - Statement:
            - Effect: Allow
              Action: dynamodb:GetItem
              Resource: arn:aws:dynamodb:us-east-1:1:table/orders
  Quiet:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      Timeout: 10
"#;

/// What runs: `Api` deployed by a stack as `shop-Api-1X2Y3Z`, changed by hand.
const LIVE: &str = r#"
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  shop-Api-1X2Y3Z:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.9
      Handler: app.handler
      CodeUri: src/
      Timeout: 900
      MemorySize: 256
      FunctionUrlConfig:
        AuthType: NONE
      Environment:
        Variables:
          TABLE: orders
          ADMIN_TOKEN: x
      Policies:
        - Statement:
            - Effect: Allow
              Action: [dynamodb:GetItem, dynamodb:DeleteTable]
              Resource: arn:aws:dynamodb:us-east-1:1:table/orders
  Quiet:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      Timeout: 10
      MemorySize: 4096
"#;

#[test]
fn every_difference_of_a_changed_function_is_reported() {
    let template = inventory("template.yaml", TEMPLATE);
    let live = inventory("live", LIVE);
    let findings = drift::compare(&live, &[template]);
    let messages: Vec<&str> = findings.iter().map(|f| f.message.as_str()).collect();
    for expected in [
        "function shop-Api-1X2Y3Z has timeout 900 s deployed, 10 s in template.yaml",
        "function shop-Api-1X2Y3Z runs python3.9 deployed, python3.12 in template.yaml",
        "function shop-Api-1X2Y3Z has environment variables ADMIN_TOKEN that template.yaml does not declare",
        "function shop-Api-1X2Y3Z has a URL (AuthType NONE) that template.yaml does not declare",
    ] {
        assert!(messages.contains(&expected), "{expected:?} not in {messages:#?}");
    }
    assert!(
        messages
            .iter()
            .any(|m| m.contains("allows dynamodb:DeleteTable that the template's role")),
        "{messages:#?}"
    );
    assert!(findings.iter().all(|f| f.rule_id == "FN009"));
    // Quiet's memory is not stated in the template: not drift. Nothing else differs.
    assert!(
        !messages.iter().any(|m| m.contains("Quiet")),
        "{messages:#?}"
    );
    assert!(
        !messages.iter().any(|m| m.contains("memory")),
        "{messages:#?}"
    );
}

#[test]
fn a_function_no_template_declares_is_not_compared() {
    let template = inventory("template.yaml", TEMPLATE);
    let live = inventory(
        "live",
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Other:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: python3.12\n      Handler: a.b\n      Timeout: 900\n      Role: arn:aws:iam::1:role/r\n      Code: {ZipFile: x}\n",
    );
    assert!(drift::compare(&live, &[template]).is_empty());
}
