//! Event stream (saphyr-parser) to positioned trees, within limits.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

use crate::node::{Node, NodeKind, Pos, Scalar};

/// Bounds that keep hostile input from exhausting the stack or memory.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Deepest allowed nesting of collections.
    pub max_depth: usize,
    /// Most nodes alias expansion may add to a stream (each `*alias` adds the size of
    /// the node it names). Nodes written out in the text are not counted: their number is
    /// bounded by the size of the text, so a large plain file is never taken for a bomb.
    pub max_alias_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 200,
            max_alias_nodes: 2_000_000,
        }
    }
}

/// A YAML document of a stream.
#[derive(Debug, Clone)]
pub struct Document {
    pub root: Node,
    /// 0-based index of the document in its stream.
    pub index: usize,
    /// Line of the `---` marker or of the first content.
    pub start_line: u32,
}

/// Why a stream could not be loaded; `line` and `column` are 1-based.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "line {line}, column {column}: {}",
    palisade_core::text::printable_lines(message)
)]
pub struct YamlError {
    pub line: u32,
    pub column: u32,
    pub message: String,
}

/// Loads every document of `text` with the default [`Limits`].
pub fn load(text: &str) -> Result<Vec<Document>, YamlError> {
    load_with(text, Limits::default())
}

/// Loads every document of `text`; the first error stops the stream.
///
/// A mapping that repeats a key is an error naming both lines (Kubernetes' strict decoding
/// refuses it too, and keeping either value silently could hide, say, a second `spec:` with
/// a privileged container). A key written after a `<<` merge overrides the merged one, as
/// YAML defines, and is not a duplicate.
pub fn load_with(text: &str, limits: Limits) -> Result<Vec<Document>, YamlError> {
    let mut builder = Builder {
        limits,
        alias_nodes: 0,
        stack: Vec::new(),
        anchors: HashMap::new(),
        docs: Vec::new(),
        doc_start: 1,
    };
    let mut parser = Parser::new_from_str(text);
    while let Some(item) = parser.next_event() {
        match item {
            Ok((event, span)) => {
                if builder.on_event(event, span)? {
                    break;
                }
            }
            Err(e) => {
                let m = e.marker();
                return Err(YamlError {
                    line: m.line() as u32,
                    column: m.col() as u32 + 1,
                    message: e.info().to_string(),
                });
            }
        }
    }
    Ok(builder.docs)
}

enum Frame {
    Seq {
        node: Node,
        anchor: usize,
    },
    Map {
        node: Node,
        anchor: usize,
        key: Option<Node>,
        /// Where each scalar key sits in the entries, so merges and duplicate checks are
        /// one lookup each (a scan of the entries made merges quadratic).
        keys: HashMap<String, KeySlot>,
    },
}

/// A key already in a mapping under construction.
struct KeySlot {
    /// Index in the mapping's entries.
    index: usize,
    /// Came from a `<<` merge: an explicit key may override it.
    merged: bool,
}

struct Builder {
    limits: Limits,
    alias_nodes: usize,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    docs: Vec<Document>,
    doc_start: u32,
}

fn pos(span: &Span) -> Pos {
    Pos {
        line: span.start.line() as u32,
        column: span.start.col() as u32 + 1,
    }
}

fn error_at(span: &Span, message: impl Into<String>) -> YamlError {
    YamlError {
        line: span.start.line() as u32,
        column: span.start.col() as u32 + 1,
        message: message.into(),
    }
}

fn tag_text(tag: Option<std::borrow::Cow<'_, saphyr_parser::Tag>>) -> Option<String> {
    tag.map(|t| {
        if t.handle == "tag:yaml.org,2002:" {
            format!("!!{}", t.suffix)
        } else {
            t.to_string()
        }
    })
}

impl Builder {
    /// Handles one event; returns `Ok(true)` at the end of the stream.
    fn on_event(&mut self, event: Event<'_>, span: Span) -> Result<bool, YamlError> {
        match event {
            Event::StreamEnd => return Ok(true),
            Event::StreamStart | Event::Nothing | Event::DocumentEnd => {}
            Event::DocumentStart(_) => {
                self.doc_start = span.start.line() as u32;
                self.anchors.clear();
            }
            Event::Scalar(value, style, anchor, tag) => {
                let node = Node {
                    kind: NodeKind::Scalar(Scalar {
                        value: value.into_owned(),
                        quoted: !matches!(style, ScalarStyle::Plain),
                    }),
                    pos: pos(&span),
                    tag: tag_text(tag),
                };
                self.finish(node, anchor, &span)?;
            }
            Event::Alias(id) => {
                let node = self
                    .anchors
                    .get(&id)
                    .cloned()
                    .ok_or_else(|| error_at(&span, "alias to an unknown anchor"))?;
                self.count_alias(node.size(), &span)?;
                self.finish(node, 0, &span)?;
            }
            Event::SequenceStart(anchor, tag) => {
                self.open(&span)?;
                self.stack.push(Frame::Seq {
                    node: Node {
                        kind: NodeKind::Seq(Vec::new()),
                        pos: pos(&span),
                        tag: tag_text(tag),
                    },
                    anchor,
                });
            }
            Event::MappingStart(anchor, tag) => {
                self.open(&span)?;
                self.stack.push(Frame::Map {
                    node: Node {
                        kind: NodeKind::Map(Vec::new()),
                        pos: pos(&span),
                        tag: tag_text(tag),
                    },
                    anchor,
                    key: None,
                    keys: HashMap::new(),
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let frame = self
                    .stack
                    .pop()
                    .ok_or_else(|| error_at(&span, "unbalanced collection end"))?;
                let (node, anchor) = match frame {
                    Frame::Seq { node, anchor } => (node, anchor),
                    Frame::Map { node, anchor, .. } => (node, anchor),
                };
                self.finish(node, anchor, &span)?;
            }
        }
        Ok(false)
    }

    /// Checks depth before a collection opens.
    fn open(&mut self, span: &Span) -> Result<(), YamlError> {
        if self.stack.len() >= self.limits.max_depth {
            return Err(error_at(
                span,
                format!("nesting deeper than {} levels", self.limits.max_depth),
            ));
        }
        Ok(())
    }

    /// Adds the nodes an alias expands to to the alias budget.
    fn count_alias(&mut self, n: usize, span: &Span) -> Result<(), YamlError> {
        self.alias_nodes = self.alias_nodes.saturating_add(n);
        if self.alias_nodes > self.limits.max_alias_nodes {
            return Err(error_at(
                span,
                format!(
                    "aliases expand to more than {} nodes (alias bomb?)",
                    self.limits.max_alias_nodes
                ),
            ));
        }
        Ok(())
    }

    /// Attaches a completed node to its parent, or ends the document.
    fn finish(&mut self, node: Node, anchor: usize, span: &Span) -> Result<(), YamlError> {
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => {
                let index = self.docs.len();
                let start_line = self.doc_start.min(node.pos.line).max(1);
                self.docs.push(Document {
                    root: node,
                    index,
                    start_line,
                });
            }
            Some(Frame::Seq { node: parent, .. }) => {
                if let NodeKind::Seq(items) = &mut parent.kind {
                    items.push(node);
                }
            }
            Some(Frame::Map {
                node: parent,
                key,
                keys,
                ..
            }) => match key.take() {
                None => *key = Some(node),
                Some(k) => {
                    if let NodeKind::Map(entries) = &mut parent.kind {
                        if k.as_str() == Some("<<") && k.tag.is_none() {
                            merge_into(entries, keys, node, span)?;
                        } else {
                            add_entry(entries, keys, k, node)?;
                        }
                    }
                }
            },
        }
        Ok(())
    }
}

/// Adds an explicit `key: value` entry: a key already written is a duplicate (an error
/// naming both lines); a key that came from a merge is overridden in place.
fn add_entry(
    entries: &mut Vec<(Node, Node)>,
    keys: &mut HashMap<String, KeySlot>,
    key: Node,
    value: Node,
) -> Result<(), YamlError> {
    let Some(name) = key.as_str().map(str::to_string) else {
        entries.push((key, value));
        return Ok(());
    };
    match keys.get_mut(&name) {
        Some(slot) if slot.merged => {
            slot.merged = false;
            entries[slot.index] = (key, value);
        }
        Some(slot) => {
            let first = entries[slot.index].0.pos.line;
            return Err(YamlError {
                line: key.pos.line,
                column: key.pos.column,
                message: format!(
                    "duplicate key `{}` (first at line {first}, again at line {}): only one may be given",
                    palisade_core::text::printable(&name),
                    key.pos.line
                ),
            });
        }
        None => {
            keys.insert(
                name,
                KeySlot {
                    index: entries.len(),
                    merged: false,
                },
            );
            entries.push((key, value));
        }
    }
    Ok(())
}

/// Applies a `<<` merge key: entries of the merged map(s) whose keys are not present yet
/// (one lookup per key, so the cost is linear in the merged entries).
fn merge_into(
    entries: &mut Vec<(Node, Node)>,
    keys: &mut HashMap<String, KeySlot>,
    value: Node,
    span: &Span,
) -> Result<(), YamlError> {
    let sources: Vec<Node> = match value.kind {
        NodeKind::Map(_) => vec![value],
        NodeKind::Seq(items) => items,
        NodeKind::Scalar(_) => return Err(error_at(span, "merge key `<<` needs a mapping")),
    };
    for source in sources {
        if let NodeKind::Map(merged) = source.kind {
            for (k, v) in merged {
                match k.as_str().map(str::to_string) {
                    Some(name) => {
                        if keys.contains_key(&name) {
                            continue;
                        }
                        keys.insert(
                            name,
                            KeySlot {
                                index: entries.len(),
                                merged: true,
                            },
                        );
                        entries.push((k, v));
                    }
                    None => entries.push((k, v)),
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based() {
        let docs = load("a: 1\nb:\n  c: [x, y]\n").unwrap();
        let c = docs[0].root.path(&["b", "c"]).unwrap();
        assert_eq!(c.pos, Pos { line: 3, column: 6 });
        let (key, _) = docs[0].root.entry("b").unwrap();
        assert_eq!(key.pos, Pos { line: 2, column: 1 });
    }

    #[test]
    fn multi_document_streams_keep_start_lines() {
        let docs = load("a: 1\n---\nb: 2\n---\n# only a comment\n---\nc: 3\n").unwrap();
        // The comment-only document is an empty (null) document, as YAML defines it.
        assert_eq!(docs.len(), 4);
        assert!(docs[2].root.is_null());
        assert_eq!(docs[1].start_line, 2);
        assert_eq!(docs[3].root.get("c").unwrap().pos.line, 7);
    }

    #[test]
    fn json_is_loaded_with_positions() {
        let docs = load("{\n  \"kind\": \"Pod\",\n  \"spec\": {\"hostPID\": true}\n}").unwrap();
        let host = docs[0].root.path(&["spec", "hostPID"]).unwrap();
        assert_eq!(host.as_bool(), Some(true));
        assert_eq!(host.pos.line, 3);
    }

    #[test]
    fn tags_are_kept() {
        let docs = load("a: !Ref Foo\nb: !GetAtt [R, Arn]\n").unwrap();
        assert_eq!(docs[0].root.get("a").unwrap().tag.as_deref(), Some("!Ref"));
        assert_eq!(
            docs[0].root.get("b").unwrap().tag.as_deref(),
            Some("!GetAtt")
        );
    }

    #[test]
    fn merge_keys_and_aliases_expand() {
        let docs = load("base: &b {x: 1, y: 2}\nd:\n  <<: *b\n  y: 3\n").unwrap();
        let d = docs[0].root.get("d").unwrap();
        assert_eq!(d.get("x").unwrap().as_i64(), Some(1));
        assert_eq!(d.get("y").unwrap().as_i64(), Some(3));
    }

    #[test]
    fn alias_bomb_is_refused() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let err = load(&text).unwrap_err();
        assert!(err.message.contains("alias bomb"), "{err}");
    }

    #[test]
    fn deep_nesting_is_refused() {
        let text = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let err = load(&text).unwrap_err();
        assert!(
            err.message.contains("nesting deeper") || err.message.contains("recursion limit"),
            "{err}"
        );
        let text = (0..10_000)
            .map(|i| format!("{}k:\n", " ".repeat(i)))
            .collect::<String>();
        assert!(load(&text).is_err());
    }

    #[test]
    fn syntax_errors_name_line_and_column() {
        let err = load("a: 1\nb: [unclosed\nc: 2\n").unwrap_err();
        assert!(err.line >= 2, "{err}");
    }

    #[test]
    fn merges_are_linear_and_explicit_keys_override_merged_ones() {
        // keys after the merge override it, keys before it win over it, in place
        let docs = load("b: &b {x: 1, y: 2, z: 3}\nd:\n  y: 9\n  <<: *b\n  z: 8\n").unwrap();
        let d = docs[0].root.get("d").unwrap();
        let NodeKind::Map(entries) = &d.kind else {
            panic!("map")
        };
        assert_eq!(entries.len(), 3, "one entry per key, no shadowed copies");
        assert_eq!(d.get("x").unwrap().as_i64(), Some(1));
        assert_eq!(d.get("y").unwrap().as_i64(), Some(9));
        assert_eq!(d.get("z").unwrap().as_i64(), Some(8));
        // 5,000 keys merged into 100 maps (quadratic: over a billion key comparisons); a
        // regression is a test that does not finish
        let mut text = String::from("base: &b\n");
        for i in 0..5_000 {
            text.push_str(&format!("  k{i}: {i}\n"));
        }
        for m in 0..100 {
            text.push_str(&format!("d{m}:\n  <<: *b\n  k0: override\n"));
        }
        let docs = load(&text).unwrap();
        let d = docs[0].root.get("d99").unwrap();
        assert_eq!(d.get("k4999").unwrap().as_i64(), Some(4_999));
        assert_eq!(d.get("k0").unwrap().as_str(), Some("override"));
    }

    #[test]
    fn large_plain_files_are_not_alias_bombs() {
        // 31 MB of plain Pods (about 4 million nodes, no alias)
        let pod = "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels: {app: web, tier: front}\nspec:\n  containers:\n  - name: app\n    image: nginx:1.25\n    ports: [{containerPort: 80}]\n    securityContext: {privileged: true}\n";
        let text = pod.repeat(31 * 1024 * 1024 / pod.len() + 1);
        assert!(text.len() >= 31 * 1024 * 1024);
        let docs = load(&text).unwrap();
        assert_eq!(docs.len(), text.len() / pod.len());
        // while aliases still count: a small alias budget refuses a small bomb
        let limits = Limits {
            max_alias_nodes: 50,
            ..Limits::default()
        };
        let err = load_with(
            "a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\nb: [*a, *a, *a, *a, *a]\n",
            limits,
        )
        .unwrap_err();
        assert!(err.message.contains("alias bomb"), "{err}");
    }

    #[test]
    fn duplicate_keys_are_errors_naming_both_lines() {
        let text = "apiVersion: v1\nkind: Pod\nspec:\n  containers: []\nmetadata: {name: x}\nspec:\n  containers:\n  - name: evil\n    securityContext: {privileged: true}\n";
        let err = load(text).unwrap_err();
        assert_eq!(err.line, 6, "{err}");
        assert!(
            err.message
                .contains("duplicate key `spec` (first at line 3, again at line 6)"),
            "{err}"
        );
        // nested, in JSON
        let err = load("{\n  \"a\": {\"x\": 1,\n    \"x\": 2}\n}").unwrap_err();
        assert_eq!(err.line, 3, "{err}");
        assert!(
            err.message
                .contains("duplicate key `x` (first at line 2, again at line 3)"),
            "{err}"
        );
        // the same key in two documents or two maps is fine
        assert!(load("a: 1\n---\na: 2\n").is_ok());
        assert!(load("- {a: 1}\n- {a: 2}\n").is_ok());
    }

    #[test]
    fn errors_show_control_characters_from_the_input_escaped() {
        let err = load("a: 1\nb: \"\x1b[2J\n  c: [").unwrap_err();
        assert!(!err.to_string().contains('\x1b'), "{err}");
        let err = load("k\x1b]0;x\x07: 1\nk\x1b]0;x\x07: 2\n").unwrap_err();
        assert!(
            err.to_string().contains("duplicate key `k\\x1b]0;x\\x07`"),
            "{err}"
        );
    }
}
