//! The positioned value tree.

/// A 1-based line and column in the source text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

/// A scalar as written: its text and whether it was quoted (quoted text is always a string).
#[derive(Debug, Clone, PartialEq)]
pub struct Scalar {
    pub value: String,
    pub quoted: bool,
}

/// What a node holds.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    Scalar(Scalar),
    Seq(Vec<Node>),
    /// Entries in source order; keys are nodes too so they keep their position.
    Map(Vec<(Node, Node)>),
}

/// A value with its position and optional tag (`!Ref`, `!!str`...).
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    pub pos: Pos,
    /// The tag as written, e.g. `!Ref` or `!GetAtt`; core-schema tags are kept as `!!str`.
    pub tag: Option<String>,
}

static NULL: Node = Node {
    kind: NodeKind::Seq(Vec::new()),
    pos: Pos { line: 0, column: 0 },
    tag: None,
};

impl Node {
    /// The value under `key` in a mapping (the last one if a key is repeated).
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.kind {
            NodeKind::Map(entries) => entries
                .iter()
                .rev()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// The mapping entry (key node and value) under `key`.
    pub fn entry(&self, key: &str) -> Option<(&Node, &Node)> {
        match &self.kind {
            NodeKind::Map(entries) => entries
                .iter()
                .rev()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(k, v)| (k, v)),
            _ => None,
        }
    }

    /// Follows a path of mapping keys: `node.path(&["spec", "template", "spec"])`.
    pub fn path(&self, keys: &[&str]) -> Option<&Node> {
        keys.iter().try_fold(self, |node, key| node.get(key))
    }

    /// The string of a scalar (any scalar: `80` gives `"80"`); `None` for null and collections.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar(s) if s.quoted || !is_null_text(&s.value) => Some(&s.value),
            _ => None,
        }
    }

    /// The scalar as a boolean, reading YAML 1.1 spellings (`yes`, `on`) as Kubernetes does.
    pub fn as_bool(&self) -> Option<bool> {
        match &self.kind {
            NodeKind::Scalar(s) if !s.quoted => match s.value.as_str() {
                "true" | "True" | "TRUE" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "y"
                | "Y" => Some(true),
                "false" | "False" | "FALSE" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "n"
                | "N" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    /// The scalar as an integer (plain or quoted, decimal, `0x` hex or `0o` octal).
    pub fn as_i64(&self) -> Option<i64> {
        let s = match &self.kind {
            NodeKind::Scalar(s) => s.value.trim(),
            _ => return None,
        };
        let (neg, digits) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s.strip_prefix('+').unwrap_or(s)),
        };
        let value = if let Some(hex) = digits.strip_prefix("0x") {
            i64::from_str_radix(hex, 16).ok()?
        } else if let Some(oct) = digits.strip_prefix("0o") {
            i64::from_str_radix(oct, 8).ok()?
        } else {
            digits.parse::<i64>().ok()?
        };
        Some(if neg { -value } else { value })
    }

    /// Whether the node is a null (`~`, `null`, empty) scalar.
    pub fn is_null(&self) -> bool {
        matches!(&self.kind, NodeKind::Scalar(s) if !s.quoted && is_null_text(&s.value))
    }

    pub fn is_map(&self) -> bool {
        matches!(self.kind, NodeKind::Map(_))
    }

    pub fn is_seq(&self) -> bool {
        matches!(self.kind, NodeKind::Seq(_))
    }

    /// Items of a sequence; empty for anything else.
    pub fn items(&self) -> std::slice::Iter<'_, Node> {
        match &self.kind {
            NodeKind::Seq(items) => items.iter(),
            _ => match &NULL.kind {
                NodeKind::Seq(items) => items.iter(),
                _ => unreachable!("NULL is an empty sequence"),
            },
        }
    }

    /// Entries of a mapping as `(key text, value)`; empty for anything else.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &Node)> {
        let entries: &[(Node, Node)] = match &self.kind {
            NodeKind::Map(entries) => entries,
            _ => &[],
        };
        entries.iter().map(|(k, v)| (k.as_str().unwrap_or(""), v))
    }

    /// Number of nodes in this subtree (itself included).
    pub fn size(&self) -> usize {
        match &self.kind {
            NodeKind::Scalar(_) => 1,
            NodeKind::Seq(items) => 1 + items.iter().map(Node::size).sum::<usize>(),
            NodeKind::Map(entries) => {
                1 + entries
                    .iter()
                    .map(|(k, v)| k.size() + v.size())
                    .sum::<usize>()
            }
        }
    }
}

fn is_null_text(s: &str) -> bool {
    matches!(s, "" | "~" | "null" | "Null" | "NULL")
}

#[cfg(test)]
mod tests {
    use crate::load;

    #[test]
    fn typed_accessors_follow_kubernetes_yaml() {
        let docs = load("a: yes\nb: 'yes'\nc: 0x1F\nd: ~\ne: \"\"\nf: [1, 2]\n").unwrap();
        let root = &docs[0].root;
        assert_eq!(root.get("a").unwrap().as_bool(), Some(true));
        assert_eq!(root.get("b").unwrap().as_bool(), None);
        assert_eq!(root.get("b").unwrap().as_str(), Some("yes"));
        assert_eq!(root.get("c").unwrap().as_i64(), Some(31));
        assert!(root.get("d").unwrap().is_null());
        assert_eq!(root.get("e").unwrap().as_str(), Some(""));
        assert_eq!(root.get("f").unwrap().items().count(), 2);
        assert_eq!(root.get("a").unwrap().items().count(), 0);
    }
}
