//! Patches: strategic merge (with the Kubernetes merge keys of built-in kinds and
//! `$patch: delete|replace`), JSON 6902 operations, and patch `target` selectors. Nodes a
//! patch writes carry the patch's file and line.

use regex::Regex;

use crate::build::{Kustomization, Result};
use crate::error::{ErrorKind, KustomizeError};
use crate::tree::{Node, Value};
use crate::Resource;

pub(crate) enum Patch {
    Strategic(Vec<Node>),
    Json6902(Vec<Node>),
}

/// A patch `target`: which objects a patch applies to.
pub(crate) struct Target {
    group: Option<String>,
    version: Option<String>,
    kind: Option<String>,
    name: Option<Regex>,
    namespace: Option<Regex>,
    label_selector: Option<Vec<Requirement>>,
    annotation_selector: Option<Vec<Requirement>>,
}

enum Requirement {
    Equals(String, String),
    NotEquals(String, String),
    Exists(String),
    Absent(String),
}

fn anchored(k: &Kustomization, node: &Node, pattern: &str) -> Result<Regex> {
    Regex::new(&format!("^(?:{pattern})$")).map_err(|e| {
        k.err(
            Some(node),
            ErrorKind::Patch(format!("invalid target pattern '{pattern}': {e}")),
        )
    })
}

fn selector(text: &str) -> Vec<Requirement> {
    text.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| {
            if let Some((k, v)) = t.split_once("!=") {
                Requirement::NotEquals(k.trim().into(), v.trim().into())
            } else if let Some((k, v)) = t.split_once("==").or_else(|| t.split_once('=')) {
                Requirement::Equals(k.trim().into(), v.trim().into())
            } else if let Some(k) = t.strip_prefix('!') {
                Requirement::Absent(k.trim().into())
            } else {
                Requirement::Exists(t.into())
            }
        })
        .collect()
}

fn matches(reqs: &[Requirement], map: Option<&Node>) -> bool {
    let get = |k: &str| map.and_then(|m| m.get(k)).and_then(Node::as_str);
    reqs.iter().all(|r| match r {
        Requirement::Equals(k, v) => get(k) == Some(v.as_str()),
        Requirement::NotEquals(k, v) => get(k) != Some(v.as_str()),
        Requirement::Exists(k) => get(k).is_some(),
        Requirement::Absent(k) => get(k).is_none(),
    })
}

impl Target {
    pub fn from_node(node: &Node, k: &Kustomization) -> Result<Target> {
        let s = |key: &str| {
            node.str_at(&[key])
                .filter(|v| !v.is_empty())
                .map(String::from)
        };
        Ok(Target {
            group: s("group"),
            version: s("version"),
            kind: s("kind"),
            name: s("name").map(|p| anchored(k, node, &p)).transpose()?,
            namespace: s("namespace").map(|p| anchored(k, node, &p)).transpose()?,
            label_selector: s("labelSelector").map(|t| selector(&t)),
            annotation_selector: s("annotationSelector").map(|t| selector(&t)),
        })
    }

    pub fn selects(&self, r: &Resource) -> bool {
        let (g, v) = r.group_version();
        self.group.as_deref().is_none_or(|x| x == g)
            && self.version.as_deref().is_none_or(|x| x == v)
            && self.kind.as_deref().is_none_or(|x| x == r.kind())
            && self.name.as_ref().is_none_or(|re| {
                re.is_match(r.name()) || r.previous_names.iter().any(|n| re.is_match(n))
            })
            && self
                .namespace
                .as_ref()
                .is_none_or(|re| re.is_match(r.namespace()))
            && self
                .label_selector
                .as_ref()
                .is_none_or(|s| matches(s, r.node.path(&["metadata", "labels"])))
            && self
                .annotation_selector
                .as_ref()
                .is_none_or(|s| matches(s, r.node.path(&["metadata", "annotations"])))
    }
}

/// Applies one strategic-merge patch document, to `target`'s objects or to the object the
/// patch names.
pub(crate) fn apply_strategic(
    acc: &mut Vec<Resource>,
    patch: &Node,
    target: Option<&Target>,
    k: &Kustomization,
    line: Option<u32>,
) -> Result<()> {
    let patch_line = patch.src.as_ref().map(|s| s.line).or(line);
    let patch_file = patch
        .src
        .as_ref()
        .map(|s| s.file.to_path_buf())
        .unwrap_or_else(|| k.file.to_path_buf());
    let err =
        |msg: String| KustomizeError::new(patch_file.clone(), patch_line, ErrorKind::Patch(msg));
    if !matches!(patch.value, Value::Map(_)) {
        return Err(err("a strategic merge patch must be a mapping".into()));
    }
    let delete = patch.str_at(&["$patch"]) == Some("delete");
    let indices: Vec<usize> = match target {
        Some(t) => acc
            .iter()
            .enumerate()
            .filter(|(_, r)| t.selects(r))
            .map(|(i, _)| i)
            .collect(),
        None => {
            let kind = patch.str_at(&["kind"]).unwrap_or("");
            let name = patch.str_at(&["metadata", "name"]).unwrap_or("");
            let ns = patch.str_at(&["metadata", "namespace"]);
            let (pg, _) = patch
                .str_at(&["apiVersion"])
                .map(|a| a.split_once('/').unwrap_or(("", a)))
                .unwrap_or(("", ""));
            let found: Vec<usize> = acc
                .iter()
                .enumerate()
                .filter(|(_, r)| {
                    r.kind() == kind
                        && r.had_name(name)
                        && r.group_version().0 == pg
                        && ns.is_none_or(|ns| {
                            r.namespace() == ns || r.original_namespace.as_deref() == Some(ns)
                        })
                })
                .map(|(i, _)| i)
                .collect();
            if found.len() != 1 {
                return Err(err(format!(
                    "{} target for patch {kind}/{name}: {}",
                    if found.is_empty() {
                        "no matches for"
                    } else {
                        "multiple matches for"
                    },
                    if found.is_empty() {
                        "failed to find unique target for patch".to_string()
                    } else {
                        format!("{} objects match", found.len())
                    }
                )));
            }
            found
        }
    };
    if delete {
        let mut i = 0;
        acc.retain(|_| {
            let keep = !indices.contains(&i);
            i += 1;
            keep
        });
        return Ok(());
    }
    for i in indices {
        let kind = acc[i].kind().to_string();
        let builtin = is_builtin_kind(&acc[i]);
        let mut body = patch.clone();
        if target.is_some() {
            // the patch's own identity does not rename the targets
            if let Some(meta) = body.get_mut("metadata") {
                meta.remove("name");
                meta.remove("namespace");
            }
            body.remove("kind");
            body.remove("apiVersion");
        }
        merge(&mut acc[i].node, &body, &mut Vec::new(), &kind, builtin);
    }
    Ok(())
}

fn is_builtin_kind(r: &Resource) -> bool {
    let (g, _) = r.group_version();
    matches!(
        g,
        "" | "apps"
            | "batch"
            | "policy"
            | "rbac.authorization.k8s.io"
            | "networking.k8s.io"
            | "autoscaling"
            | "storage.k8s.io"
            | "scheduling.k8s.io"
            | "admissionregistration.k8s.io"
            | "apiextensions.k8s.io"
            | "coordination.k8s.io"
            | "node.k8s.io"
            | "discovery.k8s.io"
            | "certificates.k8s.io"
    )
}

/// The merge key of the list at `path` (its field names), or `None` when the list is
/// replaced as a whole.
fn merge_key(
    path: &[String],
    kind: &str,
    builtin: bool,
    list: &[Node],
    patch: &[Node],
) -> Option<&'static str> {
    let field = path.last().map(String::as_str).unwrap_or("");
    let parent = path
        .len()
        .checked_sub(2)
        .map(|i| path[i].as_str())
        .unwrap_or("");
    let known = match field {
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "volumes"
        | "imagePullSecrets"
        | "env" => Some("name"),
        "volumeMounts" => Some("mountPath"),
        "volumeDevices" => Some("devicePath"),
        "hostAliases" => Some("ip"),
        "topologySpreadConstraints" => Some("topologyKey"),
        "conditions" => Some("type"),
        "ports" if kind == "Service" && parent == "spec" => Some("port"),
        "ports"
            if matches!(
                parent,
                "containers" | "initContainers" | "ephemeralContainers"
            ) =>
        {
            Some("containerPort")
        }
        _ => None,
    };
    if known.is_some() || builtin {
        return known;
    }
    // kinds without a schema: kustomize merges lists of mappings that share one of these keys
    const KEYS: [&str; 7] = [
        "mountPath",
        "devicePath",
        "ip",
        "type",
        "topologyKey",
        "name",
        "containerPort",
    ];
    let all: Vec<&Node> = list
        .iter()
        .chain(patch.iter())
        .filter(|n| !is_directive(n))
        .collect();
    if all.is_empty() || !all.iter().all(|n| matches!(n.value, Value::Map(_))) {
        return None;
    }
    KEYS.into_iter()
        .find(|key| all.iter().all(|n| n.get(key).is_some()))
}

fn is_directive(n: &Node) -> bool {
    n.get("$patch").is_some() && n.entries().len() == 1
}

/// Merges `patch` into `base` (a strategic merge).
fn merge(base: &mut Node, patch: &Node, path: &mut Vec<String>, kind: &str, builtin: bool) {
    match (&mut base.value, &patch.value) {
        (Value::Map(_), Value::Map(pentries)) => {
            if patch.str_at(&["$patch"]) == Some("replace") {
                let mut replaced = patch.clone();
                replaced.remove("$patch");
                *base = replaced;
                return;
            }
            for pe in pentries {
                if pe.key.starts_with("$setElementOrder")
                    || pe.key == "$patch"
                    || pe.key.starts_with("$retainKeys")
                {
                    continue;
                }
                if pe.node.is_null() {
                    base.remove(&pe.key);
                    continue;
                }
                if pe.node.str_at(&["$patch"]) == Some("delete") {
                    base.remove(&pe.key);
                    continue;
                }
                path.push(pe.key.clone());
                match base.get_mut(&pe.key) {
                    Some(existing) => merge(existing, &pe.node, path, kind, builtin),
                    None => {
                        let mut fresh = pe.node.clone();
                        strip_directives(&mut fresh);
                        base.set(&pe.key, fresh, pe.key_src.clone());
                    }
                }
                path.pop();
            }
        }
        (Value::Seq(items), Value::Seq(pitems)) => {
            if pitems
                .iter()
                .any(|p| is_directive(p) && p.str_at(&["$patch"]) == Some("replace"))
            {
                let mut fresh: Vec<Node> = pitems
                    .iter()
                    .filter(|p| !is_directive(p))
                    .cloned()
                    .collect();
                fresh.iter_mut().for_each(strip_directives);
                base.value = Value::Seq(fresh);
                base.src = patch.src.clone();
                return;
            }
            match merge_key(path, kind, builtin, items, pitems) {
                Some(key) => {
                    // the result lists the patch's elements in the patch's order, then the
                    // elements the patch does not mention, as kubectl's strategic merge does
                    let mut rest: Vec<Option<Node>> =
                        std::mem::take(items).into_iter().map(Some).collect();
                    let mut merged = Vec::new();
                    for p in pitems {
                        if is_directive(p) {
                            continue;
                        }
                        let Some(want) = p.get(key).and_then(Node::as_str) else {
                            let mut fresh = p.clone();
                            strip_directives(&mut fresh);
                            merged.push(fresh);
                            continue;
                        };
                        let pos = rest.iter().position(|i| {
                            i.as_ref().and_then(|i| i.get(key)).and_then(Node::as_str) == Some(want)
                        });
                        let delete = p.str_at(&["$patch"]) == Some("delete");
                        match (pos, delete) {
                            (Some(i), true) => rest[i] = None,
                            (None, true) => {}
                            (Some(i), false) => {
                                if let Some(mut existing) = rest[i].take() {
                                    merge(&mut existing, p, path, kind, builtin);
                                    merged.push(existing);
                                }
                            }
                            (None, false) => {
                                let mut fresh = p.clone();
                                strip_directives(&mut fresh);
                                merged.push(fresh);
                            }
                        }
                    }
                    merged.extend(rest.into_iter().flatten());
                    *items = merged;
                }
                None => {
                    let mut fresh = patch.clone();
                    strip_directives(&mut fresh);
                    *base = fresh;
                }
            }
        }
        (Value::Scalar(a), Value::Scalar(b)) if a == b => {
            // the patch restates the value (an identity field, a merge key): the place
            // that wrote it stays the base
        }
        _ => {
            let mut fresh = patch.clone();
            strip_directives(&mut fresh);
            *base = fresh;
        }
    }
}

fn strip_directives(node: &mut Node) {
    match &mut node.value {
        Value::Map(entries) => {
            entries.retain(|e| !e.key.starts_with('$'));
            for e in entries {
                strip_directives(&mut e.node);
            }
        }
        Value::Seq(items) => {
            items.retain(|i| !is_directive(i));
            for i in items {
                strip_directives(i);
            }
        }
        Value::Scalar(_) => {}
    }
}

fn pointer(path: &str) -> Option<Vec<String>> {
    if path.is_empty() {
        return Some(Vec::new());
    }
    let rest = path.strip_prefix('/')?;
    Some(
        rest.split('/')
            .map(|p| p.replace("~1", "/").replace("~0", "~"))
            .collect(),
    )
}

fn resolve<'a>(node: &'a mut Node, parts: &[String]) -> Option<&'a mut Node> {
    let mut n = node;
    for p in parts {
        n = match n.value {
            Value::Map(_) => n.get_mut(p)?,
            Value::Seq(_) => {
                let i: usize = p.parse().ok()?;
                n.items_mut().get_mut(i)?
            }
            Value::Scalar(_) => return None,
        };
    }
    Some(n)
}

fn add(root: &mut Node, parts: &[String], value: Node) -> std::result::Result<(), String> {
    let Some((last, parent)) = parts.split_last() else {
        *root = value;
        return Ok(());
    };
    let Some(parent) = resolve(root, parent) else {
        return Err("the parent of the path does not exist".into());
    };
    match &mut parent.value {
        Value::Map(_) => {
            let key_src = value.src.clone();
            parent.set(last, value, key_src);
            Ok(())
        }
        Value::Seq(items) => {
            if last == "-" {
                items.push(value);
                return Ok(());
            }
            match last.parse::<usize>() {
                Ok(i) if i <= items.len() => {
                    items.insert(i, value);
                    Ok(())
                }
                _ => Err(format!("index {last} is out of bounds")),
            }
        }
        Value::Scalar(_) => Err("the parent of the path is not an object or array".into()),
    }
}

fn remove(root: &mut Node, parts: &[String]) -> std::result::Result<Node, String> {
    let Some((last, parent)) = parts.split_last() else {
        return Err("cannot remove the whole document".into());
    };
    let Some(parent) = resolve(root, parent) else {
        return Err("the path does not exist".into());
    };
    match &mut parent.value {
        Value::Map(_) => parent
            .remove(last)
            .ok_or_else(|| "the path does not exist".into()),
        Value::Seq(items) => match last.parse::<usize>() {
            Ok(i) if i < items.len() => Ok(items.remove(i)),
            _ => Err(format!("index {last} is out of bounds")),
        },
        Value::Scalar(_) => Err("the path does not exist".into()),
    }
}

/// Applies JSON 6902 operations to one object.
pub(crate) fn apply_json6902(
    r: &mut Resource,
    ops: &[Node],
    k: &Kustomization,
    line: Option<u32>,
) -> Result<()> {
    for op in ops {
        let op_line = op.src.as_ref().map(|s| s.line).or(line);
        let file = op
            .src
            .as_ref()
            .map(|s| s.file.to_path_buf())
            .unwrap_or_else(|| k.file.to_path_buf());
        let id = r.id_string();
        let fail = |msg: String| {
            KustomizeError::new(
                file.clone(),
                op_line,
                ErrorKind::Patch(format!("{msg} (in {id})")),
            )
        };
        let name = op.str_at(&["op"]).unwrap_or("");
        let path = op.str_at(&["path"]).unwrap_or("");
        let Some(parts) = pointer(path) else {
            return Err(fail(format!("invalid JSON pointer '{path}'")));
        };
        let value = || {
            op.get("value")
                .cloned()
                .ok_or_else(|| fail(format!("operation '{name}' needs a value")))
        };
        let result = match name {
            "add" => add(&mut r.node, &parts, value()?),
            "remove" => remove(&mut r.node, &parts).map(|_| ()),
            "replace" => {
                let v = value()?;
                match resolve(&mut r.node, &parts) {
                    Some(target) => {
                        *target = v;
                        Ok(())
                    }
                    None => Err(format!(
                        "replace operation does not apply: doc is missing key: {path}"
                    )),
                }
            }
            "move" | "copy" => {
                let from = op.str_at(&["from"]).unwrap_or("");
                let Some(from_parts) = pointer(from) else {
                    return Err(fail(format!("invalid JSON pointer '{from}'")));
                };
                let taken = if name == "move" {
                    remove(&mut r.node, &from_parts)
                } else {
                    resolve(&mut r.node, &from_parts)
                        .map(|n| n.clone())
                        .ok_or_else(|| format!("the path {from} does not exist"))
                };
                taken.and_then(|v| add(&mut r.node, &parts, v))
            }
            "test" => {
                let v = value()?;
                match resolve(&mut r.node, &parts) {
                    Some(target) if target.to_json() == v.to_json() => Ok(()),
                    _ => Err(format!("testing value {path} failed")),
                }
            }
            other => Err(format!("unexpected kind of operation: '{other}'")),
        };
        result.map_err(fail)?;
    }
    Ok(())
}
