//! `palisade scan --policy` and `palisade policy test`: a team's Gatekeeper template and
//! constraint run over its manifests, and its suite run like `gator verify`.

use crate::common;

use std::path::Path;

use common::{palisade, stderr, stdout};

const TEMPLATE: &str = r#"apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata:
  name: k8srequiredlabels
  annotations:
    metadata.gatekeeper.sh/title: "Required Labels"
    description: Requires resources to carry the labels the constraint lists.
spec:
  crd:
    spec:
      names:
        kind: K8sRequiredLabels
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: |
        package k8srequiredlabels
        violation[{"msg": msg, "details": {"missing_labels": missing}}] {
          provided := {label | input.review.object.metadata.labels[label]}
          required := {label | label := input.parameters.labels[_]}
          missing := required - provided
          count(missing) > 0
          msg := sprintf("you must provide labels: %v", [missing])
        }
"#;

const CONSTRAINT: &str = r#"apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sRequiredLabels
metadata:
  name: deployments-need-owner
  annotations:
    palisade.dev/practice: LOG
spec:
  enforcementAction: warn
  match:
    kinds:
      - apiGroups: ["apps"]
        kinds: ["Deployment"]
    excludedNamespaces: ["kube-system"]
  parameters:
    labels: ["owner"]
"#;

fn deployment(name: &str, labels: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  namespace: shop\n  labels: {labels}\nspec:\n  selector: {{matchLabels: {{app: {name}}}}}\n  template:\n    metadata: {{labels: {{app: {name}}}}}\n    spec:\n      containers:\n        - name: app\n          image: registry.example.com/{name}:1.4.2\n"
    )
}

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "policies/template.yaml", TEMPLATE);
    write(dir.path(), "policies/constraint.yaml", CONSTRAINT);
    write(
        dir.path(),
        "k8s/fail.yaml",
        &deployment("web", "{app: web}"),
    );
    write(
        dir.path(),
        "k8s/pass.yaml",
        &deployment("api", "{owner: team-shop}"),
    );
    dir
}

fn policy_findings(report: &serde_json::Value) -> Vec<&serde_json::Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"].as_str().unwrap().starts_with("POL:"))
        .collect()
}

#[test]
fn scan_with_policy_reports_the_violation_as_a_finding() {
    let dir = project();
    let out = palisade(
        dir.path(),
        &["scan", "k8s", "--policy", "policies", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let found = policy_findings(&report);
    assert_eq!(found.len(), 1, "{found:#?}");
    let f = found[0];
    assert_eq!(f["rule_id"], "POL:K8sRequiredLabels/deployments-need-owner");
    assert_eq!(f["practice"], "LOG");
    assert_eq!(f["severity"], "medium", "enforcementAction warn");
    assert_eq!(f["title"], "Required Labels");
    assert_eq!(f["message"], r#"you must provide labels: {"owner"}"#);
    assert_eq!(f["location"]["path"], "fail.yaml");
    assert_eq!(f["location"]["line"], 4);
    assert_eq!(f["location"]["resource"], "Deployment/shop/web");
    assert_eq!(report["errors"].as_array().unwrap().len(), 0);
}

#[test]
fn a_broken_policy_is_an_error_and_the_scan_goes_on() {
    let dir = project();
    write(
        dir.path(),
        "policies/orphan.yaml",
        "apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sNoSuchTemplate\nmetadata:\n  name: orphan\n",
    );
    let out = palisade(
        dir.path(),
        &["scan", "k8s", "--policy", "policies", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        policy_findings(&report).len(),
        1,
        "the good policy still ran"
    );
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0]["path"], "policies/orphan.yaml");
    assert_eq!(
        errors[0]["message"],
        "K8sNoSuchTemplate orphan: no ConstraintTemplate defines the kind K8sNoSuchTemplate"
    );
}

#[test]
fn policy_test_runs_suites_like_gator_verify() {
    let dir = project();
    write(
        dir.path(),
        "policies/suite.yaml",
        r#"kind: Suite
apiVersion: test.gatekeeper.sh/v1alpha1
metadata:
  name: required-labels
tests:
- name: owner
  template: template.yaml
  constraint: constraint.yaml
  cases:
  - name: missing-owner
    object: ../k8s/fail.yaml
    assertions:
    - violations: yes
      message: "owner"
  - name: has-owner
    object: ../k8s/pass.yaml
    assertions:
    - violations: no
  - name: wrong-expectation
    object: ../k8s/pass.yaml
    assertions:
    - violations: 1
"#,
    );
    let out = palisade(
        dir.path(),
        &["policy", "test", "policies", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(1), "a case fails: {}", stderr(&out));
    let run: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(run["passed"], 2);
    assert_eq!(run["failed"], 1);
    let cases = run["cases"].as_array().unwrap();
    assert_eq!(cases[0]["suite"], "policies/suite.yaml");
    assert_eq!(cases[0]["name"], "owner/missing-owner");
    assert_eq!(cases[0]["engine"], "rego");
    assert_eq!(cases[0]["passed"], true);
    assert_eq!(cases[0]["reason"], serde_json::Value::Null);
    assert_eq!(cases[2]["passed"], false);
    assert_eq!(
        cases[2]["reason"],
        "expected violations: 1, got 0 (violations: none)"
    );

    let table = palisade(dir.path(), &["policy", "test", "policies"]);
    let text = stdout(&table);
    assert!(
        text.contains("ok   rego    policies/suite.yaml owner/has-owner"),
        "{text}"
    );
    assert!(
        text.contains("FAIL rego    policies/suite.yaml owner/wrong-expectation"),
        "{text}"
    );
    assert!(
        text.ends_with("2 passed, 1 failed (rego: 2 passed, 1 failed)\n"),
        "{text}"
    );
}

/// A ValidatingAdmissionPolicy limiting replicas through a `ReplicaLimit` parameter object
/// and Kyverno's `require-run-as-nonroot` ValidatingPolicy, over three Deployments (the
/// README's example).
fn cel_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::copy_dir(
        &common::repo_root().join("crates/palisade-cli/tests/fixtures/readme/policy"),
        dir.path(),
    );
    dir
}

#[test]
fn scan_with_cel_policies_reports_vap_and_kyverno_violations() {
    let dir = cel_project();
    let out = palisade(
        dir.path(),
        &["scan", "k8s", "--policy", "policies", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["errors"].as_array().unwrap().len(), 0, "{report:#}");
    let mut found: Vec<(String, String, String, String)> = policy_findings(&report)
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_string(),
                f["location"]["resource"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    found.sort();
    assert_eq!(
        found,
        vec![
            (
                "POL:replica-limit/replica-limit-shop".to_string(),
                "Deployment/shop/big".to_string(),
                "high".to_string(),
                "replicas 5 exceed 3".to_string()
            ),
            (
                "POL:require-run-as-nonroot".to_string(),
                "Deployment/shop/root".to_string(),
                "medium".to_string(),
                "Containers must set runAsNonRoot.".to_string()
            ),
        ],
        "the Kyverno Pod policy judges the Deployment's pod template (autogen)"
    );
    let practice = policy_findings(&report)
        .iter()
        .find(|f| f["rule_id"] == "POL:replica-limit/replica-limit-shop")
        .map(|f| f["practice"].clone());
    assert_eq!(practice, Some(serde_json::json!("COLD")));
    // Each finding points at the field its expression reads: through the variable for the
    // VAP, and inside the pod template for the Kyverno Pod policy applied to a Deployment.
    let mut places: Vec<(String, u64)> = policy_findings(&report)
        .iter()
        .map(|f| {
            (
                f["location"]["path"].as_str().unwrap().to_string(),
                f["location"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    places.sort();
    // big.yaml line 7 is spec.replicas; root.yaml line 13 spec.template.spec.containers.
    assert_eq!(
        places,
        vec![("big.yaml".to_string(), 7), ("root.yaml".to_string(), 13)]
    );
}

#[test]
fn cel_that_does_not_parse_or_needs_the_cluster_is_an_error_naming_it() {
    let dir = cel_project();
    write(
        dir.path(),
        "policies/bad.yaml",
        r#"apiVersion: policies.kyverno.io/v1alpha1
kind: ValidatingPolicy
metadata: {name: broken}
spec:
  matchConstraints:
    resourceRules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods]}]
  validations:
    - expression: "object.spec.containers.all(c, "
---
apiVersion: policies.kyverno.io/v1alpha1
kind: ValidatingPolicy
metadata: {name: online}
spec:
  matchConstraints:
    resourceRules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods]}]
  variables:
    - name: cm
      expression: "resource.Get('v1', 'configmaps', 'kyverno', 'allowed')"
  validations:
    - expression: "true"
"#,
    );
    let out = palisade(
        dir.path(),
        &["scan", "k8s", "--policy", "policies", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        policy_findings(&report).len(),
        2,
        "the other policies still ran"
    );
    let errors: Vec<String> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{}: {}",
                e["path"].as_str().unwrap(),
                e["message"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert!(
        errors[0].starts_with(
            "policies/bad.yaml: ValidatingPolicy broken: validations[0] does not parse"
        ),
        "{errors:#?}"
    );
    assert!(
        errors[1].contains("ValidatingPolicy online: variables[0] (cm) calls resource.Get"),
        "{errors:#?}"
    );
}

#[test]
fn cluster_dump_runs_the_same_policies() {
    let dir = cel_project();
    let mut items = Vec::new();
    for name in ["big", "root", "fine"] {
        let text = std::fs::read_to_string(dir.path().join(format!("k8s/{name}.yaml"))).unwrap();
        let docs = palisade_yaml::load(&text).unwrap();
        items.push(palisade_policy::yaml_to_json(&docs[0].root));
    }
    let dump = serde_json::json!({"apiVersion": "v1", "kind": "List", "items": items});
    write(dir.path(), "dump.json", &dump.to_string());
    let out = palisade(
        dir.path(),
        &[
            "cluster",
            "--from-dump",
            "dump.json",
            "--policy",
            "policies",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let mut ids: Vec<String> = policy_findings(&report)
        .iter()
        .map(|f| {
            format!(
                "{} {}",
                f["rule_id"].as_str().unwrap(),
                f["location"]["resource"].as_str().unwrap()
            )
        })
        .collect();
    ids.sort();
    assert_eq!(
        ids,
        vec![
            "POL:replica-limit/replica-limit-shop Deployment/shop/big",
            "POL:require-run-as-nonroot Deployment/shop/root"
        ]
    );
}

#[test]
fn exported_vaps_find_what_the_built_in_rules_find() {
    let dir = cel_project();
    let out = palisade(
        dir.path(),
        &[
            "policy", "export", "vap", "--action", "warn", "-o", "vap.yaml",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = std::fs::read_to_string(dir.path().join("vap.yaml")).unwrap();
    assert_eq!(
        text.matches("kind: ValidatingAdmissionPolicy\n").count(),
        12
    );
    assert_eq!(
        text.matches("kind: ValidatingAdmissionPolicyBinding\n")
            .count(),
        12
    );
    assert!(text.contains("- Warn\n"), "{text}");
    let out = palisade(
        dir.path(),
        &["scan", "k8s", "--policy", "vap.yaml", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["errors"].as_array().unwrap().len(), 0, "{report:#}");
    let mut by_policy: Vec<String> = Vec::new();
    let mut by_rule: Vec<String> = Vec::new();
    for f in report["findings"].as_array().unwrap() {
        let id = f["rule_id"].as_str().unwrap();
        let at = f["location"]["resource"].as_str().unwrap();
        if let Some(rest) = id.strip_prefix("POL:palisade-") {
            let rule = rest.split('/').next().unwrap().to_ascii_uppercase();
            // The rule's own severity and title travel in the policy's annotations.
            let rule_meta = palisade(dir.path(), &["rule", &rule]);
            assert!(
                stdout(&rule_meta).contains(f["title"].as_str().unwrap()),
                "{f}"
            );
            by_policy.push(format!("{rule} {at}"));
        } else if ["ISO013", "ISO014", "ISO016", "ISO018"].contains(&id) {
            by_rule.push(format!("{id} {at}"));
        }
    }
    by_policy.sort();
    by_policy.dedup();
    by_rule.sort();
    by_rule.dedup();
    assert!(!by_rule.is_empty());
    assert_eq!(by_policy, by_rule);
}
