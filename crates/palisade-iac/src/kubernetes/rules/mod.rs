//! Kubernetes rules: the Pod Security Standards (baseline and restricted) as ISO001–ISO017,
//! further isolation rules (ISO018–ISO023) and the image rules that belong to manifests
//! (IMG001–IMG003), and the secret hygiene of manifests (SEC200–SEC202, using the
//! detectors of `palisade-secrets`). One file per rule, its documentation at the top.

use palisade_core::{Finding, RuleMeta};
use palisade_yaml::Node;

use super::{ClusterContext, K8sObject, PodView};

mod img001_mutable_tag;
mod img002_no_digest;
mod img003_pull_policy;
mod iso001_host_process;
mod iso002_host_namespaces;
mod iso003_privileged;
mod iso004_capabilities_baseline;
mod iso005_host_path;
mod iso006_host_ports;
mod iso007_apparmor;
mod iso008_selinux;
mod iso009_proc_mount;
mod iso010_seccomp_baseline;
mod iso011_sysctls;
mod iso012_volume_types;
mod iso013_privilege_escalation;
mod iso014_run_as_non_root;
mod iso015_run_as_root_user;
mod iso016_seccomp_restricted;
mod iso017_capabilities_restricted;
mod iso018_read_only_root;
mod iso019_resource_limits;
mod iso020_service_account_token;
mod iso021_sandboxed_runtime;
mod iso022_namespace_pss_label;
mod iso023_cpu_limit;
mod sec200_secret_manifest_literal;
mod sec201_configmap_secret;
mod sec202_env_literal_secret;

/// How a rule looks at the cluster state.
#[derive(Clone, Copy)]
pub enum Check {
    /// Runs on every workload's pod spec.
    Pod(fn(&PodView, &ClusterContext, &mut Vec<Finding>)),
    /// Runs on every object.
    Object(fn(&K8sObject, &ClusterContext, &mut Vec<Finding>)),
}

/// A Kubernetes rule: its metadata and its check.
#[derive(Clone, Copy)]
pub struct K8sRule {
    pub meta: &'static RuleMeta,
    pub check: Check,
}

macro_rules! pod_rule {
    ($m:ident) => {
        K8sRule {
            meta: &$m::RULE,
            check: Check::Pod($m::check),
        }
    };
}

static ALL: &[K8sRule] = &[
    pod_rule!(iso001_host_process),
    pod_rule!(iso002_host_namespaces),
    pod_rule!(iso003_privileged),
    pod_rule!(iso004_capabilities_baseline),
    pod_rule!(iso005_host_path),
    pod_rule!(iso006_host_ports),
    pod_rule!(iso007_apparmor),
    pod_rule!(iso008_selinux),
    pod_rule!(iso009_proc_mount),
    pod_rule!(iso010_seccomp_baseline),
    pod_rule!(iso011_sysctls),
    pod_rule!(iso012_volume_types),
    pod_rule!(iso013_privilege_escalation),
    pod_rule!(iso014_run_as_non_root),
    pod_rule!(iso015_run_as_root_user),
    pod_rule!(iso016_seccomp_restricted),
    pod_rule!(iso017_capabilities_restricted),
    pod_rule!(iso018_read_only_root),
    pod_rule!(iso019_resource_limits),
    pod_rule!(iso020_service_account_token),
    pod_rule!(iso021_sandboxed_runtime),
    pod_rule!(iso023_cpu_limit),
    K8sRule {
        meta: &iso022_namespace_pss_label::RULE,
        check: Check::Object(iso022_namespace_pss_label::check),
    },
    pod_rule!(img001_mutable_tag),
    pod_rule!(img002_no_digest),
    pod_rule!(img003_pull_policy),
    K8sRule {
        meta: &sec200_secret_manifest_literal::RULE,
        check: Check::Object(sec200_secret_manifest_literal::check),
    },
    K8sRule {
        meta: &sec201_configmap_secret::RULE,
        check: Check::Object(sec201_configmap_secret::check),
    },
    pod_rule!(sec202_env_literal_secret),
];

/// Every Kubernetes rule, in id order of declaration.
pub fn all() -> &'static [K8sRule] {
    ALL
}

/// Runs every rule on one object.
pub fn check_object(obj: &K8sObject, cx: &ClusterContext, out: &mut Vec<Finding>) {
    let pod = PodView::of_with(obj, &cx.pod_templates);
    for rule in ALL {
        match rule.check {
            Check::Pod(f) => {
                if let Some(pod) = &pod {
                    f(pod, cx, out);
                }
            }
            Check::Object(f) => f(obj, cx, out),
        }
    }
}

/// A finding of `rule` on `node` of the pod's object.
pub(crate) fn at(rule: &'static RuleMeta, pod: &PodView, node: &Node, message: String) -> Finding {
    Finding::new(rule, message, pod.object.location(node))
}
