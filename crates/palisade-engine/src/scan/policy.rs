//! User policies in the cross-object pass: the manifests of the scan are read again (the
//! per-file pass drops their trees), evaluated together by `palisade-policy` (they form
//! the inventory referential policies look in), and the violations join the report.

use palisade_core::ScanReport;
use palisade_iac::kubernetes::ManifestFile;
use rayon::prelude::*;

use super::{document_text, is_document_name, load_manifest, may_be_manifest, ManifestLoad};
use crate::source::{read_bounded, FileEntry};
use crate::Engine;

impl Engine {
    /// Adds the findings and errors of the configured policies over `files`' manifests.
    pub(super) fn check_policies(&self, files: &[FileEntry], report: &mut ScanReport) {
        let Some(policies) = &self.settings.policies else {
            return;
        };
        let scanners = self.settings.scanners;
        // Unreadable and malformed files were reported by the per-file pass already.
        let manifests: Vec<ManifestFile> = files
            .par_iter()
            .filter(|entry| may_be_manifest(entry, scanners))
            .filter_map(|entry| {
                let bytes = read_bounded(entry, super::MAX_DOCUMENT_BYTES).ok()??;
                let text = document_text(&entry.display, &bytes, false).ok()?;
                match load_manifest(&entry.display, text, is_document_name(&entry.display)) {
                    ManifestLoad::Manifest(manifest) => Some(manifest),
                    _ => None,
                }
            })
            .collect();
        let outcome = palisade_policy::check_manifests(policies, &manifests);
        report.findings.extend(outcome.findings);
        report.suppressed.extend(outcome.suppressed);
        report.errors.extend(outcome.errors);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use crate::{Engine, FileEntry, Settings};

    const POLICY: &str = r#"
apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata: {name: k8srequiredteam}
spec:
  crd: {spec: {names: {kind: K8sRequiredTeam}}}
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: |
        package k8srequiredteam
        violation[{"msg": msg}] {
          not input.review.object.metadata.labels.team
          msg := sprintf("%v %v has no team label", [input.review.kind.kind, input.review.name])
        }
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sRequiredTeam
metadata: {name: team}
spec:
  match: {kinds: [{apiGroups: ["apps"], kinds: ["Deployment"]}]}
"#;

    const MANIFESTS: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {team: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: worker
---
# palisade:ignore POL:K8sRequiredTeam/team legacy job, owned by ops
apiVersion: apps/v1
kind: Deployment
metadata:
  name: legacy
"#;

    fn engine() -> Engine {
        let policies = palisade_policy::PolicySet::from_text("policies.yaml", POLICY);
        assert!(policies.errors.is_empty(), "{:?}", policies.errors);
        Engine::new(Settings {
            policies: Some(Arc::new(policies)),
            ..Settings::default()
        })
        .unwrap()
    }

    #[test]
    fn violations_are_findings_at_the_object_and_suppressible() {
        let report =
            engine().scan_documents(vec![FileEntry::memory("deploy.yaml", MANIFESTS.as_bytes())]);
        let pol: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.rule_id.starts_with("POL:"))
            .collect();
        assert_eq!(pol.len(), 1, "{pol:#?}");
        assert_eq!(pol[0].rule_id, "POL:K8sRequiredTeam/team");
        assert_eq!(pol[0].message, "Deployment worker has no team label");
        assert_eq!(pol[0].severity, palisade_core::Severity::High);
        assert_eq!(pol[0].practice, palisade_core::Practice::Iso);
        assert_eq!(pol[0].location.path, "deploy.yaml");
        assert_eq!(pol[0].location.line, Some(10), "the object's metadata.name");
        let suppressed: Vec<_> = report
            .suppressed
            .iter()
            .filter(|f| f.rule_id.starts_with("POL:"))
            .collect();
        assert_eq!(suppressed.len(), 1);
        assert!(report.errors.is_empty(), "{:?}", report.errors);
    }

    #[test]
    fn api_objects_are_located_by_name_and_field() {
        let objects = crate::objects_from_dump("dump.yaml", MANIFESTS).unwrap();
        let scan = engine().scan_objects(&objects);
        let pol: Vec<_> = scan
            .report
            .findings
            .iter()
            .filter(|f| f.rule_id.starts_with("POL:"))
            .collect();
        assert_eq!(
            pol.len(),
            2,
            "an API object has no comment to silence it: {pol:#?}"
        );
        let worker = pol.iter().find(|f| f.message.contains("worker")).unwrap();
        assert_eq!(worker.location.path, "Deployment/worker");
        assert_eq!(worker.location.field.as_deref(), Some("metadata.name"));
    }

    #[test]
    fn policy_errors_are_scan_errors_and_the_scan_goes_on() {
        let policies = palisade_policy::PolicySet::from_text(
            "policies.yaml",
            "apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: Missing\nmetadata: {name: m}\n",
        );
        let engine = Engine::new(Settings {
            policies: Some(Arc::new(policies)),
            ..Settings::default()
        })
        .unwrap();
        let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - {name: a, image: nginx:1.27, securityContext: {privileged: true}}\n";
        let report = engine.scan_documents(vec![FileEntry::memory("pod.yaml", pod.as_bytes())]);
        assert_eq!(report.errors.len(), 1);
        assert_eq!(report.errors[0].path, "policies.yaml");
        assert!(report.errors[0]
            .message
            .contains("no ConstraintTemplate defines the kind Missing"));
        assert!(!report.findings.is_empty(), "built-in rules still ran");
    }
}
