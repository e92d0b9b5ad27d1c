//! A ConstraintTemplate and its constraints as a team writes them, evaluated over objects.

use palisade_core::{Practice, Severity};
use palisade_policy::{PolicySet, Subject};
use serde_json::json;

const TEMPLATE: &str = r#"
apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata:
  name: k8sallowedrepos
  annotations:
    metadata.gatekeeper.sh/title: "Allowed Repositories"
spec:
  crd:
    spec:
      names:
        kind: K8sAllowedRepos
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: |
        package k8sallowedrepos
        import data.lib.repos.allowed
        violation[{"msg": msg}] {
          container := input.review.object.spec.containers[_]
          not allowed(container.image)
          msg := sprintf("container <%v> has an invalid image repo <%v>, allowed repos are %v", [container.name, container.image, input.parameters.repos])
        }
      libs:
        - |
          package lib.repos
          allowed(image) {
            startswith(image, input.parameters.repos[_])
          }
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sAllowedRepos
metadata:
  name: prod-repos
  annotations:
    palisade.dev/practice: IMG
spec:
  enforcementAction: warn
  match:
    kinds: [{apiGroups: [""], kinds: ["Pod"]}]
    excludedNamespaces: ["kube-system"]
  parameters:
    repos: ["registry.example.com/"]
"#;

fn pod(namespace: &str, image: &str) -> Subject {
    Subject::created(
        json!({"apiVersion": "v1", "kind": "Pod",
               "metadata": {"name": "web", "namespace": namespace},
               "spec": {"containers": [{"name": "app", "image": image}]}}),
        "test",
    )
}

#[test]
fn a_constraint_reports_what_its_template_writes() {
    let set = PolicySet::from_text("policies.yaml", TEMPLATE);
    assert!(set.errors.is_empty(), "{:?}", set.errors);
    let constraint = &set.constraints[0];
    assert_eq!(constraint.rule_id(), "POL:K8sAllowedRepos/prod-repos");
    assert_eq!(constraint.practice, Practice::Img);
    assert_eq!(constraint.severity, Severity::Medium, "warn is medium");

    let subjects = [
        pod("shop", "docker.io/nginx"),
        pod("shop", "registry.example.com/nginx"),
        pod("kube-system", "docker.io/coredns"),
    ];
    let evaluation = set.evaluate(&subjects, &[]);
    assert!(evaluation.errors.is_empty(), "{:?}", evaluation.errors);
    assert_eq!(evaluation.violations.len(), 1);
    assert_eq!(evaluation.violations[0].object, 0);
    assert_eq!(
        evaluation.violations[0].message,
        r#"container <app> has an invalid image repo <docker.io/nginx>, allowed repos are ["registry.example.com/"]"#
    );
}

#[test]
fn broken_policies_are_errors_naming_file_and_policy() {
    let text = r#"
apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata: {name: broken}
spec:
  crd: {spec: {names: {kind: Broken}}}
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: |
        package broken
        violation[{"msg": msg}] {
---
apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata: {name: hashing}
spec:
  crd: {spec: {names: {kind: Hashing}}}
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: |
        package hashing
        violation[{"msg": msg}] { msg := crypto.x509.parse_certificates(input.review.object.data.cert) }
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: Broken
metadata: {name: not-reported-twice}
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: Nowhere
metadata: {name: orphan}
"#;
    let set = PolicySet::from_text("policies.yaml", text);
    let messages: Vec<String> = set.errors.iter().map(|e| e.to_string()).collect();
    assert_eq!(messages.len(), 3, "{messages:#?}");
    assert!(messages[0]
        .starts_with("policies.yaml:2: ConstraintTemplate broken: the Rego does not compile"));
    assert!(messages[1].contains(
        "ConstraintTemplate hashing: calls `crypto.x509.parse_certificates`, a Rego builtin"
    ));
    assert_eq!(
        messages[2],
        "policies.yaml:28: Nowhere orphan: no ConstraintTemplate defines the kind Nowhere"
    );
    assert!(set.constraints.is_empty());
}

#[test]
fn malformed_yaml_is_an_error_not_a_panic() {
    let set = PolicySet::from_text("bad.yaml", "kind: [unclosed\n  - x: {");
    assert_eq!(set.errors.len(), 1);
    assert!(
        set.errors[0].to_string().starts_with("bad.yaml:"),
        "{}",
        set.errors[0]
    );
}

#[test]
fn referential_policies_read_the_inventory() {
    let text = r#"
apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata: {name: uniquehost}
spec:
  crd: {spec: {names: {kind: UniqueHost}}}
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: |
        package uniquehost
        violation[{"msg": msg}] {
          host := input.review.object.spec.host
          other := data.inventory.namespace[ns][_]["Route"][name]
          other.spec.host == host
          not [ns, name] == [input.review.namespace, input.review.name]
          msg := sprintf("host %v is also used by %v/%v", [host, ns, name])
        }
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: UniqueHost
metadata: {name: unique}
"#;
    let set = PolicySet::from_text("p.yaml", text);
    assert!(set.errors.is_empty(), "{:?}", set.errors);
    let route = |ns: &str, name: &str| {
        json!({"apiVersion": "example.com/v1", "kind": "Route",
               "metadata": {"name": name, "namespace": ns}, "spec": {"host": "shop.example.com"}})
    };
    let objects = [route("a", "one"), route("b", "two")];
    let subjects: Vec<Subject> = objects
        .iter()
        .map(|o| Subject::created(o.clone(), "t"))
        .collect();
    let evaluation = set.evaluate(&subjects, &objects.iter().collect::<Vec<_>>());
    let mut messages: Vec<&str> = evaluation
        .violations
        .iter()
        .map(|v| v.message.as_str())
        .collect();
    messages.sort();
    assert_eq!(
        messages,
        vec![
            "host shop.example.com is also used by a/one",
            "host shop.example.com is also used by b/two"
        ]
    );
}

#[test]
fn odd_shapes_are_errors_or_ignored_never_panics() {
    let text = r#"
apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata: "not a map"
spec: [1, 2]
---
apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata: {name: t}
spec:
  crd: {spec: {names: {kind: T}}}
  targets: {target: admission.k8s.gatekeeper.sh}
---
apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata: {name: celonly}
spec:
  crd: {spec: {names: {kind: CelOnly}}}
  targets:
    - target: admission.k8s.gatekeeper.sh
      code:
        - engine: K8sNativeValidation
          source: {validations: [{expression: "object.spec.("}]}
---
apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata: {name: ok}
spec:
  crd: {spec: {names: {kind: Ok}}}
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: |
        package ok
        violation[{"msg": input.parameters}] { true }
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: Ok
metadata: {name: bad-match}
spec:
  match: {scope: Sometimes}
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: Ok
metadata: {name: bad-action}
spec: {enforcementAction: shout}
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: Ok
metadata: {name: odd-parameters, annotations: {palisade.dev/severity: extreme}}
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: Ok
metadata: {name: fine}
spec: {parameters: "a string", match: {kinds: "Pod", labelSelector: {matchExpressions: [{key: a, operator: DoesNotExist}]}}}
"#;
    let set = PolicySet::from_text("odd.yaml", text);
    let messages: Vec<String> = set.errors.iter().map(|e| e.message.clone()).collect();
    assert_eq!(messages.len(), 6, "{messages:#?}");
    assert!(messages
        .iter()
        .any(|m| m.contains("spec.crd.spec.names.kind is missing")));
    assert!(messages
        .iter()
        .any(|m| m.contains("ConstraintTemplate t: spec.targets is missing")));
    assert!(messages.iter().any(|m| m.contains(
        "ConstraintTemplate celonly: K8sNativeValidation source: validations[0] does not parse"
    )));
    assert!(messages.iter().any(|m| m.contains("scope `Sometimes`")));
    assert!(messages
        .iter()
        .any(|m| m.contains("enforcementAction `shout`")));
    assert!(messages
        .iter()
        .any(|m| m.contains("palisade.dev/severity `extreme`")));
    assert_eq!(set.constraints.len(), 1);
    let pod = Subject::created(
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}}),
        "t",
    );
    let evaluation = set.evaluate(&[pod], &[]);
    assert_eq!(evaluation.violations.len(), 1);
    assert_eq!(evaluation.violations[0].message, "a string");
}

/// A Kyverno rule's `validate.cel.paramKind`: the parameter object its `paramRef` names is
/// taken from the policy files, as the cluster would give it; without it, the rule is an
/// error naming what is missing (unless `parameterNotFoundAction: Allow`).
#[test]
fn kyverno_cel_rules_take_their_parameters_from_the_policy_files() {
    const POLICY: &str = r#"
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: allowed-pod-priorities
spec:
  validationFailureAction: Enforce
  rules:
  - name: validate-pod-priority
    match:
      any:
      - resources:
          kinds: [Pod]
    validate:
      cel:
        paramKind:
          apiVersion: v1
          kind: ConfigMap
        paramRef:
          name: allowed-pod-priorities
          namespace: default
          parameterNotFoundAction: Deny
        variables:
          - name: priorities
            expression: "object.metadata.namespace in params.data ? params.data[object.metadata.namespace].split(', ') : []"
        expressions:
          - expression: "variables.priorities == [] || object.spec.priorityClassName in variables.priorities"
            messageExpression: "'priority class ' + object.spec.priorityClassName + ' is not allowed in ' + object.metadata.namespace"
"#;
    const PARAMS: &str = r#"
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: allowed-pod-priorities
  namespace: default
data:
  shop: "low, medium"
"#;
    let pod = |namespace: &str, class: &str| {
        Subject::created(
            json!({"apiVersion": "v1", "kind": "Pod",
                   "metadata": {"name": "web", "namespace": namespace},
                   "spec": {"priorityClassName": class,
                            "containers": [{"name": "app", "image": "nginx"}]}}),
            "test",
        )
    };
    let set = PolicySet::from_text("policies.yaml", &format!("{POLICY}{PARAMS}"));
    assert!(set.errors.is_empty(), "{:?}", set.errors);
    let subjects = [
        pod("shop", "high"),
        pod("shop", "low"),
        pod("tools", "high"),
    ];
    let evaluation = set.evaluate(&subjects, &[]);
    assert!(evaluation.errors.is_empty(), "{:?}", evaluation.errors);
    assert_eq!(
        evaluation.violations.len(),
        1,
        "{:?}",
        evaluation.violations
    );
    assert_eq!(evaluation.violations[0].object, 0);
    assert_eq!(
        evaluation.violations[0].message,
        "priority class high is not allowed in shop"
    );

    // Without the ConfigMap: an error naming it, and nothing evaluated.
    let set = PolicySet::from_text("policies.yaml", POLICY);
    assert_eq!(set.errors.len(), 1, "{:?}", set.errors);
    let error = &set.errors[0].message;
    assert!(
        error.contains("no ConfigMap (v1) named allowed-pod-priorities among the policy files"),
        "{error}"
    );
    // With `Allow`, a missing parameter object leaves the rule without evaluations.
    let allow = POLICY.replace(
        "parameterNotFoundAction: Deny",
        "parameterNotFoundAction: Allow",
    );
    let set = PolicySet::from_text("policies.yaml", &allow);
    assert!(set.errors.is_empty(), "{:?}", set.errors);
    assert!(set.evaluate(&subjects, &[]).violations.is_empty());
}
