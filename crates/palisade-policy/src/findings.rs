//! Violations of user policies as findings of a scan: located at the object (its
//! `metadata.name`), silenced by the same `palisade:ignore` comments and annotations as the
//! built-in rules, with the policy's own message.

use std::borrow::Cow;

use palisade_core::{Finding, ScanError};
use palisade_iac::kubernetes::ManifestFile;

use crate::{yaml_to_json, PolicySet, Source, Subject};

/// Findings of the policies over a scan's manifests, split by inline suppressions, and the
/// policies that could not be loaded or evaluated.
#[derive(Debug, Default)]
pub struct Outcome {
    pub findings: Vec<Finding>,
    pub suppressed: Vec<Finding>,
    pub errors: Vec<ScanError>,
}

/// Evaluates `policies` over every object of `manifests`, which together are the inventory
/// (`data.inventory`) referential policies look objects up in.
pub fn check_manifests(policies: &PolicySet, manifests: &[ManifestFile]) -> Outcome {
    let mut out = Outcome::default();
    out.errors
        .extend(policies.errors.iter().map(|e| e.to_scan_error()));
    if policies.is_empty() {
        return out;
    }
    let objects: Vec<_> = manifests
        .iter()
        .flat_map(|m| m.objects.iter().map(move |o| (m, o)))
        .collect();
    let subjects: Vec<Subject> = objects
        .iter()
        .map(|(m, o)| {
            Subject::created(
                yaml_to_json(&o.root),
                format!("{}:{}", m.path, o.start_line),
            )
        })
        .collect();
    let inventory: Vec<&serde_json::Value> = subjects.iter().map(|s| &s.object).collect();
    let evaluation = policies.evaluate(&subjects, &inventory);
    out.errors
        .extend(evaluation.errors.iter().map(|e| e.to_scan_error()));
    for violation in evaluation.violations {
        let (manifest, object) = objects[violation.object];
        // The deepest node of the field the policy names that the object has, else the name.
        let mut field = None;
        for key in &violation.field {
            match field.unwrap_or(&object.root).get(key) {
                Some(node) => field = Some(node),
                None => break,
            }
        }
        let at = field
            .or_else(|| object.root.get("metadata").and_then(|m| m.get("name")))
            .unwrap_or(&object.root);
        // In a file the line is the place (API objects get their field path from it).
        let mut finding = policies.finding(&violation, object.location(at));
        match palisade_core::suppression(&manifest.ignores, Some(&object.markers()), &finding) {
            Some(by) => {
                finding.suppressed = Some(Box::new(by));
                out.suppressed.push(finding);
            }
            None => out.findings.push(finding),
        }
    }
    out
}

impl PolicySet {
    /// The finding of `violation`, at `location`: the policy's rule id, practice, severity,
    /// title and message.
    pub fn finding(
        &self,
        violation: &crate::Violation,
        location: palisade_core::Location,
    ) -> Finding {
        let (rule_id, practice, severity, title, remediation, reference) = match violation.source {
            Source::Constraint(i) => {
                let constraint = &self.constraints[i];
                let template = &constraint.template;
                (
                    constraint.rule_id(),
                    constraint.practice,
                    constraint.severity,
                    template.title.clone(),
                    template.description.clone(),
                    format!(
                        "{} (ConstraintTemplate {}), {} (constraint {})",
                        template.file, template.name, constraint.file, constraint.name
                    ),
                )
            }
            Source::Admission(i) => {
                let policy = &self.admission[i];
                (
                    policy.rule_id(),
                    policy.practice,
                    policy.severity,
                    policy.title.clone(),
                    policy.description.clone(),
                    format!("{} ({})", policy.file, policy.name),
                )
            }
        };
        Finding {
            rule_id: Cow::Owned(rule_id),
            practice,
            severity,
            title: Cow::Owned(title),
            message: violation.message.clone(),
            location,
            remediation: remediation.map(Cow::Owned),
            references: Cow::Owned(vec![reference]),
            package: None,
            aliases: Vec::new(),
            secret: None,
            evidence: Vec::new(),
            suppressed: None,
        }
    }
}
