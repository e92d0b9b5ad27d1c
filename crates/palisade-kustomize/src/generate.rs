//! `configMapGenerator` and `secretGenerator`: objects made from literals, files and env
//! files, with `generatorOptions`, the `create`/`merge`/`replace` behaviours, and the
//! content-hash name suffix kustomize computes (see [`hash_suffix`]).

use std::path::Path;
use std::sync::Arc;

use crate::build::{string_map, Builder, Kustomization, Result};
use crate::error::{ErrorKind, KustomizeError};
use crate::tree::{Node, Src};
use crate::Resource;

#[derive(Default, Clone)]
struct Options {
    labels: Vec<(String, String)>,
    annotations: Vec<(String, String)>,
    disable_hash: Option<bool>,
    immutable: Option<bool>,
}

fn options(k: &Kustomization, node: Option<&Node>) -> Result<Options> {
    let mut o = Options::default();
    let Some(node) = node.filter(|n| !n.is_null()) else {
        return Ok(o);
    };
    let bad = |what: &str| {
        k.err(
            Some(node),
            ErrorKind::Invalid(format!("generator options: '{what}' is not valid")),
        )
    };
    if let Some(l) = node.get("labels") {
        o.labels = string_map(l).ok_or_else(|| bad("labels"))?;
    }
    if let Some(a) = node.get("annotations") {
        o.annotations = string_map(a).ok_or_else(|| bad("annotations"))?;
    }
    if let Some(d) = node.get("disableNameSuffixHash") {
        o.disable_hash = Some(d.as_str() == Some("true"));
    }
    if let Some(i) = node.get("immutable") {
        o.immutable = Some(i.as_str() == Some("true"));
    }
    Ok(o)
}

/// Runs the generators of `k` into `acc`.
pub(crate) fn run(b: &mut Builder, k: &Kustomization, acc: &mut Vec<Resource>) -> Result<()> {
    let global = options(k, k.node("generatorOptions"))?;
    for (key, kind) in [
        ("configMapGenerator", "ConfigMap"),
        ("secretGenerator", "Secret"),
    ] {
        for entry in k.list(key)? {
            generate_one(b, k, acc, entry, kind, &global)?;
        }
    }
    Ok(())
}

fn generate_one(
    b: &mut Builder,
    k: &Kustomization,
    acc: &mut Vec<Resource>,
    entry: &Node,
    kind: &str,
    global: &Options,
) -> Result<()> {
    let src = entry.src.clone();
    let line = src.as_ref().map(|s| s.line);
    let err =
        |msg: String| KustomizeError::new(k.file.to_path_buf(), line, ErrorKind::Generator(msg));
    let Some(name) = entry.str_at(&["name"]).filter(|n| !n.is_empty()) else {
        return Err(err(format!("a {kind} generator needs a name")));
    };
    let namespace = entry.str_at(&["namespace"]).map(String::from);
    let behavior = entry.str_at(&["behavior"]).unwrap_or("create").to_string();
    if !matches!(behavior.as_str(), "create" | "merge" | "replace") {
        return Err(err(format!("unknown generator behavior '{behavior}'")));
    }
    let local = options(k, entry.get("options"))?;
    // (key, value, where it came from)
    let mut data: Vec<(String, Vec<u8>, Option<Src>)> = Vec::new();
    let push = |data: &mut Vec<(String, Vec<u8>, Option<Src>)>,
                key: String,
                value: Vec<u8>,
                at: Option<Src>|
     -> Result<()> {
        if key.is_empty()
            || !key
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || b"-._".contains(&c))
        {
            return Err(err(format!(
                "\"{key}\" is not a valid key name for a {kind}: a valid config key must consist of alphanumeric characters, '-', '_' or '.'"
            )));
        }
        if data.iter().any(|(k, _, _)| *k == key) {
            return Err(err(format!(
                "cannot add key {key}, another key by that name already exists"
            )));
        }
        data.push((key, value, at));
        Ok(())
    };
    for lit in entry.get("literals").map(Node::items).unwrap_or(&[]) {
        let text = lit.as_str().unwrap_or("");
        let Some((key, value)) = text.split_once('=') else {
            return Err(err(format!(
                "invalid literal source {text}, expected key=value"
            )));
        };
        push(
            &mut data,
            key.to_string(),
            unquote(value).as_bytes().to_vec(),
            lit.src.clone(),
        )?;
    }
    let mut env_files: Vec<&Node> = entry
        .get("envs")
        .map(|e| e.items().iter().collect())
        .unwrap_or_default();
    if let Some(env) = entry.get("env").filter(|e| !e.is_null()) {
        env_files.push(env);
    }
    for env in env_files {
        let rel = env.as_str().unwrap_or("");
        let path = k.dir.join(rel);
        let text = b.read(&path, &k.dir, k, env.src.as_ref().map(|s| s.line), rel)?;
        let file: Arc<Path> = Arc::from(path.as_path());
        for (i, raw) in text.lines().enumerate() {
            let line = raw.strip_prefix('\u{feff}').unwrap_or(raw).trim_start();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let at = Some(Src {
                file: file.clone(),
                line: i as u32 + 1,
            });
            match line.split_once('=') {
                Some((key, value)) => {
                    push(&mut data, key.to_string(), value.as_bytes().to_vec(), at)?
                }
                None => {
                    // kustomize reads the value from its own environment; a scan must not
                    // copy the scanner's environment into its output
                    b.warnings.push(format!(
                        "{}:{}: '{}' has no value; kustomize would take it from the environment of the build, Palisade renders it empty",
                        path.display(),
                        i + 1,
                        line
                    ));
                    push(&mut data, line.to_string(), Vec::new(), at)?;
                }
            }
        }
    }
    for f in entry.get("files").map(Node::items).unwrap_or(&[]) {
        let spec = f.as_str().unwrap_or("");
        let (key, rel) = match spec.split_once('=') {
            Some((key, rel)) => (key.to_string(), rel),
            None => (
                Path::new(spec)
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                spec,
            ),
        };
        let path = k.dir.join(rel);
        if path.is_dir() {
            return Err(err(format!(
                "{rel}: is a directory; generator files must be files"
            )));
        }
        let bytes = read_bytes(b, &path, k, f.src.as_ref().map(|s| s.line), rel)?;
        let at = Some(Src {
            file: Arc::from(path.as_path()),
            line: 1,
        });
        push(&mut data, key, bytes, at)?;
    }

    let merged = Options {
        labels: merge_pairs(&global.labels, &local.labels),
        annotations: merge_pairs(&global.annotations, &local.annotations),
        disable_hash: local.disable_hash.or(global.disable_hash),
        immutable: local.immutable.or(global.immutable),
    };
    let mut obj = Node::map(src.clone());
    obj.set("apiVersion", Node::string("v1", src.clone()), src.clone());
    obj.set("kind", Node::string(kind, src.clone()), src.clone());
    let mut meta = Node::map(src.clone());
    meta.set("name", Node::string(name, src.clone()), src.clone());
    if let Some(ns) = &namespace {
        meta.set(
            "namespace",
            Node::string(ns.clone(), src.clone()),
            src.clone(),
        );
    }
    if !merged.labels.is_empty() {
        meta.set("labels", pairs_node(&merged.labels, &src), src.clone());
    }
    if !merged.annotations.is_empty() {
        meta.set(
            "annotations",
            pairs_node(&merged.annotations, &src),
            src.clone(),
        );
    }
    obj.set("metadata", meta, src.clone());
    let mut text_data = Node::map(src.clone());
    let mut binary = Node::map(src.clone());
    for (key, value, at) in &data {
        if kind == "Secret" {
            text_data.set(key, Node::string(base64(value), at.clone()), at.clone());
        } else {
            match std::str::from_utf8(value) {
                Ok(s) => text_data.set(key, Node::string(s, at.clone()), at.clone()),
                Err(_) => binary.set(key, Node::string(base64(value), at.clone()), at.clone()),
            }
        }
    }
    if !text_data.entries().is_empty() {
        obj.set("data", text_data, src.clone());
    }
    if !binary.entries().is_empty() {
        obj.set("binaryData", binary, src.clone());
    }
    if kind == "Secret" {
        let ty = entry.str_at(&["type"]).unwrap_or("Opaque");
        obj.set("type", Node::string(ty, src.clone()), src.clone());
    }
    if merged.immutable == Some(true) {
        obj.set("immutable", Node::plain("true", src.clone()), src.clone());
    }
    let origin = src.clone().unwrap_or(Src {
        file: k.file.clone(),
        line: 1,
    });
    let mut resource = Resource::new(obj, origin);
    resource.needs_hash = merged.disable_hash != Some(true);
    resource.generated = true;

    let existing = acc.iter().position(|r| {
        r.kind() == kind
            && r.had_name(name)
            && namespace
                .as_deref()
                .is_none_or(|ns| r.namespace() == ns || r.original_namespace.as_deref() == Some(ns))
    });
    match (behavior.as_str(), existing) {
        ("create", None) => acc.push(resource),
        ("create", Some(_)) => {
            return Err(err(format!(
                "id {kind}/{name} exists; behavior must be merge or replace"
            )))
        }
        (_, None) => {
            return Err(err(format!(
                "id {kind}/{name} does not exist; cannot merge or replace"
            )))
        }
        ("replace", Some(i)) => {
            let old = &mut acc[i];
            for key in ["data", "binaryData"] {
                old.node.remove(key);
                if let Some(v) = resource.node.get(key) {
                    old.node.set(key, v.clone(), src.clone());
                }
            }
            merge_meta(&mut old.node, &resource.node, &src);
            if let Some(disable) = merged.disable_hash {
                old.needs_hash = !disable;
            }
        }
        (_, Some(i)) => {
            let old = &mut acc[i];
            for key in ["data", "binaryData"] {
                if let Some(v) = resource.node.get(key) {
                    let target = old.node.ensure_map(key, &src);
                    for e in v.entries() {
                        target.set(&e.key, e.node.clone(), e.key_src.clone());
                    }
                }
            }
            merge_meta(&mut old.node, &resource.node, &src);
            if let Some(disable) = merged.disable_hash {
                old.needs_hash = !disable;
            }
        }
    }
    Ok(())
}

fn merge_meta(old: &mut Node, new: &Node, src: &Option<Src>) {
    for key in ["labels", "annotations"] {
        if let Some(v) = new.path(&["metadata", key]) {
            let target = old.ensure_map("metadata", src).ensure_map(key, src);
            for e in v.entries() {
                target.set(&e.key, e.node.clone(), e.key_src.clone());
            }
        }
    }
}

fn merge_pairs(a: &[(String, String)], b: &[(String, String)]) -> Vec<(String, String)> {
    let mut out = a.to_vec();
    for (k, v) in b {
        match out.iter_mut().find(|(ok, _)| ok == k) {
            Some(e) => e.1 = v.clone(),
            None => out.push((k.clone(), v.clone())),
        }
    }
    out
}

fn pairs_node(pairs: &[(String, String)], src: &Option<Src>) -> Node {
    let mut n = Node::map(src.clone());
    for (k, v) in pairs {
        n.set(k, Node::string(v.clone(), src.clone()), src.clone());
    }
    n
}

fn read_bytes(
    b: &mut Builder,
    path: &Path,
    k: &Kustomization,
    line: Option<u32>,
    rel: &str,
) -> Result<Vec<u8>> {
    // files are read through the same checks as text; binary content comes back lossless
    let canonical = std::fs::canonicalize(path).map_err(|e| {
        KustomizeError::new(
            k.file.to_path_buf(),
            line,
            ErrorKind::Resource {
                entry: rel.to_string(),
                reason: palisade_core::text::io_message(&e),
            },
        )
    })?;
    let root = std::fs::canonicalize(&k.dir).unwrap_or_else(|_| k.dir.clone());
    if !canonical.starts_with(&root) {
        return Err(KustomizeError::new(
            k.file.to_path_buf(),
            line,
            ErrorKind::OutsideRoot {
                file: path.to_path_buf(),
                root: k.dir.clone(),
            },
        ));
    }
    let bytes = palisade_core::fsio::read_limited(path, b.limits.max_file_bytes).map_err(|e| {
        KustomizeError::new(
            k.file.to_path_buf(),
            line,
            ErrorKind::Resource {
                entry: rel.to_string(),
                reason: e.reason(),
            },
        )
    })?;
    b.files.insert(canonical);
    Ok(bytes)
}

/// kustomize strips one pair of matching quotes around a literal's value.
fn unquote(v: &str) -> &str {
    let b = v.as_bytes();
    if b.len() >= 2 && (b[0] == b'"' || b[0] == b'\'') && b[b.len() - 1] == b[0] {
        &v[1..v.len() - 1]
    } else {
        v
    }
}

pub(crate) fn base64(bytes: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | (u32::from(b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(TABLE[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// JSON as Go's `encoding/json` writes it: keys sorted, `<`, `>`, `&`, U+2028 and U+2029
/// escaped, no spaces. Kustomize hashes this text, so it must match byte for byte.
fn go_json(value: &serde_json::Value, out: &mut String) {
    use serde_json::Value as J;
    match value {
        J::Null => out.push_str("null"),
        J::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        J::Number(n) => out.push_str(&n.to_string()),
        J::String(s) => {
            out.push('"');
            for c in s.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    '\t' => out.push_str("\\t"),
                    '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                        out.push_str(&format!("\\u{:04x}", c as u32))
                    }
                    c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
                    c => out.push(c),
                }
            }
            out.push('"');
        }
        J::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                go_json(item, out);
            }
            out.push(']');
        }
        J::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                go_json(&J::String(k.clone()), out);
                out.push(':');
                go_json(&map[k], out);
            }
            out.push('}');
        }
    }
}

/// The ten-character suffix kustomize appends to a generated ConfigMap or Secret: the
/// SHA-256 of a JSON encoding of the fields that matter (kind, data, and for Secrets
/// the type), its first ten hex digits with the characters that could spell
/// words (`0 1 3 a e`) swapped for others.
pub fn hash_suffix(object: &serde_json::Value) -> String {
    use serde_json::{json, Map, Value as J};
    use sha2::Digest;
    let get = |path: &[&str]| -> J {
        let mut v = object;
        for p in path {
            match v.get(p) {
                Some(next) => v = next,
                None => return J::String(String::new()),
            }
        }
        match v {
            J::Object(_) => v.clone(),
            J::String(_) => v.clone(),
            J::Null => J::String(String::new()),
            other => J::String(other.to_string()),
        }
    };
    let kind = object.get("kind").and_then(J::as_str).unwrap_or("");
    let mut m = Map::new();
    m.insert("kind".into(), json!(kind));
    // kustomize looks the name up as one field called `metadata/name`, which no object
    // has: the name always hashes as the empty string (checked against kubectl)
    m.insert("name".into(), J::String(String::new()));
    m.insert("data".into(), get(&["data"]));
    if kind == "Secret" {
        m.insert("type".into(), get(&["type"]));
        if let Some(sd @ J::Object(_)) = object.get("stringData") {
            m.insert("stringData".into(), sd.clone());
        }
    } else if let Some(bd @ J::Object(_)) = object.get("binaryData") {
        m.insert("binaryData".into(), bd.clone());
    }
    let mut text = String::new();
    go_json(&J::Object(m), &mut text);
    let digest = sha2::Sha256::digest(text.as_bytes());
    let hex: String = digest.iter().take(5).map(|b| format!("{b:02x}")).collect();
    hex.chars()
        .map(|c| match c {
            '0' => 'g',
            '1' => 'h',
            '3' => 'k',
            'a' => 'm',
            'e' => 't',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffixes_match_kubectl_kustomize() {
        // expected values printed by `kubectl kustomize` (kustomize v5.5)
        let empty = serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "empty"}});
        assert_eq!(hash_suffix(&empty), "6ct58987ht");
        let lit = serde_json::json!({"kind": "ConfigMap", "metadata": {"name": "lit"}, "data": {"a": "1", "b": "x y", "c": "<&>"}});
        assert_eq!(hash_suffix(&lit), "k5h65c2dm2");
        let secret = serde_json::json!({"kind": "Secret", "metadata": {"name": "s"}, "data": {"k": "dg=="}, "type": "Opaque"});
        assert_eq!(hash_suffix(&secret), "ftgtgc4t9f");
    }

    #[test]
    fn base64_pads_like_the_standard() {
        assert_eq!(base64(b"v"), "dg==");
        assert_eq!(base64(b"ab"), "YWI=");
        assert_eq!(base64(b"abc"), "YWJj");
        assert_eq!(base64(b""), "");
    }
}
