//! Reading policy files and folders into a [`PolicySet`]: templates first, then each
//! constraint bound to the template of its kind. Files that hold neither (a suite, a
//! kustomization, sample objects beside the policies) are passed over.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;

use crate::gatekeeper::{constraint_from, template_from};
use crate::json::{text, yaml_to_json};
use crate::{PolicyError, PolicySet};

/// Largest policy file read.
pub const MAX_POLICY_FILE_BYTES: u64 = 8 * 1024 * 1024;
/// Deepest folder walked under a policy path.
const MAX_DEPTH: usize = 32;

/// A YAML/JSON document of a policy file, as JSON, with where it starts.
pub(crate) struct LoadedDocument {
    pub file: String,
    pub line: Option<u32>,
    pub value: Value,
}

/// The documents of a YAML/JSON stream (`file` names it in errors).
///
/// The engines these files are written for read them with Go's YAML, a port of libyaml,
/// which accepts a few things YAML 1.2 does not (a quoted scalar continued at its key's
/// indentation, as in the Gatekeeper library's `httpsonly` template). A stream that the
/// project's parser refuses is read again the way libyaml reads it; when that fails too,
/// the error is the first parser's, with its line and column.
pub(crate) fn documents(file: &str, text: &str) -> Result<Vec<LoadedDocument>, PolicyError> {
    let docs = match palisade_yaml::load(text) {
        Ok(docs) => docs,
        Err(e) => {
            return documents_as_go_reads_them(file, text).ok_or_else(|| {
                PolicyError::new(
                    file,
                    Some(e.line),
                    format!("invalid YAML at column {}: {}", e.column, e.message),
                )
            })
        }
    };
    Ok(docs
        .iter()
        .map(|d| LoadedDocument {
            file: file.to_string(),
            line: Some(d.root.pos.line.max(d.start_line)),
            value: yaml_to_json(&d.root),
        })
        .filter(|d| !d.value.is_null())
        .collect())
}

/// The documents of `text` as libyaml reads them, `None` when it refuses them too. Their
/// lines are those of the `---` lines that start them (the first document: line 1).
fn documents_as_go_reads_them(file: &str, text: &str) -> Option<Vec<LoadedDocument>> {
    use serde::Deserialize;
    let mut out = Vec::new();
    for document in serde_yaml_neo::Deserializer::from_str(text) {
        let value = Value::deserialize(document).ok()?;
        if !value.is_null() {
            out.push(value);
        }
    }
    let mut starts = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.starts_with("---"))
        .map(|(i, _)| i as u32 + 1);
    let first_is_marked = text.trim_start().starts_with("---");
    let mut lines: Vec<Option<u32>> = Vec::new();
    if !first_is_marked {
        lines.push(Some(1));
    }
    lines.extend(starts.by_ref().map(Some));
    let counted = lines.len() == out.len();
    Some(
        out.into_iter()
            .enumerate()
            .map(|(i, value)| LoadedDocument {
                file: file.to_string(),
                line: if counted { lines[i] } else { None },
                value,
            })
            .collect(),
    )
}

/// Reads a file of at most [`MAX_POLICY_FILE_BYTES`] as UTF-8; a named pipe, a device or
/// any other special file is refused without blocking.
pub(crate) fn read_text(path: &Path) -> Result<String, PolicyError> {
    palisade_core::fsio::read_to_string_limited(path, MAX_POLICY_FILE_BYTES).map_err(|e| {
        let reason = match e {
            palisade_core::fsio::FileError::TooLarge { .. } => format!(
                "larger than {} MiB; not read as a policy",
                MAX_POLICY_FILE_BYTES >> 20
            ),
            e => e.reason(),
        };
        PolicyError::new(path.display().to_string(), None, reason)
    })
}

/// The YAML/JSON files under `path` (itself when it is a file), in name order.
///
/// Symbolic links are followed (a policy library is often linked in), each folder at most
/// once: a link loop or a link back up the tree ends there.
fn policy_files(
    path: &Path,
    depth: usize,
    visited: &mut HashSet<PathBuf>,
    out: &mut Vec<PathBuf>,
    errors: &mut Vec<PolicyError>,
) {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => {
            errors.push(PolicyError::new(
                path.display().to_string(),
                None,
                format!("cannot read: {e}"),
            ));
            return;
        }
    };
    if meta.is_file() {
        out.push(path.to_path_buf());
        return;
    }
    if let Some(kind) = palisade_core::fsio::FileKind::of(&meta)
        .filter(|k| *k != palisade_core::fsio::FileKind::Directory)
    {
        errors.push(PolicyError::new(
            path.display().to_string(),
            None,
            format!("a {kind}, not a regular file or a folder: not read"),
        ));
        return;
    }
    if depth > MAX_DEPTH {
        return;
    }
    let folder = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    if !visited.insert(folder) {
        return;
    }
    let mut entries: Vec<PathBuf> = match std::fs::read_dir(path) {
        Ok(entries) => entries.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(e) => {
            errors.push(PolicyError::new(
                path.display().to_string(),
                None,
                format!("cannot read: {e}"),
            ));
            return;
        }
    };
    entries.sort();
    for entry in entries {
        let name = entry.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') {
            continue;
        }
        let meta = match std::fs::metadata(&entry) {
            Ok(meta) => meta,
            Err(e) => {
                errors.push(PolicyError::new(
                    entry.display().to_string(),
                    None,
                    format!("cannot read: {e}"),
                ));
                continue;
            }
        };
        if meta.is_dir() {
            policy_files(&entry, depth + 1, visited, out, errors);
        } else if meta.is_file() {
            let lower = name.to_ascii_lowercase();
            if lower.ends_with(".yaml") || lower.ends_with(".yml") || lower.ends_with(".json") {
                out.push(entry);
            }
        }
    }
}

/// Whether a document is one of the policy kinds this crate runs.
fn is_policy(doc: &Value) -> bool {
    is_template(doc) || is_constraint(doc) || crate::admission::is_admission_document(doc)
}

fn is_template(doc: &Value) -> bool {
    text(doc, &["kind"]) == "ConstraintTemplate"
        && text(doc, &["apiVersion"]).starts_with("templates.gatekeeper.sh/")
}

fn is_constraint(doc: &Value) -> bool {
    text(doc, &["apiVersion"]).starts_with("constraints.gatekeeper.sh/")
}

impl PolicySet {
    /// Loads the policies in the given files and folders (walked recursively).
    pub fn load(paths: &[PathBuf]) -> PolicySet {
        let mut errors = Vec::new();
        let mut docs = Vec::new();
        let mut visited = HashSet::new();
        for path in paths {
            let mut files = Vec::new();
            let errors_before = errors.len();
            policy_files(path, 0, &mut visited, &mut files, &mut errors);
            let mut policies = 0;
            for file in &files {
                let display = file.display().to_string();
                match read_text(file).and_then(|t| documents(&display, &t)) {
                    Ok(found) => {
                        policies += found.iter().filter(|d| is_policy(&d.value)).count();
                        docs.extend(found);
                    }
                    Err(e) => errors.push(e),
                }
            }
            // A path given as policies that holds none was asked for and cannot be done.
            if policies == 0 && errors.len() == errors_before {
                errors.push(PolicyError::new(
                    path.display().to_string(),
                    None,
                    format!(
                        "no policy found in {} YAML/JSON file(s): expected Gatekeeper ConstraintTemplates and constraints, ValidatingAdmissionPolicies and bindings, or Kyverno policies",
                        files.len()
                    ),
                ));
            }
        }
        let mut set = PolicySet::from_documents(docs);
        errors.append(&mut set.errors);
        set.errors = errors;
        set
    }

    /// The policies among already loaded documents.
    pub(crate) fn from_documents(docs: Vec<LoadedDocument>) -> PolicySet {
        let mut set = PolicySet::default();
        let mut by_kind: HashMap<String, Arc<crate::Template>> = HashMap::new();
        for doc in docs.iter().filter(|d| is_template(&d.value)) {
            match template_from(&doc.value, &doc.file, doc.line) {
                Ok(template) => {
                    if let Some(first) = by_kind.get(&template.kind) {
                        set.errors.push(PolicyError::new(
                            &doc.file,
                            doc.line,
                            format!(
                                "ConstraintTemplate {}: kind {} is already defined by {} ({}); this one is not used",
                                template.name, template.kind, first.name, first.file
                            ),
                        ));
                        continue;
                    }
                    let template = Arc::new(template);
                    by_kind.insert(template.kind.clone(), template.clone());
                    set.templates.push(template);
                }
                Err(e) => {
                    // Its constraints are not reported again as matching no template.
                    let kind = text(&doc.value, &["spec", "crd", "spec", "names", "kind"]);
                    set.errors.push(e);
                    by_kind.remove(kind);
                    set.failed_kinds.push(kind.to_string());
                }
            }
        }
        let admission_docs: Vec<crate::admission::Doc> = docs
            .iter()
            .filter(|d| crate::admission::is_admission_document(&d.value))
            .map(|d| crate::admission::Doc {
                file: &d.file,
                line: d.line,
                value: &d.value,
            })
            .collect();
        // Any other object of the policy files may be a binding's parameters.
        let params: Vec<&Value> = docs
            .iter()
            .filter(|d| {
                !is_template(&d.value)
                    && !is_constraint(&d.value)
                    && !crate::admission::is_admission_document(&d.value)
            })
            .map(|d| &d.value)
            .collect();
        let (admission, errors) = crate::admission::load(&admission_docs, &params);
        set.admission = admission;
        set.errors.extend(errors);
        let mut index: HashMap<(String, String), usize> = HashMap::new();
        for doc in docs.iter().filter(|d| is_constraint(&d.value)) {
            let kind = text(&doc.value, &["kind"]);
            let name = text(&doc.value, &["metadata", "name"]);
            let Some(template) = by_kind.get(kind) else {
                if !set.failed_kinds.iter().any(|k| k == kind) {
                    set.errors.push(PolicyError::new(
                        &doc.file,
                        doc.line,
                        format!("{kind} {name}: no ConstraintTemplate defines the kind {kind}"),
                    ));
                }
                continue;
            };
            match constraint_from(&doc.value, &doc.file, doc.line, template.clone()) {
                Ok(constraint) => {
                    // As `kubectl apply` would: the last constraint of a kind and name wins.
                    let key = (constraint.kind.clone(), constraint.name.clone());
                    match index.get(&key) {
                        Some(&i) => set.constraints[i] = constraint,
                        None => {
                            index.insert(key, set.constraints.len());
                            set.constraints.push(constraint);
                        }
                    }
                }
                Err(e) => set.errors.push(e),
            }
        }
        set
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Gatekeeper library's `httpsonly` template continues a quoted description at its
    /// key's indentation: Go's YAML reads it, so the policy loads.
    #[test]
    fn a_quoted_scalar_continued_at_its_keys_indentation_reads_as_go_reads_it() {
        let text = "a: 1\n---\nkind: ConstraintTemplate\nspec:\n  description: \"When set, TLS is optional,\n  defaults to false.\"\n  other: 2\n";
        assert!(
            palisade_yaml::load(text).is_err(),
            "the strict parser refuses it"
        );
        let docs = documents("t.yaml", text).unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].line, Some(1));
        assert_eq!(docs[1].line, Some(2));
        assert_eq!(
            docs[1].value["spec"]["description"],
            "When set, TLS is optional, defaults to false."
        );
        assert_eq!(docs[1].value["spec"]["other"], 2);
    }

    /// What neither parser reads is the first parser's error, with its line.
    #[test]
    fn yaml_that_no_parser_reads_is_an_error_with_its_line() {
        let err = documents("bad.yaml", "a: 1\nb: [unclosed\n")
            .err()
            .expect("an error");
        assert_eq!(err.file, "bad.yaml");
        assert!(err.line.is_some(), "{err:?}");
        assert!(err.message.contains("invalid YAML"), "{err:?}");
    }

    const TEMPLATE: &str = "apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata:
  name: k8sdenyall
spec:
  crd:
    spec:
      names:
        kind: K8sDenyAll
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: |
        package k8sdenyall
        violation[{\"msg\": \"denied\"}] { true }
";

    /// A policy folder linked into the given one is read; a link back up the tree is
    /// walked once, not forever.
    #[cfg(unix)]
    #[test]
    fn linked_policy_folders_are_followed_once() {
        let dir = tempfile::tempdir().unwrap();
        let library = dir.path().join("library");
        std::fs::create_dir(&library).unwrap();
        std::fs::write(library.join("template.yaml"), TEMPLATE).unwrap();
        let given = dir.path().join("policies");
        std::fs::create_dir(&given).unwrap();
        std::os::unix::fs::symlink(&library, given.join("library")).unwrap();
        std::os::unix::fs::symlink(&given, given.join("loop")).unwrap();
        let set = PolicySet::load(std::slice::from_ref(&given));
        assert!(set.errors.is_empty(), "{:?}", set.errors);
        assert_eq!(set.templates.len(), 1);
        assert_eq!(set.templates[0].kind, "K8sDenyAll");
    }

    /// A policy path that holds no policy is an error naming it, not a silent no-op.
    #[test]
    fn a_path_without_policies_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("deployment.yaml"),
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n",
        )
        .unwrap();
        let with_policy = dir.path().join("ok.yaml");
        std::fs::write(&with_policy, TEMPLATE).unwrap();
        let set = PolicySet::load(&[dir.path().join("deployment.yaml"), with_policy]);
        assert_eq!(set.errors.len(), 1, "{:?}", set.errors);
        assert!(set.errors[0].file.ends_with("deployment.yaml"));
        assert!(
            set.errors[0]
                .message
                .contains("no policy found in 1 YAML/JSON file(s)"),
            "{:?}",
            set.errors[0]
        );
        assert_eq!(set.templates.len(), 1, "the other path is still read");
    }

    /// A named pipe given as a policy path is refused at once, never read (which would
    /// block until a writer came).
    #[cfg(unix)]
    #[test]
    fn a_named_pipe_as_a_policy_path_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("policy.yaml");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo");
        assert!(status.success());
        let set = PolicySet::load(std::slice::from_ref(&fifo));
        assert_eq!(set.errors.len(), 1, "{:?}", set.errors);
        assert!(
            set.errors[0].message.contains("named pipe"),
            "{:?}",
            set.errors[0]
        );
        let err = read_text(&fifo).unwrap_err();
        assert!(err.message.contains("named pipe"), "{err:?}");
    }
}
