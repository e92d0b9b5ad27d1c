//! The steps kustomize runs once, after the whole tree is accumulated: content-hash name
//! suffixes of generated objects, name-reference fix-ups (a renamed ConfigMap, Secret,
//! ServiceAccount... is renamed where workloads and bindings refer to it), `vars`, and
//! the legacy output order.

use std::path::Path;

use crate::build::{Builder, Result};
use crate::error::{ErrorKind, KustomizeError};
use crate::tree::{Node, Value};
use crate::Resource;

pub(crate) fn run(b: &mut Builder, dir: &Path, acc: &mut [Resource]) -> Result<()> {
    for r in acc.iter_mut().filter(|r| r.needs_hash) {
        let suffix = crate::generate::hash_suffix(&r.node.to_json());
        let name = format!("{}-{suffix}", r.name());
        r.set_name(name);
    }
    fix_references(acc);
    vars(b, dir, acc)?;
    Ok(())
}

/// Pod specs of workload kinds.
fn pod_spec_paths(kind: &str) -> &'static [&'static str] {
    match kind {
        "Pod" => &["spec"],
        "Deployment"
        | "ReplicaSet"
        | "DaemonSet"
        | "StatefulSet"
        | "Job"
        | "ReplicationController" => &["spec", "template", "spec"],
        "CronJob" => &["spec", "jobTemplate", "spec", "template", "spec"],
        _ => &[],
    }
}

/// A reference from one object to another by name: (referenced kind, value).
struct Reference {
    /// Path from the object's root to the scalar, as keys and list indices.
    path: Vec<Step>,
    kind: &'static str,
    /// For ServiceAccount subjects of bindings: also set the subject's namespace.
    subject: bool,
}

#[derive(Clone)]
enum Step {
    Key(&'static str),
    Index(usize),
}

fn get<'a>(node: &'a Node, path: &[Step]) -> Option<&'a Node> {
    let mut n = node;
    for s in path {
        n = match s {
            Step::Key(k) => n.get(k)?,
            Step::Index(i) => n.items().get(*i)?,
        };
    }
    Some(n)
}

fn get_mut<'a>(node: &'a mut Node, path: &[Step]) -> Option<&'a mut Node> {
    let mut n = node;
    for s in path {
        n = match s {
            Step::Key(k) => n.get_mut(k)?,
            Step::Index(i) => n.items_mut().get_mut(*i)?,
        };
    }
    Some(n)
}

fn references(r: &Resource) -> Vec<Reference> {
    let mut out = Vec::new();
    let kind = r.kind();
    let root = &r.node;
    let at =
        |base: &[Step], more: &[Step]| -> Vec<Step> { base.iter().chain(more).cloned().collect() };
    let spec_path: Vec<Step> = pod_spec_paths(kind).iter().map(|k| Step::Key(k)).collect();
    if !spec_path.is_empty() {
        if let Some(spec) = get(root, &spec_path) {
            for key in ["serviceAccountName", "serviceAccount"] {
                if spec.get(key).is_some() {
                    out.push(Reference {
                        path: at(&spec_path, &[Step::Key(key)]),
                        kind: "ServiceAccount",
                        subject: false,
                    });
                }
            }
            if spec.get("priorityClassName").is_some() {
                out.push(Reference {
                    path: at(&spec_path, &[Step::Key("priorityClassName")]),
                    kind: "PriorityClass",
                    subject: false,
                });
            }
            for (i, _) in spec
                .get("imagePullSecrets")
                .map(Node::items)
                .unwrap_or(&[])
                .iter()
                .enumerate()
            {
                out.push(Reference {
                    path: at(
                        &spec_path,
                        &[
                            Step::Key("imagePullSecrets"),
                            Step::Index(i),
                            Step::Key("name"),
                        ],
                    ),
                    kind: "Secret",
                    subject: false,
                });
            }
            for (i, v) in spec
                .get("volumes")
                .map(Node::items)
                .unwrap_or(&[])
                .iter()
                .enumerate()
            {
                let base = at(&spec_path, &[Step::Key("volumes"), Step::Index(i)]);
                for (field, name, target) in [
                    ("configMap", "name", "ConfigMap"),
                    ("secret", "secretName", "Secret"),
                    (
                        "persistentVolumeClaim",
                        "claimName",
                        "PersistentVolumeClaim",
                    ),
                ] {
                    if v.path(&[field, name]).is_some() {
                        out.push(Reference {
                            path: at(&base, &[Step::Key(field), Step::Key(name)]),
                            kind: target,
                            subject: false,
                        });
                    }
                }
                for (j, s) in v
                    .path(&["projected", "sources"])
                    .map(Node::items)
                    .unwrap_or(&[])
                    .iter()
                    .enumerate()
                {
                    for (field, target) in [("configMap", "ConfigMap"), ("secret", "Secret")] {
                        if s.path(&[field, "name"]).is_some() {
                            out.push(Reference {
                                path: at(
                                    &base,
                                    &[
                                        Step::Key("projected"),
                                        Step::Key("sources"),
                                        Step::Index(j),
                                        Step::Key(field),
                                        Step::Key("name"),
                                    ],
                                ),
                                kind: target,
                                subject: false,
                            });
                        }
                    }
                }
            }
            for list in ["containers", "initContainers", "ephemeralContainers"] {
                for (i, c) in spec
                    .get(list)
                    .map(Node::items)
                    .unwrap_or(&[])
                    .iter()
                    .enumerate()
                {
                    let base = at(&spec_path, &[Step::Key(list), Step::Index(i)]);
                    for (j, e) in c
                        .get("env")
                        .map(Node::items)
                        .unwrap_or(&[])
                        .iter()
                        .enumerate()
                    {
                        for (field, target) in
                            [("configMapKeyRef", "ConfigMap"), ("secretKeyRef", "Secret")]
                        {
                            if e.path(&["valueFrom", field, "name"]).is_some() {
                                out.push(Reference {
                                    path: at(
                                        &base,
                                        &[
                                            Step::Key("env"),
                                            Step::Index(j),
                                            Step::Key("valueFrom"),
                                            Step::Key(field),
                                            Step::Key("name"),
                                        ],
                                    ),
                                    kind: target,
                                    subject: false,
                                });
                            }
                        }
                    }
                    for (j, e) in c
                        .get("envFrom")
                        .map(Node::items)
                        .unwrap_or(&[])
                        .iter()
                        .enumerate()
                    {
                        for (field, target) in
                            [("configMapRef", "ConfigMap"), ("secretRef", "Secret")]
                        {
                            if e.path(&[field, "name"]).is_some() {
                                out.push(Reference {
                                    path: at(
                                        &base,
                                        &[
                                            Step::Key("envFrom"),
                                            Step::Index(j),
                                            Step::Key(field),
                                            Step::Key("name"),
                                        ],
                                    ),
                                    kind: target,
                                    subject: false,
                                });
                            }
                        }
                    }
                }
            }
        }
    }
    match kind {
        "RoleBinding" | "ClusterRoleBinding" => {
            if let Some(role_kind) = root.str_at(&["roleRef", "kind"]) {
                let target = if role_kind == "ClusterRole" {
                    "ClusterRole"
                } else {
                    "Role"
                };
                out.push(Reference {
                    path: vec![Step::Key("roleRef"), Step::Key("name")],
                    kind: target,
                    subject: false,
                });
            }
            for (i, s) in root
                .get("subjects")
                .map(Node::items)
                .unwrap_or(&[])
                .iter()
                .enumerate()
            {
                if s.str_at(&["kind"]) == Some("ServiceAccount") {
                    out.push(Reference {
                        path: vec![Step::Key("subjects"), Step::Index(i), Step::Key("name")],
                        kind: "ServiceAccount",
                        subject: true,
                    });
                }
            }
        }
        "StatefulSet" if root.path(&["spec", "serviceName"]).is_some() => {
            out.push(Reference {
                path: vec![Step::Key("spec"), Step::Key("serviceName")],
                kind: "Service",
                subject: false,
            });
        }
        "Ingress" => {
            for (i, t) in root
                .path(&["spec", "tls"])
                .map(Node::items)
                .unwrap_or(&[])
                .iter()
                .enumerate()
            {
                if t.get("secretName").is_some() {
                    out.push(Reference {
                        path: vec![
                            Step::Key("spec"),
                            Step::Key("tls"),
                            Step::Index(i),
                            Step::Key("secretName"),
                        ],
                        kind: "Secret",
                        subject: false,
                    });
                }
            }
            if root
                .path(&["spec", "defaultBackend", "service", "name"])
                .is_some()
            {
                out.push(Reference {
                    path: vec![
                        Step::Key("spec"),
                        Step::Key("defaultBackend"),
                        Step::Key("service"),
                        Step::Key("name"),
                    ],
                    kind: "Service",
                    subject: false,
                });
            }
            for (i, rule) in root
                .path(&["spec", "rules"])
                .map(Node::items)
                .unwrap_or(&[])
                .iter()
                .enumerate()
            {
                for (j, p) in rule
                    .path(&["http", "paths"])
                    .map(Node::items)
                    .unwrap_or(&[])
                    .iter()
                    .enumerate()
                {
                    let base = vec![
                        Step::Key("spec"),
                        Step::Key("rules"),
                        Step::Index(i),
                        Step::Key("http"),
                        Step::Key("paths"),
                        Step::Index(j),
                        Step::Key("backend"),
                    ];
                    if p.path(&["backend", "service", "name"]).is_some() {
                        out.push(Reference {
                            path: at(&base, &[Step::Key("service"), Step::Key("name")]),
                            kind: "Service",
                            subject: false,
                        });
                    }
                    if p.path(&["backend", "serviceName"]).is_some() {
                        out.push(Reference {
                            path: at(&base, &[Step::Key("serviceName")]),
                            kind: "Service",
                            subject: false,
                        });
                    }
                }
            }
        }
        "HorizontalPodAutoscaler" => {
            if let Some(k) = root.str_at(&["spec", "scaleTargetRef", "kind"]) {
                let target = match k {
                    "Deployment" => "Deployment",
                    "StatefulSet" => "StatefulSet",
                    "ReplicaSet" => "ReplicaSet",
                    _ => "",
                };
                if !target.is_empty() {
                    out.push(Reference {
                        path: vec![
                            Step::Key("spec"),
                            Step::Key("scaleTargetRef"),
                            Step::Key("name"),
                        ],
                        kind: target,
                        subject: false,
                    });
                }
            }
        }
        "ServiceAccount" => {
            for (i, _) in root
                .get("secrets")
                .map(Node::items)
                .unwrap_or(&[])
                .iter()
                .enumerate()
            {
                out.push(Reference {
                    path: vec![Step::Key("secrets"), Step::Index(i), Step::Key("name")],
                    kind: "Secret",
                    subject: false,
                });
            }
            for (i, _) in root
                .get("imagePullSecrets")
                .map(Node::items)
                .unwrap_or(&[])
                .iter()
                .enumerate()
            {
                out.push(Reference {
                    path: vec![
                        Step::Key("imagePullSecrets"),
                        Step::Index(i),
                        Step::Key("name"),
                    ],
                    kind: "Secret",
                    subject: false,
                });
            }
        }
        _ => {}
    }
    out
}

/// Renames references to objects whose names changed (prefix, suffix, hash).
fn fix_references(acc: &mut [Resource]) {
    let mut updates: Vec<(usize, Vec<Step>, String, Option<String>)> = Vec::new();
    for (ri, r) in acc.iter().enumerate() {
        for reference in references(r) {
            let Some(value) = get(&r.node, &reference.path).and_then(Node::as_str) else {
                continue;
            };
            let subject_ns = if reference.subject {
                let mut p = reference.path.clone();
                p.pop();
                get(&r.node, &p)
                    .and_then(|s| s.str_at(&["namespace"]))
                    .map(String::from)
            } else {
                None
            };
            let candidates: Vec<&Resource> = acc
                .iter()
                .filter(|c| {
                    c.kind() == reference.kind
                        && c.name() != value
                        && c.previous_names.iter().any(|n| n == value)
                })
                .filter(|c| {
                    if crate::transform::cluster_scoped(c.kind()) {
                        return true;
                    }
                    match &subject_ns {
                        Some(ns) => {
                            c.namespace() == ns
                                || c.original_namespace.as_deref() == Some(ns.as_str())
                        }
                        None => reference.subject || c.namespace() == r.namespace(),
                    }
                })
                .collect();
            let chosen = match candidates.as_slice() {
                [] => None,
                [one] => Some(*one),
                many => {
                    let same: Vec<&&Resource> = many
                        .iter()
                        .filter(|c| c.renamed_by == r.renamed_by)
                        .collect();
                    match same.as_slice() {
                        [one] => Some(**one),
                        _ => None,
                    }
                }
            };
            if let Some(c) = chosen {
                let ns = (reference.subject && !c.namespace().is_empty())
                    .then(|| c.namespace().to_string());
                updates.push((ri, reference.path, c.name().to_string(), ns));
            }
        }
    }
    for (ri, path, name, ns) in updates {
        if let Some(n) = get_mut(&mut acc[ri].node, &path) {
            if let Value::Scalar(s) = &mut n.value {
                s.text = name;
                s.plain = false;
            }
        }
        if let Some(ns) = ns {
            let mut p = path.clone();
            p.pop();
            if let Some(subject) = get_mut(&mut acc[ri].node, &p) {
                let src = subject.src.clone();
                subject.set("namespace", Node::string(ns, src.clone()), src);
            }
        }
    }
}

/// `vars`: `$(NAME)` in container commands, args and env values replaced by a field of
/// another object. Vars are collected from every kustomization of the tree.
fn vars(b: &mut Builder, dir: &Path, acc: &mut [Resource]) -> Result<()> {
    let mut defs: Vec<(String, String)> = Vec::new();
    collect_vars(b, dir, acc, &mut defs, &mut Vec::new())?;
    if defs.is_empty() {
        return Ok(());
    }
    for r in acc.iter_mut() {
        let spec_path = pod_spec_paths(r.kind());
        if spec_path.is_empty() {
            continue;
        }
        let Some(spec) = r.node.path_mut(spec_path) else {
            continue;
        };
        for list in ["containers", "initContainers"] {
            let Some(containers) = spec.get_mut(list) else {
                continue;
            };
            for c in containers.items_mut() {
                for field in ["command", "args"] {
                    if let Some(items) = c.get_mut(field) {
                        for i in items.items_mut() {
                            substitute(i, &defs);
                        }
                    }
                }
                if let Some(env) = c.get_mut("env") {
                    for e in env.items_mut() {
                        if let Some(v) = e.get_mut("value") {
                            substitute(v, &defs);
                        }
                    }
                }
            }
        }
    }
    Ok(())
}

fn substitute(node: &mut Node, defs: &[(String, String)]) {
    if let Value::Scalar(s) = &mut node.value {
        for (name, value) in defs {
            let pattern = format!("$({name})");
            if s.text.contains(&pattern) {
                s.text = s.text.replace(&pattern, value);
                s.plain = false;
            }
        }
    }
}

fn collect_vars(
    b: &mut Builder,
    dir: &Path,
    acc: &[Resource],
    defs: &mut Vec<(String, String)>,
    seen: &mut Vec<std::path::PathBuf>,
) -> Result<()> {
    let canonical = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    if seen.contains(&canonical) {
        return Ok(());
    }
    seen.push(canonical);
    let k = b.load(dir, None)?;
    for v in k.list("vars")? {
        let line = v.src.as_ref().map(|s| s.line);
        let err =
            |m: String| KustomizeError::new(k.file.to_path_buf(), line, ErrorKind::Invalid(m));
        let name = v
            .str_at(&["name"])
            .ok_or_else(|| err("a var needs a name".into()))?;
        let kind = v.str_at(&["objref", "kind"]).unwrap_or("");
        let obj = v.str_at(&["objref", "name"]).unwrap_or("");
        let field = v
            .str_at(&["fieldref", "fieldpath"])
            .unwrap_or("metadata.name");
        let target = acc
            .iter()
            .find(|r| r.kind() == kind && r.had_name(obj))
            .ok_or_else(|| {
                err(format!(
                    "var '{name}' cannot be mapped to a field in the set of known resources"
                ))
            })?;
        let keys: Vec<&str> = field.split('.').collect();
        let value = target
            .node
            .path(&keys)
            .and_then(Node::as_str)
            .ok_or_else(|| {
                err(format!(
                    "var '{name}': field '{field}' not found in {kind}/{obj}"
                ))
            })?;
        if defs.iter().any(|(n, _)| n == name) {
            return Err(err(format!("var '{name}' already encountered")));
        }
        defs.push((name.to_string(), value.to_string()));
    }
    for key in ["resources", "bases", "components"] {
        for (entry, _) in k.strings(key)? {
            let p = k.dir.join(&entry);
            if p.is_dir() {
                collect_vars(b, &p, acc, defs, seen)?;
            }
        }
    }
    Ok(())
}

/// The legacy order of `kubectl kustomize`: by kind (Namespaces first, webhooks last),
/// then group/version/kind, namespace and name.
pub(crate) fn sort(acc: &mut [Resource]) {
    const FIRST: [&str; 22] = [
        "Namespace",
        "ResourceQuota",
        "StorageClass",
        "CustomResourceDefinition",
        "ServiceAccount",
        "PodSecurityPolicy",
        "Role",
        "ClusterRole",
        "RoleBinding",
        "ClusterRoleBinding",
        "ConfigMap",
        "Secret",
        "Endpoints",
        "Service",
        "LimitRange",
        "PriorityClass",
        "PersistentVolume",
        "PersistentVolumeClaim",
        "Deployment",
        "StatefulSet",
        "CronJob",
        "PodDisruptionBudget",
    ];
    const LAST: [&str; 2] = [
        "MutatingWebhookConfiguration",
        "ValidatingWebhookConfiguration",
    ];
    let order = |kind: &str| -> i32 {
        if let Some(i) = FIRST.iter().position(|k| *k == kind) {
            return i as i32 - FIRST.len() as i32;
        }
        LAST.iter()
            .position(|k| *k == kind)
            .map_or(0, |i| i as i32 + 1)
    };
    let gvk = |r: &Resource| {
        let (g, v) = r.group_version();
        let or = |s: &str, d: &str| {
            if s.is_empty() {
                d.to_string()
            } else {
                s.to_string()
            }
        };
        format!("{}_{}_{}", or(g, "~G"), or(v, "~V"), or(r.kind(), "~K"))
    };
    acc.sort_by(|a, b| {
        let (oa, ob) = (order(a.kind()), order(b.kind()));
        if oa != ob {
            return oa.cmp(&ob);
        }
        let (ga, gb) = (gvk(a), gvk(b));
        if ga != gb {
            if a.kind() == "Namespace"
                && b.kind() == "Namespace"
                && (a.group_version().0.is_empty() || b.group_version().0.is_empty())
            {
                return gb.cmp(&ga);
            }
            return ga.cmp(&gb);
        }
        let id = |r: &Resource| {
            let or = |s: &str, d: &str| {
                if s.is_empty() {
                    d.to_string()
                } else {
                    s.to_string()
                }
            };
            format!(
                "{}|{}|{}",
                gvk(r),
                or(r.namespace(), "~X"),
                or(r.name(), "~N")
            )
        };
        id(a).cmp(&id(b))
    });
}
