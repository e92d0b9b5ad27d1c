//! The built-in transformers of one kustomization level, in kustomize's order:
//! `patchesStrategicMerge`, `patches`, `namespace`, `namePrefix`, `nameSuffix`,
//! `commonLabels`/`labels`, `commonAnnotations`, `patchesJson6902`, `replicas`, `images`,
//! `replacements`.

use std::path::Path;
use std::sync::Arc;

use crate::build::{string_map, Builder, Kustomization, Result};
use crate::error::{ErrorKind, KustomizeError};
use crate::patch::{self, Patch, Target};
use crate::tree::{Node, Src, Value};
use crate::Resource;

pub(crate) fn run(
    b: &mut Builder,
    k: &Kustomization,
    acc: &mut Vec<Resource>,
    level: u32,
) -> Result<()> {
    // patchesStrategicMerge: files or inline YAML, targets named by the patch itself
    for item in k.list("patchesStrategicMerge")? {
        let text = item.as_str().unwrap_or("");
        let line = item.src.as_ref().map(|s| s.line);
        let patches = if looks_inline(text) {
            inline_docs(k, item, text)?
        } else {
            let path = k.dir.join(text);
            let content = b.read(&path, &k.dir, k, line, text)?;
            crate::build::documents(&path, &content)?
        };
        for p in patches {
            patch::apply_strategic(acc, &p, None, k, line)?;
        }
    }
    for item in k.list("patches")? {
        let line = item.src.as_ref().map(|s| s.line);
        let target = match item.get("target") {
            Some(t) if !t.is_null() => Some(Target::from_node(t, k)?),
            _ => None,
        };
        let options_allow_kind = item
            .path(&["options", "allowKindChange"])
            .and_then(Node::as_str)
            == Some("true");
        let options_allow_name = item
            .path(&["options", "allowNameChange"])
            .and_then(Node::as_str)
            == Some("true");
        let (docs, raw) = match (item.get("path").and_then(Node::as_str), item.get("patch")) {
            (Some(rel), None) if crate::build::is_remote(rel) && !k.dir.join(rel).exists() => {
                b.warnings.push(format!(
                    "{}: remote patch '{}' was not fetched (Palisade does not download); it is not applied",
                    k.file.display(),
                    rel
                ));
                continue;
            }
            (Some(rel), None) => {
                let path = k.dir.join(rel);
                let content = b.read(&path, &k.dir, k, line, rel)?;
                (parse_patch(&path, &content, 0)?, content)
            }
            (None, Some(p)) => {
                let text = p.as_str().unwrap_or("").to_string();
                (inline_docs(k, p, &text)?, text)
            }
            _ => {
                return Err(k.err(
                    Some(item),
                    ErrorKind::Patch("a patch needs exactly one of 'path' or 'patch'".into()),
                ))
            }
        };
        let _ = raw;
        match classify(&docs) {
            Patch::Json6902(ops) => {
                let Some(target) = target else {
                    return Err(k.err(
                        Some(item),
                        ErrorKind::Patch(
                            "unable to apply JSON 6902 patch: a 'target' is required".into(),
                        ),
                    ));
                };
                for r in acc.iter_mut().filter(|r| target.selects(r)) {
                    patch::apply_json6902(r, &ops, k, line)?;
                }
            }
            Patch::Strategic(patches) => {
                for p in patches {
                    let before: Vec<(String, String)> = acc
                        .iter()
                        .map(|r| (r.kind().to_string(), r.name().to_string()))
                        .collect();
                    patch::apply_strategic(acc, &p, target.as_ref(), k, line)?;
                    if !options_allow_kind || !options_allow_name {
                        for (r, (kind, name)) in acc.iter_mut().zip(before) {
                            if !options_allow_kind && r.kind() != kind {
                                let src = r.node.get("kind").and_then(|n| n.src.clone());
                                r.node.set("kind", Node::string(kind, src.clone()), src);
                            }
                            if !options_allow_name && r.name() != name {
                                let src = r
                                    .node
                                    .path(&["metadata", "name"])
                                    .and_then(|n| n.src.clone());
                                r.node.ensure_map("metadata", &src).set(
                                    "name",
                                    Node::string(name, src.clone()),
                                    src,
                                );
                            }
                        }
                    }
                }
            }
        }
    }
    if let Some(ns) = k.string("namespace")? {
        if !ns.is_empty() {
            let src = k.node("namespace").and_then(|n| n.src.clone());
            namespace(acc, &ns, &src);
        }
    }
    let prefix = k.string("namePrefix")?.unwrap_or_default();
    let suffix = k.string("nameSuffix")?.unwrap_or_default();
    if !prefix.is_empty() || !suffix.is_empty() {
        let src = k
            .node("namePrefix")
            .or(k.node("nameSuffix"))
            .and_then(|n| n.src.clone());
        for r in acc.iter_mut() {
            if !renamable(r) {
                continue;
            }
            let name = format!("{prefix}{}{suffix}", r.name());
            let name_src = src.clone();
            r.set_name(name);
            if let Some(n) = r.node.path_mut(&["metadata", "name"]) {
                n.src = name_src.or(n.src.take());
            }
            r.renamed_by.push(level);
        }
    }
    let common = k.string_map("commonLabels")?;
    if !common.is_empty() {
        let src = k.node("commonLabels").and_then(|n| n.src.clone());
        labels(acc, &common, true, true, &src);
    }
    for item in k.list("labels")? {
        let pairs = item
            .get("pairs")
            .map(|p| {
                string_map(p).ok_or_else(|| {
                    k.err(
                        Some(p),
                        ErrorKind::Invalid("'labels.pairs' must be a map of strings".into()),
                    )
                })
            })
            .transpose()?
            .unwrap_or_default();
        let selectors = item.get("includeSelectors").and_then(Node::as_str) == Some("true");
        let templates = item.get("includeTemplates").and_then(Node::as_str) == Some("true");
        labels(acc, &pairs, selectors, selectors || templates, &item.src);
    }
    let annotations = k.string_map("commonAnnotations")?;
    if !annotations.is_empty() {
        let src = k.node("commonAnnotations").and_then(|n| n.src.clone());
        for r in acc.iter_mut() {
            let kind = r.kind().to_string();
            add_pairs(
                r.node.ensure_map("metadata", &src),
                "annotations",
                &annotations,
                &src,
                true,
            );
            for path in template_paths(&kind) {
                if let Some(t) = walk_create(&mut r.node, path, &src) {
                    add_pairs(t, "annotations", &annotations, &src, true);
                }
            }
        }
    }
    for item in k.list("patchesJson6902")? {
        let line = item.src.as_ref().map(|s| s.line);
        let target = match item.get("target") {
            Some(t) => Target::from_node(t, k)?,
            None => {
                return Err(k.err(
                    Some(item),
                    ErrorKind::Patch("patchesJson6902 needs a 'target'".into()),
                ))
            }
        };
        let docs = match (item.get("path").and_then(Node::as_str), item.get("patch")) {
            (Some(rel), _) => {
                let path = k.dir.join(rel);
                let content = b.read(&path, &k.dir, k, line, rel)?;
                parse_patch(&path, &content, 0)?
            }
            (None, Some(p)) => {
                let text = p.as_str().unwrap_or("").to_string();
                inline_docs(k, p, &text)?
            }
            _ => {
                return Err(k.err(
                    Some(item),
                    ErrorKind::Patch("a patch needs 'path' or 'patch'".into()),
                ))
            }
        };
        let Patch::Json6902(ops) = classify(&docs) else {
            return Err(k.err(
                Some(item),
                ErrorKind::Patch("a JSON 6902 patch must be a list of operations".into()),
            ));
        };
        for r in acc.iter_mut().filter(|r| target.selects(r)) {
            patch::apply_json6902(r, &ops, k, line)?;
        }
    }
    for item in k.list("replicas")? {
        let Some(name) = item.str_at(&["name"]) else {
            return Err(k.err(
                Some(item),
                ErrorKind::Invalid("replicas: an entry needs a name".into()),
            ));
        };
        let Some(count) = item.get("count").filter(|c| matches!(&c.value, Value::Scalar(s) if s.plain && crate::tree::plain_type(&s.text) == crate::tree::ScalarType::Int)) else {
            return Err(k.err(Some(item), ErrorKind::Invalid("replicas: 'count' must be an integer".into())));
        };
        let mut found = false;
        for r in acc.iter_mut().filter(|r| r.had_name(name)) {
            if matches!(
                r.kind(),
                "Deployment" | "ReplicationController" | "ReplicaSet" | "StatefulSet"
            ) {
                found = true;
                let src = count.src.clone();
                r.node.ensure_map("spec", &src).set(
                    "replicas",
                    Node::plain(count.as_str().unwrap_or("0"), src.clone()),
                    src,
                );
            }
        }
        let _ = found;
    }
    for item in k.list("images")? {
        images(acc, item);
    }
    // vars are resolved at the end of the whole build; replacements run last here
    crate::replace::run(b, k, acc)?;
    Ok(())
}

/// Kinds kustomize leaves unprefixed (it would break references to them).
fn renamable(r: &Resource) -> bool {
    !matches!(
        r.kind(),
        "CustomResourceDefinition" | "Namespace" | "APIService"
    )
}

/// The patch documents of an inline `patch:` block, with lines in the kustomization file.
fn inline_docs(k: &Kustomization, node: &Node, text: &str) -> Result<Vec<Node>> {
    // the scalar's position is its first content line, line 1 of the patch text
    let offset = node.src.as_ref().map_or(0, |s| s.line.saturating_sub(1));
    parse_patch(&k.file, text, offset)
}

fn parse_patch(path: &Path, text: &str, offset: u32) -> Result<Vec<Node>> {
    let docs = palisade_yaml::load(text).map_err(|e| {
        KustomizeError::new(
            path,
            Some(e.line + offset),
            ErrorKind::Yaml(format!("in patch, column {}: {}", e.column, e.message)),
        )
    })?;
    let file: Arc<Path> = Arc::from(path);
    Ok(docs
        .iter()
        .filter(|d| !d.root.is_null())
        .map(|d| Node::from_yaml_offset(&d.root, &file, offset))
        .collect())
}

fn looks_inline(text: &str) -> bool {
    text.contains('\n') || text.contains("apiVersion:") || text.contains("kind:")
}

fn classify(docs: &[Node]) -> Patch {
    if let [single] = docs {
        if let Value::Seq(ops) = &single.value {
            return Patch::Json6902(ops.clone());
        }
    }
    Patch::Strategic(docs.to_vec())
}

fn namespace(acc: &mut [Resource], ns: &str, src: &Option<Src>) {
    for r in acc.iter_mut() {
        if r.kind() == "Namespace" {
            // kustomize renames Namespace objects to the namespace it sets
            r.set_name(ns.to_string());
            continue;
        }
        if cluster_scoped(r.kind()) {
            continue;
        }
        r.node.ensure_map("metadata", src).set(
            "namespace",
            Node::string(ns, src.clone()),
            src.clone(),
        );
    }
    // subjects naming a ServiceAccount of this set follow it into the namespace
    let accounts: Vec<String> = acc
        .iter()
        .filter(|r| r.kind() == "ServiceAccount")
        .flat_map(|r| std::iter::once(r.name().to_string()).chain(r.previous_names.iter().cloned()))
        .collect();
    for r in acc.iter_mut() {
        if !matches!(r.kind(), "RoleBinding" | "ClusterRoleBinding") {
            continue;
        }
        if let Some(subjects) = r.node.get_mut("subjects") {
            for s in subjects.items_mut() {
                let name = s.str_at(&["name"]).unwrap_or("");
                let ours = name == "default" || accounts.iter().any(|a| a == name);
                if s.str_at(&["kind"]) == Some("ServiceAccount") && ours {
                    s.set("namespace", Node::string(ns, src.clone()), src.clone());
                }
            }
        }
    }
}

/// Kinds without a namespace (one list for every reader: palisade-core).
pub(crate) fn cluster_scoped(kind: &str) -> bool {
    palisade_core::kinds::is_cluster_scoped(kind)
}

/// Where a kind keeps its pod-template metadata (for labels and annotations).
fn template_paths(kind: &str) -> &'static [&'static [&'static str]] {
    match kind {
        "Deployment"
        | "ReplicaSet"
        | "DaemonSet"
        | "StatefulSet"
        | "Job"
        | "ReplicationController" => &[&["spec", "template", "metadata"]],
        "CronJob" => &[
            &["spec", "jobTemplate", "metadata"],
            &["spec", "jobTemplate", "spec", "template", "metadata"],
        ],
        _ => &[],
    }
}

/// The map at `path` under `node`, creating missing maps with `src`.
fn walk_create<'a>(node: &'a mut Node, path: &[&str], src: &Option<Src>) -> Option<&'a mut Node> {
    let mut n = node;
    for key in path {
        if !matches!(n.value, Value::Map(_)) {
            return None;
        }
        n = n.ensure_map(key, src);
    }
    Some(n)
}

fn add_pairs(
    node: &mut Node,
    key: &str,
    pairs: &[(String, String)],
    src: &Option<Src>,
    create: bool,
) {
    if node.get(key).is_none_or(Node::is_null) && !create {
        return;
    }
    let target = node.ensure_map(key, src);
    for (k, v) in pairs {
        target.set(k, Node::string(v.clone(), src.clone()), src.clone());
    }
}

fn labels(
    acc: &mut [Resource],
    pairs: &[(String, String)],
    selectors: bool,
    templates: bool,
    src: &Option<Src>,
) {
    if pairs.is_empty() {
        return;
    }
    for r in acc.iter_mut() {
        let kind = r.kind().to_string();
        let (group, _) = r.group_version();
        let group = group.to_string();
        add_pairs(
            r.node.ensure_map("metadata", src),
            "labels",
            pairs,
            src,
            true,
        );
        if templates {
            for path in template_paths(&kind) {
                if let Some(t) = walk_create(&mut r.node, path, src) {
                    add_pairs(t, "labels", pairs, src, true);
                }
            }
            if kind == "StatefulSet" && selectors {
                if let Some(claims) = r.node.path_mut(&["spec", "volumeClaimTemplates"]) {
                    for c in claims.items_mut() {
                        if matches!(c.value, Value::Map(_)) {
                            add_pairs(c.ensure_map("metadata", src), "labels", pairs, src, true);
                        }
                    }
                }
            }
        }
        if !selectors {
            continue;
        }
        match kind.as_str() {
            "Service" => {
                if let Some(spec) = walk_create(&mut r.node, &["spec"], src) {
                    add_pairs(spec, "selector", pairs, src, true);
                }
            }
            "ReplicationController" => {
                if let Some(spec) = walk_create(&mut r.node, &["spec"], src) {
                    add_pairs(spec, "selector", pairs, src, true);
                }
            }
            "Deployment" | "ReplicaSet" | "DaemonSet" | "StatefulSet" => {
                if let Some(sel) = walk_create(&mut r.node, &["spec", "selector"], src) {
                    add_pairs(sel, "matchLabels", pairs, src, true);
                }
            }
            "Job" => {
                if let Some(sel) = r.node.path_mut(&["spec", "selector"]) {
                    add_pairs(sel, "matchLabels", pairs, src, false);
                }
            }
            "CronJob" => {
                if let Some(sel) = r
                    .node
                    .path_mut(&["spec", "jobTemplate", "spec", "selector"])
                {
                    add_pairs(sel, "matchLabels", pairs, src, false);
                }
            }
            "PodDisruptionBudget" if group == "policy" => {
                if let Some(sel) = r.node.path_mut(&["spec", "selector"]) {
                    add_pairs(sel, "matchLabels", pairs, src, false);
                }
            }
            "NetworkPolicy" if group == "networking.k8s.io" => {
                if let Some(sel) = r.node.path_mut(&["spec", "podSelector"]) {
                    add_pairs(sel, "matchLabels", pairs, src, false);
                }
                for (dir, peer) in [("ingress", "from"), ("egress", "to")] {
                    if let Some(rules) = r.node.path_mut(&["spec", dir]) {
                        for rule in rules.items_mut() {
                            if let Some(peers) = rule.get_mut(peer) {
                                for p in peers.items_mut() {
                                    if let Some(sel) = p.get_mut("podSelector") {
                                        add_pairs(sel, "matchLabels", pairs, src, false);
                                    }
                                }
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

/// One `images:` entry applied to every container image in every object.
fn images(acc: &mut [Resource], item: &Node) {
    let Some(name) = item.str_at(&["name"]) else {
        return;
    };
    let new_name = item.str_at(&["newName"]);
    let new_tag = item.get("newTag").and_then(Node::as_str);
    let digest = item.str_at(&["digest"]);
    let src = item.src.clone();
    for r in acc.iter_mut() {
        rewrite_images(&mut r.node, name, new_name, new_tag, digest, &src);
    }
}

fn rewrite_images(
    node: &mut Node,
    name: &str,
    new_name: Option<&str>,
    new_tag: Option<&str>,
    digest: Option<&str>,
    src: &Option<Src>,
) {
    match &mut node.value {
        Value::Map(entries) => {
            for e in entries.iter_mut() {
                if matches!(e.key.as_str(), "containers" | "initContainers") {
                    for c in e.node.items_mut() {
                        let Some(image) = c.get("image").and_then(Node::as_str).map(String::from)
                        else {
                            continue;
                        };
                        if let Some(updated) =
                            replace_image(&image, name, new_name, new_tag, digest)
                        {
                            c.set("image", Node::string(updated, src.clone()), src.clone());
                        }
                    }
                }
                rewrite_images(&mut e.node, name, new_name, new_tag, digest, src);
            }
        }
        Value::Seq(items) => {
            for i in items {
                rewrite_images(i, name, new_name, new_tag, digest, src);
            }
        }
        Value::Scalar(_) => {}
    }
}

/// The image reference with `name` replaced, or `None` when it is another image.
fn replace_image(
    image: &str,
    name: &str,
    new_name: Option<&str>,
    new_tag: Option<&str>,
    digest: Option<&str>,
) -> Option<String> {
    let (without_digest, old_digest) = match image.split_once('@') {
        Some((n, d)) => (n, Some(d)),
        None => (image, None),
    };
    // a tag follows the last ':' after the last '/'
    let slash = without_digest.rfind('/').map_or(0, |i| i + 1);
    let (repo, old_tag) = match without_digest[slash..].rfind(':') {
        Some(i) => (
            &without_digest[..slash + i],
            Some(&without_digest[slash + i + 1..]),
        ),
        None => (without_digest, None),
    };
    if repo != name {
        return None;
    }
    let repo = new_name.unwrap_or(repo);
    let mut out = repo.to_string();
    if let Some(d) = digest {
        out.push('@');
        out.push_str(d);
    } else if let Some(t) = new_tag {
        out.push(':');
        out.push_str(t);
    } else {
        if let Some(t) = old_tag {
            out.push(':');
            out.push_str(t);
        }
        if let Some(d) = old_digest {
            out.push('@');
            out.push_str(d);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_references_are_rewritten_like_kustomize() {
        assert_eq!(
            replace_image("nginx", "nginx", None, Some("1.27"), None).as_deref(),
            Some("nginx:1.27")
        );
        assert_eq!(
            replace_image(
                "reg:5000/app:v1",
                "reg:5000/app",
                Some("other/app"),
                None,
                None
            )
            .as_deref(),
            Some("other/app:v1")
        );
        assert_eq!(
            replace_image("app:v1", "app", None, None, Some("sha256:ab")).as_deref(),
            Some("app@sha256:ab")
        );
        assert_eq!(
            replace_image("nginx:1", "ngin", None, Some("2"), None),
            None
        );
    }
}
