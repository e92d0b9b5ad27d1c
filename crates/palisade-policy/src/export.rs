//! The built-in single-object Kubernetes rules that CEL can express, written as
//! ValidatingAdmissionPolicies with bindings: a cluster can then enforce them with no
//! webhook at all. Each policy matches Pods and the workload kinds that carry a pod
//! template, and reads the pod spec where the kind keeps it. The test
//! `exported_policies_agree_with_the_rules` evaluates every exported policy with the CEL
//! engine on the rule's own pass and fail fixtures and requires the Rust rule's verdicts.

use palisade_core::RuleMeta;
use serde_json::{json, Value};

/// One exported rule: its CEL validation and the variables it needs beyond the common ones.
struct Exported {
    id: &'static str,
    variables: &'static [(&'static str, &'static str)],
    expression: &'static str,
}

/// Variables every exported policy declares: the pod spec and pod annotations wherever the
/// kind keeps them, and its containers.
const COMMON: &[(&str, &str)] = &[
    (
        "podSpec",
        "object.kind == 'Pod' ? object.spec : (object.kind == 'CronJob' ? object.spec.jobTemplate.spec.template.spec : object.spec.template.spec)",
    ),
    (
        "podAnnotations",
        "(object.kind == 'Pod' ? object.metadata.?annotations : (object.kind == 'CronJob' ? object.spec.jobTemplate.spec.template.?metadata.?annotations : object.spec.template.?metadata.?annotations)).orValue({})",
    ),
    (
        "containers",
        "variables.podSpec.?containers.orValue([]) + variables.podSpec.?initContainers.orValue([]) + variables.podSpec.?ephemeralContainers.orValue([])",
    ),
    (
        "windows",
        "variables.podSpec.?os.?name.orValue('').lowerAscii() == 'windows'",
    ),
];

const RULES: &[Exported] = &[
    Exported {
        id: "ISO001",
        variables: &[],
        expression: "variables.podSpec.?securityContext.?windowsOptions.?hostProcess.orValue(false) != true && variables.containers.all(c, c.?securityContext.?windowsOptions.?hostProcess.orValue(false) != true)",
    },
    Exported {
        id: "ISO002",
        variables: &[],
        expression: "['hostNetwork', 'hostPID', 'hostIPC'].all(k, !(k in variables.podSpec) || variables.podSpec[k] != true)",
    },
    Exported {
        id: "ISO003",
        variables: &[],
        expression: "variables.containers.all(c, c.?securityContext.?privileged.orValue(false) != true)",
    },
    Exported {
        id: "ISO005",
        variables: &[],
        expression: "variables.podSpec.?volumes.orValue([]).all(v, !has(v.hostPath))",
    },
    Exported {
        id: "ISO006",
        variables: &[],
        expression: "variables.containers.all(c, c.?ports.orValue([]).all(p, p.?hostPort.orValue(0) == 0))",
    },
    Exported {
        id: "ISO009",
        variables: &[],
        expression: "variables.containers.all(c, c.?securityContext.?procMount.orValue('Default') == 'Default')",
    },
    Exported {
        id: "ISO010",
        variables: &[],
        expression: "variables.podSpec.?securityContext.?seccompProfile.?type.orValue(variables.podAnnotations[?'seccomp.security.alpha.kubernetes.io/pod'].orValue('') == 'unconfined' ? 'Unconfined' : '') != 'Unconfined' && variables.containers.all(c, c.?securityContext.?seccompProfile.?type.orValue(variables.podAnnotations[?('container.seccomp.security.alpha.kubernetes.io/' + c.name)].orValue('') == 'unconfined' ? 'Unconfined' : '') != 'Unconfined')",
    },
    Exported {
        id: "ISO013",
        variables: &[],
        expression: "variables.windows || variables.containers.all(c, c.?securityContext.?allowPrivilegeEscalation.orValue(true) == false)",
    },
    Exported {
        id: "ISO014",
        variables: &[(
            "podNonRoot",
            "variables.podSpec.?securityContext.?runAsNonRoot.orValue(null)",
        )],
        expression: "variables.podNonRoot != false && variables.containers.all(c, c.?securityContext.?runAsNonRoot.hasValue() ? c.securityContext.runAsNonRoot == true : variables.podNonRoot == true)",
    },
    Exported {
        id: "ISO016",
        variables: &[(
            "podSeccomp",
            "variables.podSpec.?securityContext.?seccompProfile.?type.orValue(variables.podAnnotations[?'seccomp.security.alpha.kubernetes.io/pod'].orValue(''))",
        )],
        expression: "variables.windows || variables.containers.all(c, [c.?securityContext.?seccompProfile.?type.orValue(variables.podAnnotations[?('container.seccomp.security.alpha.kubernetes.io/' + c.name)].orValue(variables.podSeccomp))].all(t, t in ['RuntimeDefault', 'Localhost', 'Unconfined', 'runtime/default', 'docker/default', 'unconfined'] || t.startsWith('localhost/')))",
    },
    Exported {
        id: "ISO018",
        variables: &[],
        expression: "(variables.podSpec.?containers.orValue([]) + variables.podSpec.?initContainers.orValue([])).all(c, c.?securityContext.?readOnlyRootFilesystem.orValue(false) == true)",
    },
    Exported {
        id: "IMG001",
        variables: &[],
        expression: "variables.containers.all(c, !has(c.image) || c.image.contains('@') || (c.image.matches(':[^:/]+$') && !c.image.endsWith(':latest')))",
    },
];

/// The kinds the exported policies match, as `(apiGroup, resources)`.
const KINDS: &[(&str, &[&str])] = &[
    ("", &["pods", "replicationcontrollers"]),
    (
        "apps",
        &["deployments", "statefulsets", "daemonsets", "replicasets"],
    ),
    ("batch", &["jobs", "cronjobs"]),
];

/// What a binding does with a violation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Deny,
    Warn,
    Audit,
}

impl Action {
    fn as_str(self) -> &'static str {
        match self {
            Action::Deny => "Deny",
            Action::Warn => "Warn",
            Action::Audit => "Audit",
        }
    }
}

/// The ids of the rules that are exported.
pub fn exported_rules() -> Vec<&'static str> {
    RULES.iter().map(|r| r.id).collect()
}

/// Every exported rule as a ValidatingAdmissionPolicy and its binding (`action` for the
/// binding's `validationActions`), in rule order; `meta` looks a rule's metadata up.
pub fn vap_documents(
    action: Action,
    meta: impl Fn(&str) -> Option<&'static RuleMeta>,
) -> Vec<Value> {
    let mut out = Vec::new();
    for rule in RULES {
        let Some(meta) = meta(rule.id) else { continue };
        let name = format!("palisade-{}", rule.id.to_ascii_lowercase());
        let variables: Vec<Value> = COMMON
            .iter()
            .chain(rule.variables)
            .map(|(name, expression)| json!({"name": name, "expression": expression}))
            .collect();
        let resource_rules: Vec<Value> = KINDS
            .iter()
            .map(|(group, resources)| {
                json!({
                    "apiGroups": [group],
                    "apiVersions": ["v1"],
                    "operations": ["CREATE", "UPDATE"],
                    "resources": resources,
                })
            })
            .collect();
        out.push(json!({
            "apiVersion": "admissionregistration.k8s.io/v1",
            "kind": "ValidatingAdmissionPolicy",
            "metadata": {
                "name": name,
                "annotations": {
                    "palisade.dev/rule": rule.id,
                    "palisade.dev/title": meta.title,
                    "palisade.dev/practice": meta.practice.code(),
                    "palisade.dev/severity": meta.severity.to_string(),
                },
            },
            "spec": {
                "failurePolicy": "Fail",
                "matchConstraints": {"resourceRules": resource_rules},
                "variables": variables,
                "validations": [{
                    "expression": rule.expression,
                    "message": format!("{}: {} (Palisade rule {}; `palisade rule {}` explains it)", rule.id, meta.title, rule.id, rule.id),
                    "reason": "Invalid",
                }],
            },
        }));
        out.push(json!({
            "apiVersion": "admissionregistration.k8s.io/v1",
            "kind": "ValidatingAdmissionPolicyBinding",
            "metadata": {"name": name},
            "spec": {
                "policyName": name,
                "validationActions": [action.as_str()],
            },
        }));
    }
    out
}
