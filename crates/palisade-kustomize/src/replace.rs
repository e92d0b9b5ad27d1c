//! `replacements`: a value copied from one field of one object (or given as `sourceValue`)
//! into fields of the objects a target selects, as kustomize's ReplacementTransformer does
//! after the other transformers of the same kustomization. Field paths are kustomize's:
//! dotted, `[key=value]` picks the list items whose `key` is `value`, `*` every item, a
//! number one item; `options.delimiter`/`index` take or set one part of a delimited
//! string, `options.create` creates missing fields. A replacement whose source is missing
//! or ambiguous, or whose target field does not exist, is an error, as in kustomize.
//! Values inside structured strings (JSON or YAML in a field) are not reached: such a path
//! is an error naming it.

use crate::build::{Builder, Kustomization, Result};
use crate::error::ErrorKind;
use crate::patch::Target;
use crate::tree::{plain_type, Node, Scalar, Value};
use crate::Resource;

/// kustomize's default field of a source and of a target.
const DEFAULT_FIELD_PATH: &str = "metadata.name";

/// Applies every replacement of `k` (inline, or from the files that `path:` entries name).
pub(crate) fn run(b: &mut Builder, k: &Kustomization, acc: &mut [Resource]) -> Result<()> {
    for item in k.list("replacements")? {
        match item.str_at(&["path"]) {
            Some(path) => {
                let line = item.src.as_ref().map(|s| s.line);
                let file = k.dir.join(path);
                let text = b.read(&file, &k.dir, k, line, path)?;
                for doc in crate::build::documents(&file, &text)? {
                    match &doc.value {
                        Value::Seq(list) => {
                            for r in list {
                                apply(k, r, acc)?;
                            }
                        }
                        _ => apply(k, &doc, acc)?,
                    }
                }
            }
            None => apply(k, item, acc)?,
        }
    }
    Ok(())
}

fn invalid(k: &Kustomization, node: &Node, message: String) -> crate::error::KustomizeError {
    k.err(Some(node), ErrorKind::Invalid(message))
}

/// One replacement: its value, then every target.
fn apply(k: &Kustomization, r: &Node, acc: &mut [Resource]) -> Result<()> {
    let source = r.get("source").filter(|n| !n.is_null());
    let source_value = r.get("sourceValue").filter(|n| !n.is_null());
    let targets = r.get("targets").filter(|n| !n.is_null());
    if (source.is_none() && source_value.is_none()) || targets.is_none() {
        return Err(invalid(
            k,
            r,
            "replacements must specify a source and at least one target".into(),
        ));
    }
    if source.is_some() && source_value.is_some() {
        return Err(invalid(
            k,
            r,
            "value and resource selectors are mutually exclusive".into(),
        ));
    }
    let value = match (source, source_value) {
        (Some(source), _) => source_node(k, source, acc)?,
        (None, Some(v)) => Node::string(v.as_str().unwrap_or(""), v.src.clone()),
        (None, None) => unreachable!("checked above"),
    };
    for target in targets.map(Node::items).unwrap_or(&[]) {
        apply_target(k, target, &value, acc)?;
    }
    Ok(())
}

/// The value a `source` selects: exactly one object, the node at its `fieldPath`, refined
/// by `options.delimiter`/`index`.
fn source_node(k: &Kustomization, source: &Node, acc: &[Resource]) -> Result<Node> {
    let select = exact_target(k, source)?;
    let mut found = acc.iter().filter(|r| select.selects(r));
    let Some(object) = found.next() else {
        return Err(invalid(
            k,
            source,
            format!("nothing selected by {}", describe(source)),
        ));
    };
    if found.next().is_some() {
        return Err(invalid(
            k,
            source,
            format!("multiple matches for selector {}", describe(source)),
        ));
    }
    let field_path = source.str_at(&["fieldPath"]).unwrap_or(DEFAULT_FIELD_PATH);
    let path = split_path(field_path);
    let mut nodes = Vec::new();
    lookup(&object.node, &path, &mut nodes);
    let Some(node) = nodes.first().filter(|n| !is_empty(n)) else {
        return Err(invalid(
            k,
            source,
            format!(
                "fieldPath `{field_path}` is missing for replacement source {}",
                describe(source)
            ),
        ));
    };
    let node = (*node).clone();
    let Some(options) = source.get("options") else {
        return Ok(node);
    };
    let delimiter = options.str_at(&["delimiter"]).unwrap_or("");
    if delimiter.is_empty() {
        return Ok(node);
    }
    let Value::Scalar(scalar) = &node.value else {
        return Err(invalid(
            k,
            source,
            "delimiter option can only be used with scalar nodes".into(),
        ));
    };
    let parts: Vec<&str> = scalar.text.split(delimiter).collect();
    let index = options
        .str_at(&["index"])
        .and_then(|i| i.parse::<i64>().ok())
        .unwrap_or(0);
    let part = usize::try_from(index)
        .ok()
        .and_then(|i| parts.get(i))
        .ok_or_else(|| {
            invalid(
                k,
                source,
                format!(
                    "options.index {index} is out of bounds for value {}",
                    scalar.text
                ),
            )
        })?;
    Ok(Node {
        value: Value::Scalar(Scalar {
            text: part.to_string(),
            plain: scalar.plain,
        }),
        src: node.src.clone(),
    })
}

/// A source selector: the fields it names must match exactly (a name also matches the
/// names the object had before a prefix or suffix).
fn exact_target(k: &Kustomization, selector: &Node) -> Result<Target> {
    let mut exact = Node::map(selector.src.clone());
    for key in ["group", "version", "kind", "name", "namespace"] {
        if let Some(v) = selector.str_at(&[key]).filter(|v| !v.is_empty()) {
            let v = if matches!(key, "name" | "namespace") {
                regex::escape(v)
            } else {
                v.to_string()
            };
            exact.set(key, Node::string(v, None), None);
        }
    }
    Target::from_node(&exact, k)
}

fn describe(selector: &Node) -> String {
    let field = |key: &str| selector.str_at(&[key]).unwrap_or("");
    let gv = match (field("group"), field("version")) {
        ("", "") => "[noGrp]".to_string(),
        ("", v) => format!("[noGrp]/{v}"),
        (g, "") => g.to_string(),
        (g, v) => format!("{g}/{v}"),
    };
    let kind = match field("kind") {
        "" => "[noKind]",
        k => k,
    };
    let ns = match field("namespace") {
        "" => "[noNs]",
        n => n,
    };
    format!("{gv}.{kind}/{}.{ns}", field("name"))
}

/// One `targets` entry: the objects `select` picks and no `reject` picks, each of its
/// `fieldPaths` set to `value`.
fn apply_target(
    k: &Kustomization,
    target: &Node,
    value: &Node,
    acc: &mut [Resource],
) -> Result<()> {
    let Some(select) = target.get("select").filter(|n| !n.is_null()) else {
        return Err(invalid(
            k,
            target,
            "target must specify resources to select".into(),
        ));
    };
    let select = Target::from_node(select, k)?;
    let rejects = target
        .get("reject")
        .map(Node::items)
        .unwrap_or(&[])
        .iter()
        .map(|r| Target::from_node(r, k))
        .collect::<Result<Vec<_>>>()?;
    let paths: Vec<String> = match target.get("fieldPaths").map(Node::items) {
        Some(items) if !items.is_empty() => items
            .iter()
            .filter_map(|p| p.as_str().map(str::to_string))
            .collect(),
        _ => vec![DEFAULT_FIELD_PATH.to_string()],
    };
    let options = target.get("options");
    let create = options
        .and_then(|o| o.get("create"))
        .and_then(Node::as_str)
        .is_some_and(|c| c == "true");
    let delimiter = options
        .and_then(|o| o.str_at(&["delimiter"]))
        .unwrap_or("")
        .to_string();
    let index = options
        .and_then(|o| o.str_at(&["index"]))
        .and_then(|i| i.parse::<i64>().ok())
        .unwrap_or(0);
    for resource in acc.iter_mut() {
        if !select.selects(resource) || rejects.iter().any(|r| r.selects(resource)) {
            continue;
        }
        for field_path in &paths {
            let path = split_path(field_path);
            let mut targets = Vec::new();
            lookup_mut(&mut resource.node, &path, create, &mut targets);
            if targets.is_empty() {
                let what = if create { "find or create" } else { "find" };
                return Err(invalid(
                    k,
                    target,
                    format!("unable to {what} field \"{field_path}\" in replacement target"),
                ));
            }
            for field in targets {
                set_value(k, target, field, value, &delimiter, index)?;
            }
        }
    }
    Ok(())
}

/// Writes `value` into `field`: a scalar keeps its own style where the new text has the
/// same YAML type (as kustomize keeps the node's tag); anything else is replaced whole.
fn set_value(
    k: &Kustomization,
    target: &Node,
    field: &mut Node,
    value: &Node,
    delimiter: &str,
    index: i64,
) -> Result<()> {
    let mut value = value.clone();
    if !delimiter.is_empty() {
        let (Value::Scalar(old), Value::Scalar(new)) = (&field.value, &mut value.value) else {
            return Err(invalid(
                k,
                target,
                "delimiter option can only be used with scalar nodes".into(),
            ));
        };
        let mut parts: Vec<String> = old.text.split(delimiter).map(String::from).collect();
        match usize::try_from(index) {
            Err(_) => parts.insert(0, new.text.clone()),
            Ok(i) if i >= parts.len() => parts.push(new.text.clone()),
            Ok(i) => parts[i] = new.text.clone(),
        }
        new.text = parts.join(delimiter);
    }
    match (&mut field.value, value.value) {
        (Value::Scalar(old), Value::Scalar(new)) => {
            old.plain = old.plain && plain_type(&old.text) == plain_type(&new.text);
            old.text = new.text;
            field.src = value.src;
        }
        (_, new) => {
            field.value = new;
            field.src = value.src;
        }
    }
    Ok(())
}

fn is_empty(node: &Node) -> bool {
    match &node.value {
        Value::Scalar(s) => s.plain && plain_type(&s.text) == crate::tree::ScalarType::Null,
        Value::Seq(items) => items.is_empty(),
        Value::Map(entries) => entries.is_empty(),
    }
}

/// kustomize's path split: on `.`, except inside `[...]`.
fn split_path(path: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut depth = 0usize;
    for c in path.chars() {
        match c {
            '[' => {
                depth += 1;
                current.push(c);
            }
            ']' => {
                depth = depth.saturating_sub(1);
                current.push(c);
            }
            '.' if depth == 0 => parts.push(std::mem::take(&mut current)),
            c => current.push(c),
        }
    }
    parts.push(current);
    parts
}

/// One path segment against a list: `[key=value]`, `*` or an index.
enum ListStep<'a> {
    Match(&'a str, &'a str),
    All,
    Index(usize),
}

fn list_step(segment: &str) -> Option<ListStep<'_>> {
    if segment == "*" {
        return Some(ListStep::All);
    }
    if let Some(inner) = segment.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
        let (key, value) = inner.split_once('=')?;
        return Some(ListStep::Match(key, value));
    }
    segment.parse().ok().map(ListStep::Index)
}

fn item_matches(item: &Node, key: &str, value: &str) -> bool {
    if key.is_empty() {
        return item.as_str() == Some(value);
    }
    item.get(key).and_then(Node::as_str) == Some(value)
}

/// The nodes at `path` under `node`.
fn lookup<'a>(node: &'a Node, path: &[String], out: &mut Vec<&'a Node>) {
    let Some((segment, rest)) = path.split_first() else {
        out.push(node);
        return;
    };
    match &node.value {
        Value::Map(_) => {
            if let Some(child) = node.get(segment) {
                lookup(child, rest, out);
            }
        }
        Value::Seq(items) => match list_step(segment) {
            Some(ListStep::All) => items.iter().for_each(|i| lookup(i, rest, out)),
            Some(ListStep::Index(i)) => {
                if let Some(item) = items.get(i) {
                    lookup(item, rest, out);
                }
            }
            Some(ListStep::Match(key, value)) => items
                .iter()
                .filter(|i| item_matches(i, key, value))
                .for_each(|i| lookup(i, rest, out)),
            None => {}
        },
        Value::Scalar(_) => {}
    }
}

/// The nodes at `path` under `node`, created along the way with `create` (mappings for
/// keys, a `{key: value}` item for a `[key=value]` no item matches).
fn lookup_mut<'a>(node: &'a mut Node, path: &[String], create: bool, out: &mut Vec<&'a mut Node>) {
    let Some((segment, rest)) = path.split_first() else {
        out.push(node);
        return;
    };
    let step = list_step(segment);
    let is_list_step = step.is_some()
        && !matches!(step, Some(ListStep::Index(_)) if matches!(node.value, Value::Map(_)));
    if create && is_empty(node) {
        node.value = if is_list_step {
            Value::Seq(Vec::new())
        } else {
            Value::Map(Vec::new())
        };
    }
    if matches!(node.value, Value::Map(_)) {
        if node.get(segment).is_none() {
            if !create {
                return;
            }
            let src = node.src.clone();
            node.set(segment, Node::plain("", src.clone()), src);
        }
        if let Some(child) = node.get_mut(segment) {
            lookup_mut(child, rest, create, out);
        }
        return;
    }
    match &mut node.value {
        Value::Map(_) => {}
        Value::Seq(items) => match step {
            Some(ListStep::All) => items
                .iter_mut()
                .for_each(|i| lookup_mut(i, rest, create, out)),
            Some(ListStep::Index(i)) => {
                if let Some(item) = items.get_mut(i) {
                    lookup_mut(item, rest, create, out);
                }
            }
            Some(ListStep::Match(key, value)) => {
                if create && !key.is_empty() && !items.iter().any(|i| item_matches(i, key, value)) {
                    let mut item = Node::map(None);
                    item.set(key, Node::string(value, None), None);
                    items.push(item);
                }
                items
                    .iter_mut()
                    .filter(|i| item_matches(i, key, value))
                    .for_each(|i| lookup_mut(i, rest, create, out));
            }
            None => {}
        },
        Value::Scalar(_) => {}
    }
}
