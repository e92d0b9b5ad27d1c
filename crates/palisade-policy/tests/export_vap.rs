//! `palisade policy export vap`: each exported ValidatingAdmissionPolicy, evaluated by the
//! CEL engine on the Kubernetes rules' pass and fail fixtures (every Pod and pod-template
//! workload in the fixtures of every rule, its own among them), gives the verdict of the
//! Rust rule on every object.

use std::path::Path;

use palisade_iac::kubernetes::{check, ManifestFile};
use palisade_policy::export::{exported_rules, vap_documents, Action};
use palisade_policy::{yaml_to_json, PolicySet, Source, Subject};

/// The (apiVersion, kind) pairs the exported policies match.
const KINDS: &[(&str, &str)] = &[
    ("v1", "Pod"),
    ("apps/v1", "Deployment"),
    ("apps/v1", "StatefulSet"),
    ("apps/v1", "DaemonSet"),
    ("apps/v1", "ReplicaSet"),
    ("v1", "ReplicationController"),
    ("batch/v1", "Job"),
    ("batch/v1", "CronJob"),
];

fn meta(id: &str) -> Option<&'static palisade_core::RuleMeta> {
    palisade_iac::kubernetes::rules::all()
        .iter()
        .map(|r| r.meta)
        .find(|m| m.id == id)
}

fn resource(object: &serde_json::Value) -> String {
    let s = |p: &str| object.pointer(p).and_then(|v| v.as_str()).unwrap_or("");
    let ns = match s("/metadata/namespace") {
        "" => "default",
        ns => ns,
    };
    format!("{}/{}/{}", s("/kind"), ns, s("/metadata/name"))
}

#[test]
fn exported_policies_agree_with_the_rules() {
    let docs = vap_documents(Action::Deny, meta);
    let yaml: String = docs
        .iter()
        .map(|d| format!("---\n{}\n", serde_json::to_string(d).unwrap()))
        .collect();
    let set = PolicySet::from_text("export.yaml", &yaml);
    assert!(set.errors.is_empty(), "{:?}", set.errors);
    assert_eq!(set.admission.len(), exported_rules().len());
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../palisade-iac/tests/fixtures");
    let (mut compared, mut differ) = (0, Vec::new());
    let mut files = Vec::new();
    for dir in std::fs::read_dir(&fixtures).unwrap() {
        let dir = dir.unwrap().path();
        for file in std::fs::read_dir(&dir).unwrap() {
            files.push(file.unwrap().path());
        }
    }
    files.sort();
    for id in exported_rules() {
        assert!(fixtures.join(id).is_dir(), "{id} has no fixtures");
    }
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let Ok(loaded) = palisade_yaml::load(&text) else {
            continue; // fixtures of malformed input
        };
        let objects: Vec<serde_json::Value> =
            loaded.iter().map(|d| yaml_to_json(&d.root)).collect();
        let file = ManifestFile::new("f.yaml", &text, loaded);
        let findings = check(&[file]).findings;
        let subjects: Vec<Subject> = objects
            .iter()
            .filter(|o| {
                let at = |k: &str| o[k].as_str().unwrap_or("");
                KINDS.contains(&(at("apiVersion"), at("kind")))
            })
            .map(|o| Subject::created(o.clone(), path.display().to_string()))
            .collect();
        let evaluation = set.evaluate(&subjects, &[]);
        for (pi, id) in exported_rules().into_iter().enumerate() {
            for (i, subject) in subjects.iter().enumerate() {
                let name = resource(&subject.object);
                let rust = findings
                    .iter()
                    .any(|f| f.rule_id == id && f.location.resource.as_deref() == Some(&name));
                let by_policy: Vec<&str> = evaluation
                    .violations
                    .iter()
                    .filter(|v| v.object == i && v.source == Source::Admission(pi))
                    .map(|v| v.message.as_str())
                    .collect();
                compared += 1;
                let by_cel = !by_policy.is_empty();
                if rust != by_cel {
                    differ.push(format!(
                        "{id} {} {name}: rule {rust}, exported policy {by_policy:?}",
                        path.strip_prefix(&fixtures).unwrap().display()
                    ));
                }
            }
        }
    }
    eprintln!(
        "{compared} fixture objects compared, {} differ",
        differ.len()
    );
    assert!(compared >= 700, "only {compared} objects compared");
    assert!(differ.is_empty(), "{differ:#?}");
}
