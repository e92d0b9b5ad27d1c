//! Findings of the platform fixtures (`tests/fixtures/platform-*`), one snapshot per
//! family: what a user scanning those files sees, with file, line, resource and message.

use std::path::Path;

use palisade_serverless::{scan_template, ServerlessSettings};

fn family(name: &str) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x != "expect"))
        .collect();
    files.sort();
    let mut lines = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let shown = format!("{name}/{}", path.file_name().unwrap().to_string_lossy());
        // A fixed day, so findings that depend on support calendars do not drift.
        let settings = ServerlessSettings {
            runtime_cutoff: Some("2026-12-06".into()),
            ..ServerlessSettings::default()
        };
        let scan = scan_template(&shown, &text, &settings);
        for f in scan.findings {
            lines.push(format!(
                "{}:{} {} {} {} — {}",
                f.location.path,
                f.location.line.unwrap_or(0),
                f.rule_id,
                f.severity,
                f.location.resource.as_deref().unwrap_or(""),
                f.message
            ));
        }
    }
    lines.join("\n")
}

#[test]
fn network_findings() {
    insta::assert_snapshot!(family("platform-network"));
}

#[test]
fn bucket_findings() {
    insta::assert_snapshot!(family("platform-buckets"));
}

#[test]
fn cluster_findings() {
    insta::assert_snapshot!(family("platform-clusters"));
}

#[test]
fn identity_findings() {
    insta::assert_snapshot!(family("platform-identities"));
}

#[test]
fn registry_findings() {
    insta::assert_snapshot!(family("platform-registries"));
}

#[test]
fn messaging_findings() {
    insta::assert_snapshot!(family("platform-messaging"));
}

#[test]
fn api_findings() {
    insta::assert_snapshot!(family("platform-apis"));
}

#[test]
fn vpc_findings() {
    insta::assert_snapshot!(family("platform-vpcs"));
}

#[test]
fn load_balancer_findings() {
    insta::assert_snapshot!(family("platform-load-balancers"));
}

#[test]
fn search_domain_findings() {
    insta::assert_snapshot!(family("platform-search"));
}

#[test]
fn table_user_pool_and_state_machine_findings() {
    insta::assert_snapshot!(family("platform-data"));
}

#[test]
fn template_secret_findings() {
    insta::assert_snapshot!(family("platform-secrets"));
}

/// Literal secrets carry the secret engine's preview and fingerprint, never the value.
#[test]
fn template_secrets_are_redacted_and_fingerprinted() {
    let text = "variable \"db_password\" {\n  default = \"Tr0ub4dor-horse-staple\"\n}\n";
    let scan = scan_template("main.tf", text, &ServerlessSettings::default());
    let f = scan
        .findings
        .iter()
        .find(|f| f.rule_id == "SEC311")
        .expect("SEC311 finding");
    let secret = f.secret.as_ref().expect("secret info");
    assert_eq!(
        secret.fingerprint,
        palisade_secrets::fingerprint(b"Tr0ub4dor-horse-staple")
    );
    assert!(!secret.preview.contains("horse"));
    assert!(!f.message.contains("Tr0ub4dor"));
}

/// ISO102 stays silent when the configuration says another engine enforces admission.
#[test]
fn external_admission_control_silences_the_policy_add_on_rule() {
    let text = "resource \"azurerm_kubernetes_cluster\" \"c\" {\n  name = \"c\"\n}\n";
    let ids = |settings: &ServerlessSettings| -> Vec<String> {
        scan_template("main.tf", text, settings)
            .findings
            .into_iter()
            .map(|f| f.rule_id.to_string())
            .collect()
    };
    assert!(ids(&ServerlessSettings::default()).contains(&"ISO102".to_string()));
    let elsewhere = ServerlessSettings {
        external_admission_control: true,
        ..ServerlessSettings::default()
    };
    let quiet = ids(&elsewhere);
    assert!(!quiet.contains(&"ISO102".to_string()), "{quiet:?}");
    assert!(quiet.contains(&"NET220".to_string()), "{quiet:?}");
}

/// RBAC114 leaves the roles of the template's functions to FN006.
#[test]
fn role_managers_used_by_functions_are_left_to_the_function_rules() {
    let role = r#"
resource "aws_iam_role" "r" {
  name = "r"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
  inline_policy {
    name = "roles"
    policy = jsonencode({
      Version = "2012-10-17"
      Statement = [{ Effect = "Allow", Action = "iam:CreateRole", Resource = "arn:aws:iam::123456789012:role/app-*" }]
    })
  }
}
"#;
    let function = r#"
resource "aws_lambda_function" "f" {
  function_name = "f"
  role          = aws_iam_role.r.arn
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "app.zip"
}
"#;
    let has = |text: &str| {
        scan_template("main.tf", text, &ServerlessSettings::default())
            .findings
            .iter()
            .any(|f| f.rule_id == "RBAC114")
    };
    assert!(has(role));
    assert!(!has(&format!("{role}{function}")));
}
