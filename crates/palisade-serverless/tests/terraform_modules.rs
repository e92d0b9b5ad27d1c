//! Terraform beyond one folder: local `module` calls read with their inputs bound,
//! `count` / `for_each` instances, and what stays unknown.

use std::path::Path;

use palisade_serverless::model::Attr;
use palisade_serverless::{scan_template, ServerlessSettings, TerraformProject};

fn project_files() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures-terraform-project");
    let mut out = Vec::new();
    for folder in ["app", "modules/lambda", "standalone"] {
        let path = root.join(folder).join("main.tf");
        let text = std::fs::read_to_string(&path).unwrap();
        out.push((format!("project/{folder}/main.tf"), text));
    }
    out
}

#[test]
fn a_called_folder_is_read_through_its_calls_not_on_its_own() {
    let files = project_files();
    let mut project = TerraformProject::default();
    for (p, t) in &files {
        project.add_file(p, t);
    }
    assert_eq!(project.roots(), vec!["project/app", "project/standalone"]);
}

#[test]
fn local_modules_are_read_with_inputs_bound_from_the_call() {
    let files = project_files();
    let mut project = TerraformProject::default();
    for (p, t) in &files {
        project.add_file(p, t);
    }
    let scan = project.scan_root("project/app", &ServerlessSettings::default());
    assert!(scan.errors.is_empty(), "{:?}", scan.errors);
    let inv = &scan.inventories[0];
    let functions: Vec<(&str, &str)> = inv
        .functions
        .iter()
        .map(|f| {
            (
                f.resource.as_str(),
                f.runtime.value().map(String::as_str).unwrap_or("?"),
            )
        })
        .collect();
    // `count = 0` on the call: the module's resources do not exist.
    assert_eq!(
        functions,
        vec![
            ("module.orders.aws_lambda_function.this", "python3.7"),
            ("module.billing.aws_lambda_function.this", "nodejs22.x"),
        ]
    );
    // Roles passed in from the root are found, so FN007 sees two roles, not one shared.
    assert!(inv.functions.iter().all(|f| f.role.is_some()));
    // `module.orders.function_name` resolves through the module's output.
    assert!(matches!(
        inv.functions[0].log_retention_days,
        Attr::Set(400, _)
    ));

    let found: Vec<(String, String, String)> = scan
        .findings
        .iter()
        .map(|f| {
            (
                f.rule_id.to_string(),
                f.location.resource.clone().unwrap_or_default(),
                f.location.path.clone(),
            )
        })
        .collect();
    assert_eq!(
        found,
        vec![
            (
                "COLD003".to_string(),
                "module.orders.aws_lambda_function.this".to_string(),
                "project/modules/lambda/main.tf".to_string()
            ),
            (
                "AUTH003".to_string(),
                "module.orders.aws_lambda_function.this".to_string(),
                "project/modules/lambda/main.tf".to_string()
            ),
        ],
        "{:#?}",
        scan.findings
    );
    // The registry module is named, not guessed at.
    assert_eq!(scan.warnings.len(), 1, "{:?}", scan.warnings);
    assert!(scan.warnings[0].contains("project/app/main.tf:"));
    assert!(scan.warnings[0].contains("terraform-aws-modules/vpc/aws"));
}

#[test]
fn a_module_folder_that_was_not_scanned_is_reported_not_guessed() {
    let files = project_files();
    let (path, text) = &files[0];
    let scan = scan_template(path, text, &ServerlessSettings::default());
    assert!(scan.inventories[0].functions.is_empty());
    assert_eq!(scan.warnings.len(), 3, "{:?}", scan.warnings);
    assert!(scan.warnings[0].contains("project/modules/lambda is not among the scanned files"));
}

#[test]
fn for_each_and_count_instances_get_terraform_addresses() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/terraform");
    let settings = ServerlessSettings {
        runtime_cutoff: Some("2026-11-01".into()),
        ..ServerlessSettings::default()
    };
    let for_each = std::fs::read_to_string(dir.join("for-each-fail.tf")).unwrap();
    let scan = scan_template("for-each-fail.tf", &for_each, &settings);
    let inv = &scan.inventories[0];
    let names: Vec<(&str, &str)> = inv
        .functions
        .iter()
        .map(|f| (f.resource.as_str(), f.name.as_str()))
        .collect();
    assert_eq!(
        names,
        vec![
            ("aws_lambda_function.fn[\"orders\"]", "svc-orders"),
            ("aws_lambda_function.fn[\"reports\"]", "svc-reports"),
        ]
    );
    let cold003: Vec<_> = scan
        .findings
        .iter()
        .filter(|f| f.rule_id == "COLD003")
        .collect();
    assert_eq!(cold003.len(), 1);
    assert_eq!(
        cold003[0].location.resource.as_deref(),
        Some("aws_lambda_function.fn[\"reports\"]")
    );

    let count = std::fs::read_to_string(dir.join("count-fail.tf")).unwrap();
    let scan = scan_template("count-fail.tf", &count, &settings);
    let timeouts: Vec<(&str, Option<i64>)> = scan.inventories[0]
        .functions
        .iter()
        .map(|f| (f.name.as_str(), f.timeout.value().copied()))
        .collect();
    assert_eq!(
        timeouts,
        vec![("worker-0", Some(30)), ("worker-1", Some(900))]
    );
}

#[test]
fn module_cycles_self_calls_and_huge_counts_stay_bounded() {
    let a = r#"
module "b" {
  source = "../b"
}
module "me" {
  source = "./"
}
resource "aws_lambda_function" "many" {
  count         = 100000000
  function_name = "f-${count.index}"
  role          = "r"
  runtime       = "nodejs22.x"
}
"#;
    let b = r#"
module "a" {
  source = "../a"
  count  = 50
}
"#;
    let mut project = TerraformProject::default();
    project.add_file("p/a/main.tf", a);
    project.add_file("p/b/main.tf", b);
    // Each folder calls the other: neither is a root by calls, so both are read.
    assert_eq!(project.roots(), vec!["p/a", "p/b"]);
    let scan = project.scan_root("p/a", &ServerlessSettings::default());
    assert!(scan.errors.is_empty(), "{:?}", scan.errors);
    assert_eq!(scan.inventories[0].functions.len(), 64);
    assert!(
        scan.warnings.iter().any(|w| w.contains("(a cycle)")),
        "{:?}",
        scan.warnings
    );
    let scan = project.scan_root("p/b", &ServerlessSettings::default());
    // 50 instances of a, each with 64 functions; a's calls back to b are cycles.
    assert_eq!(scan.inventories[0].functions.len(), 50 * 64);
}
