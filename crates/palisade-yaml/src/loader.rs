//! Event stream (saphyr-parser) to positioned trees, within limits.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

use crate::node::{Node, NodeKind, Pos, Scalar};

/// Bounds that keep hostile input from exhausting the stack or memory.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Deepest allowed nesting of collections.
    pub max_depth: usize,
    /// Most nodes a whole stream may produce, aliases expanded.
    pub max_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 200,
            max_nodes: 2_000_000,
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
#[error("line {line}, column {column}: {message}")]
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
pub fn load_with(text: &str, limits: Limits) -> Result<Vec<Document>, YamlError> {
    let mut builder = Builder {
        limits,
        nodes: 0,
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
    },
}

struct Builder {
    limits: Limits,
    nodes: usize,
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
                self.count(1, &span)?;
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
                self.count(node.size(), &span)?;
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

    /// Checks depth and node budget before a collection opens.
    fn open(&mut self, span: &Span) -> Result<(), YamlError> {
        if self.stack.len() >= self.limits.max_depth {
            return Err(error_at(
                span,
                format!("nesting deeper than {} levels", self.limits.max_depth),
            ));
        }
        self.count(1, span)
    }

    fn count(&mut self, n: usize, span: &Span) -> Result<(), YamlError> {
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes > self.limits.max_nodes {
            return Err(error_at(
                span,
                format!(
                    "more than {} nodes once aliases are expanded (alias bomb?)",
                    self.limits.max_nodes
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
                node: parent, key, ..
            }) => match key.take() {
                None => *key = Some(node),
                Some(k) => {
                    if let NodeKind::Map(entries) = &mut parent.kind {
                        if k.as_str() == Some("<<") && k.tag.is_none() {
                            merge_into(entries, node, span)?;
                        } else {
                            entries.push((k, node));
                        }
                    }
                }
            },
        }
        Ok(())
    }
}

/// Applies a `<<` merge key: entries of the merged map(s) that are not already present.
fn merge_into(entries: &mut Vec<(Node, Node)>, value: Node, span: &Span) -> Result<(), YamlError> {
    let sources: Vec<Node> = match value.kind {
        NodeKind::Map(_) => vec![value],
        NodeKind::Seq(items) => items,
        NodeKind::Scalar(_) => return Err(error_at(span, "merge key `<<` needs a mapping")),
    };
    for source in sources {
        if let NodeKind::Map(merged) = source.kind {
            for (k, v) in merged {
                if !entries.iter().any(|(ek, _)| ek.as_str() == k.as_str()) {
                    entries.push((k, v));
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
}
