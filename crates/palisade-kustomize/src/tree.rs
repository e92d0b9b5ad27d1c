//! The object model of rendering: a YAML value tree in which every node and every mapping
//! key remembers the file and line it was written at. Patches that replace a node put
//! their own position on it, so a finding in rendered output can be traced back to the
//! base resource or the patch that set the field.

use std::path::Path;
use std::sync::Arc;

use palisade_yaml::{Node as YamlNode, NodeKind};

/// Where a node was written: a file and a 1-based line.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Src {
    pub file: Arc<Path>,
    pub line: u32,
}

/// A scalar as written. `plain` scalars are typed by the YAML core schema when read
/// (`80` is a number, `true` a boolean); other scalars are strings.
#[derive(Debug, Clone, PartialEq)]
pub struct Scalar {
    pub text: String,
    pub plain: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Scalar(Scalar),
    Seq(Vec<Node>),
    Map(Vec<Entry>),
}

/// One key of a mapping with its own position.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_src: Option<Src>,
    pub node: Node,
}

/// A value and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub src: Option<Src>,
}

/// What a scalar is under the YAML 1.2 core schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarType {
    Null,
    Bool,
    Int,
    Float,
    Str,
}

pub fn plain_type(text: &str) -> ScalarType {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return ScalarType::Null,
        "true" | "True" | "TRUE" | "false" | "False" | "FALSE" => return ScalarType::Bool,
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF"
        | ".nan" | ".NaN" | ".NAN" => return ScalarType::Float,
        _ => {}
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return ScalarType::Int;
    }
    if let Some(hex) = text.strip_prefix("0x") {
        if !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return ScalarType::Int;
        }
    }
    if let Some(oct) = text.strip_prefix("0o") {
        if !oct.is_empty() && oct.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
            return ScalarType::Int;
        }
    }
    if is_core_float(digits) {
        return ScalarType::Float;
    }
    ScalarType::Str
}

/// `[0-9]*(\.[0-9]*)?([eE][-+]?[0-9]+)?` with at least one digit before the exponent.
fn is_core_float(s: &str) -> bool {
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let all_digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(int) || !frac.is_none_or(all_digits) {
        return false;
    }
    if int.is_empty() && frac.is_none_or(str::is_empty) {
        return false;
    }
    if frac.is_none() && exponent.is_none() {
        return false;
    }
    match exponent {
        None => true,
        Some(e) => {
            let e = e.strip_prefix(['-', '+']).unwrap_or(e);
            !e.is_empty() && all_digits(e)
        }
    }
}

impl Node {
    pub fn string(text: impl Into<String>, src: Option<Src>) -> Node {
        Node {
            value: Value::Scalar(Scalar {
                text: text.into(),
                plain: false,
            }),
            src,
        }
    }

    pub fn plain(text: impl Into<String>, src: Option<Src>) -> Node {
        Node {
            value: Value::Scalar(Scalar {
                text: text.into(),
                plain: true,
            }),
            src,
        }
    }

    pub fn map(src: Option<Src>) -> Node {
        Node {
            value: Value::Map(Vec::new()),
            src,
        }
    }

    /// Converts a loaded YAML node of `file`, keeping positions.
    pub fn from_yaml(node: &YamlNode, file: &Arc<Path>) -> Node {
        Node::from_yaml_offset(node, file, 0)
    }

    /// As [`Node::from_yaml`], with lines shifted by `offset` (text embedded in another file).
    pub fn from_yaml_offset(node: &YamlNode, file: &Arc<Path>, offset: u32) -> Node {
        let src = Some(Src {
            file: file.clone(),
            line: node.pos.line + offset,
        });
        let value = match &node.kind {
            NodeKind::Scalar(s) => {
                let string_tag = node
                    .tag
                    .as_deref()
                    .is_some_and(|t| t == "!!str" || t.ends_with(":str"));
                Value::Scalar(Scalar {
                    text: s.value.clone(),
                    plain: !s.quoted && !string_tag,
                })
            }
            NodeKind::Seq(items) => Value::Seq(
                items
                    .iter()
                    .map(|i| Node::from_yaml_offset(i, file, offset))
                    .collect(),
            ),
            NodeKind::Map(entries) => {
                let mut out: Vec<Entry> = Vec::with_capacity(entries.len());
                for (k, v) in entries {
                    let key = match &k.kind {
                        NodeKind::Scalar(s) => s.value.clone(),
                        _ => continue,
                    };
                    let entry = Entry {
                        key,
                        key_src: Some(Src {
                            file: file.clone(),
                            line: k.pos.line + offset,
                        }),
                        node: Node::from_yaml_offset(v, file, offset),
                    };
                    // a merge (`<<`) may repeat a key: the later one wins, as in YAML
                    match out.iter_mut().find(|e| e.key == entry.key) {
                        Some(existing) => *existing = entry,
                        None => out.push(entry),
                    }
                }
                Value::Map(out)
            }
        };
        Node { value, src }
    }

    /// Converts a JSON value (generated content) with one position for all of it.
    pub fn from_json(value: &serde_json::Value, src: &Option<Src>) -> Node {
        use serde_json::Value as J;
        let value = match value {
            J::Null => Value::Scalar(Scalar {
                text: "null".into(),
                plain: true,
            }),
            J::Bool(b) => Value::Scalar(Scalar {
                text: b.to_string(),
                plain: true,
            }),
            J::Number(n) => Value::Scalar(Scalar {
                text: n.to_string(),
                plain: true,
            }),
            J::String(s) => Value::Scalar(Scalar {
                text: s.clone(),
                plain: false,
            }),
            J::Array(items) => Value::Seq(items.iter().map(|i| Node::from_json(i, src)).collect()),
            J::Object(map) => Value::Map(
                map.iter()
                    .map(|(k, v)| Entry {
                        key: k.clone(),
                        key_src: src.clone(),
                        node: Node::from_json(v, src),
                    })
                    .collect(),
            ),
        };
        Node {
            value,
            src: src.clone(),
        }
    }

    /// The value as JSON, plain scalars typed by the core schema.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Scalar(s) if !s.plain => J::String(s.text.clone()),
            Value::Scalar(s) => scalar_json(&s.text),
            Value::Seq(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(entries) => J::Object(
                entries
                    .iter()
                    .map(|e| (e.key.clone(), e.node.to_json()))
                    .collect(),
            ),
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(&self.value, Value::Scalar(s) if s.plain && plain_type(&s.text) == ScalarType::Null)
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar(s) if !(s.plain && plain_type(&s.text) == ScalarType::Null) => {
                Some(&s.text)
            }
            _ => None,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|e| e.key == key).map(|e| &e.node),
            _ => None,
        }
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        match &mut self.value {
            Value::Map(entries) => entries
                .iter_mut()
                .find(|e| e.key == key)
                .map(|e| &mut e.node),
            _ => None,
        }
    }

    pub fn path(&self, keys: &[&str]) -> Option<&Node> {
        keys.iter().try_fold(self, |n, k| n.get(k))
    }

    pub fn path_mut(&mut self, keys: &[&str]) -> Option<&mut Node> {
        let mut node = self;
        for k in keys {
            node = node.get_mut(k)?;
        }
        Some(node)
    }

    pub fn str_at(&self, keys: &[&str]) -> Option<&str> {
        self.path(keys).and_then(Node::as_str)
    }

    pub fn entries(&self) -> &[Entry] {
        match &self.value {
            Value::Map(entries) => entries,
            _ => &[],
        }
    }

    pub fn items(&self) -> &[Node] {
        match &self.value {
            Value::Seq(items) => items,
            _ => &[],
        }
    }

    pub fn items_mut(&mut self) -> &mut [Node] {
        match &mut self.value {
            Value::Seq(items) => items,
            _ => &mut [],
        }
    }

    /// Sets `key` to `node` (replacing it, or appending it with `key_src`).
    pub fn set(&mut self, key: &str, node: Node, key_src: Option<Src>) {
        if !matches!(self.value, Value::Map(_)) {
            self.value = Value::Map(Vec::new());
        }
        if let Value::Map(entries) = &mut self.value {
            match entries.iter_mut().find(|e| e.key == key) {
                Some(e) => e.node = node,
                None => entries.push(Entry {
                    key: key.to_string(),
                    key_src,
                    node,
                }),
            }
        }
    }

    pub fn remove(&mut self, key: &str) -> Option<Node> {
        match &mut self.value {
            Value::Map(entries) => {
                let i = entries.iter().position(|e| e.key == key)?;
                Some(entries.remove(i).node)
            }
            _ => None,
        }
    }

    /// The mapping under `key`, created (with `src`) when missing or null.
    pub fn ensure_map(&mut self, key: &str, src: &Option<Src>) -> &mut Node {
        let missing = self
            .get(key)
            .is_none_or(|n| !matches!(n.value, Value::Map(_)));
        if missing {
            self.set(key, Node::map(src.clone()), src.clone());
        }
        match self.get_mut(key) {
            Some(n) => n,
            None => unreachable!("the key was just set"),
        }
    }
}

fn scalar_json(text: &str) -> serde_json::Value {
    use serde_json::Value as J;
    match plain_type(text) {
        ScalarType::Null => J::Null,
        ScalarType::Bool => J::Bool(text.eq_ignore_ascii_case("true")),
        ScalarType::Int => {
            let (neg, digits) = match text.strip_prefix('-') {
                Some(d) => (true, d),
                None => (false, text.strip_prefix('+').unwrap_or(text)),
            };
            let parsed = if let Some(h) = digits.strip_prefix("0x") {
                i64::from_str_radix(h, 16).ok()
            } else if let Some(o) = digits.strip_prefix("0o") {
                i64::from_str_radix(o, 8).ok()
            } else {
                digits.parse::<i64>().ok()
            };
            match parsed {
                Some(v) => J::from(if neg { -v } else { v }),
                None => text
                    .parse::<f64>()
                    .ok()
                    .and_then(serde_json::Number::from_f64)
                    .map_or_else(|| J::String(text.to_string()), J::Number),
            }
        }
        ScalarType::Float => text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or_else(|| J::String(text.to_string()), J::Number),
        ScalarType::Str => J::String(text.to_string()),
    }
}

/// Whether a string may be written as a plain scalar and read back as the same string.
fn plain_safe(s: &str) -> bool {
    if s.is_empty() || s.trim() != s || plain_type(s) != ScalarType::Str {
        return false;
    }
    // YAML 1.1 readers (Go's yaml, older tools) read these as booleans
    if matches!(
        s.to_ascii_lowercase().as_str(),
        "y" | "n" | "yes" | "no" | "on" | "off"
    ) {
        return false;
    }
    let first = s.chars().next().unwrap_or(' ');
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) {
        // `-x`, `?x`, `:x` are plain only when followed by a non-space; keep it simple
        return false;
    }
    if s.contains(": ") || s.contains(" #") || s.ends_with(':') || s.contains('\t') {
        return false;
    }
    if s.chars().any(|c| c.is_control() || c == '\u{feff}') {
        return false;
    }
    // numbers with underscores, sexagesimal and dates are numbers or timestamps in YAML 1.1
    if s.bytes()
        .all(|b| b.is_ascii_digit() || b"_:.-+eE".contains(&b))
    {
        return false;
    }
    true
}

fn double_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if c.is_control() || c == '\u{feff}' || c == '\u{2028}' || c == '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Whether a multi-line string can be written as a literal block and read back unchanged.
fn literal_safe(s: &str) -> bool {
    s.contains('\n')
        && !s.chars().any(|c| {
            (c.is_control() && c != '\n') || c == '\u{feff}' || c == '\u{2028}' || c == '\u{2029}'
        })
        && !s.lines().any(|l| l.ends_with(' '))
        && !s.starts_with('\n')
}

/// YAML text of a rendering, with for each output line the position it came from.
#[derive(Debug, Default)]
pub struct Emitter {
    pub text: String,
    /// `lines[i]` is the source of output line `i + 1`.
    pub lines: Vec<Option<Src>>,
}

impl Emitter {
    fn line(&mut self, text: &str, src: Option<Src>) {
        self.text.push_str(text);
        self.text.push('\n');
        self.lines.push(src);
    }

    /// Writes one document (keys sorted, as `kubectl kustomize` prints them).
    pub fn document(&mut self, node: &Node) {
        match &node.value {
            Value::Map(entries) if !entries.is_empty() => self.map_body(entries, 0),
            _ => {
                let (text, _) = self.inline_scalar_or_empty(node);
                self.line(&text, node.src.clone());
            }
        }
    }

    pub fn separator(&mut self) {
        self.line("---", None);
    }

    fn inline_scalar_or_empty(&self, node: &Node) -> (String, bool) {
        match &node.value {
            Value::Scalar(s) => (scalar_text(s), true),
            Value::Seq(items) if items.is_empty() => ("[]".into(), true),
            Value::Map(entries) if entries.is_empty() => ("{}".into(), true),
            _ => (String::new(), false),
        }
    }

    fn map_body(&mut self, entries: &[Entry], indent: usize) {
        let mut sorted: Vec<&Entry> = entries.iter().collect();
        sorted.sort_by(|a, b| a.key.as_bytes().cmp(b.key.as_bytes()));
        let pad = " ".repeat(indent);
        for e in sorted {
            let key = key_text(&e.key);
            self.keyed(&format!("{pad}{key}:"), &e.node, e.key_src.clone(), indent);
        }
    }

    /// `prefix` is the text before the value (`  key:` or `  -`).
    fn keyed(&mut self, prefix: &str, node: &Node, key_src: Option<Src>, indent: usize) {
        let line_src = match &node.value {
            Value::Scalar(_) => node.src.clone().or(key_src),
            _ => key_src.or(node.src.clone()),
        };
        match &node.value {
            Value::Scalar(s) if !s.plain && literal_safe(&s.text) => {
                let chomp = if s.text.ends_with("\n\n") {
                    "+"
                } else if s.text.ends_with('\n') {
                    ""
                } else {
                    "-"
                };
                let indicator = if s.text.starts_with(' ') { "2" } else { "" };
                self.line(&format!("{prefix} |{indicator}{chomp}"), line_src);
                let pad = " ".repeat(indent + 2);
                let body = s.text.strip_suffix('\n').unwrap_or(&s.text);
                let body = if chomp == "+" {
                    &s.text[..s.text.len() - 1]
                } else {
                    body
                };
                for l in body.split('\n') {
                    if l.is_empty() {
                        self.line("", node.src.clone());
                    } else {
                        self.line(&format!("{pad}{l}"), node.src.clone());
                    }
                }
            }
            Value::Map(entries) if !entries.is_empty() => {
                self.line(prefix, line_src);
                self.map_body(entries, indent + 2);
            }
            Value::Seq(items) if !items.is_empty() => {
                self.line(prefix, line_src);
                // sequences under a key sit at the key's indentation, as kubectl prints them
                let item_indent = if prefix.trim_start().starts_with('-') {
                    indent + 2
                } else {
                    indent
                };
                self.seq_body(items, item_indent);
            }
            _ => {
                let (text, _) = self.inline_scalar_or_empty(node);
                self.line(&format!("{prefix} {text}"), line_src);
            }
        }
    }

    fn seq_body(&mut self, items: &[Node], indent: usize) {
        let pad = " ".repeat(indent);
        for item in items {
            match &item.value {
                Value::Map(entries) if !entries.is_empty() => {
                    let mut sorted: Vec<&Entry> = entries.iter().collect();
                    sorted.sort_by(|a, b| a.key.as_bytes().cmp(b.key.as_bytes()));
                    for (i, e) in sorted.into_iter().enumerate() {
                        let lead = if i == 0 {
                            format!("{pad}- ")
                        } else {
                            format!("{pad}  ")
                        };
                        let key = key_text(&e.key);
                        self.keyed(
                            &format!("{lead}{key}:"),
                            &e.node,
                            e.key_src.clone(),
                            indent + 2,
                        );
                    }
                }
                Value::Seq(inner) if !inner.is_empty() => {
                    self.line(&format!("{pad}-"), item.src.clone());
                    self.seq_body(inner, indent + 2);
                }
                _ => self.keyed(&format!("{pad}-"), item, item.src.clone(), indent),
            }
        }
    }
}

fn key_text(key: &str) -> String {
    if plain_safe(key) {
        key.to_string()
    } else {
        double_quoted(key)
    }
}

fn scalar_text(s: &Scalar) -> String {
    if s.plain {
        if plain_type(&s.text) == ScalarType::Str && !plain_safe(&s.text) {
            return double_quoted(&s.text);
        }
        if s.text.is_empty() {
            return "null".into();
        }
        return s.text.clone();
    }
    if plain_safe(&s.text) {
        s.text.clone()
    } else {
        double_quoted(&s.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(node: &Node) -> serde_json::Value {
        let mut e = Emitter::default();
        e.document(node);
        let docs = palisade_yaml::load(&e.text).unwrap();
        let file: Arc<Path> = Arc::from(Path::new("x"));
        Node::from_yaml(&docs[0].root, &file).to_json()
    }

    #[test]
    fn strings_that_look_like_other_things_come_back_as_strings() {
        let value = serde_json::json!({
            "a": "true", "b": "80", "c": "", "d": "x: y", "e": "- z", "f": "line1\nline2\n",
            "g": "yes", "h": "1.5", "i": "\u{1b}[31m", "j": " lead", "k": "a\n\n", "l": "#x",
            "m": [], "n": {}, "o": [["x"], {"p": 1}], "q": null, "r": 3, "s": "12:30",
            "t": "  indented\nsecond", "u": "1e3", "v": "0x1F"
        });
        let node = Node::from_json(&value, &None);
        assert_eq!(round_trip(&node), value);
    }

    #[test]
    fn core_schema_types() {
        assert_eq!(plain_type("1.5"), ScalarType::Float);
        assert_eq!(plain_type("1e3"), ScalarType::Float);
        assert_eq!(plain_type("."), ScalarType::Str);
        assert_eq!(plain_type("e3"), ScalarType::Str);
        assert_eq!(plain_type("-12"), ScalarType::Int);
        assert_eq!(plain_type("v1"), ScalarType::Str);
    }
}
