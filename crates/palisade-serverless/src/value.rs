//! A positioned value tree every front-end evaluates its source into.
//!
//! CloudFormation intrinsics, Serverless variables and Terraform expressions are evaluated
//! into [`Value`]s; what cannot be known statically becomes [`ValueKind::Unknown`] and a
//! reference to another resource of the same template becomes [`ValueKind::Ref`], so the
//! model builders never guess.

pub use palisade_yaml::Pos;

/// What a value is.
#[derive(Debug, Clone, PartialEq)]
pub enum ValueKind {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    List(Vec<Value>),
    /// Entries in source order.
    Map(Vec<(String, Value)>),
    /// A reference to a resource of the same template (`!Ref Role`, `aws_iam_role.r.arn`).
    Ref {
        target: String,
        attr: Option<String>,
    },
    /// Not knowable without deploying; the text says what it was, for messages.
    Unknown(String),
}

/// A value with the position it was written at.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    pub kind: ValueKind,
    pub pos: Pos,
}

static EMPTY: &[Value] = &[];

impl Value {
    pub fn new(kind: ValueKind, pos: Pos) -> Self {
        Value { kind, pos }
    }

    pub fn unknown(text: impl Into<String>, pos: Pos) -> Self {
        Value::new(ValueKind::Unknown(text.into()), pos)
    }

    pub fn str(s: impl Into<String>, pos: Pos) -> Self {
        Value::new(ValueKind::Str(s.into()), pos)
    }

    /// The value under `key` of a map (the last one when repeated).
    pub fn get(&self, key: &str) -> Option<&Value> {
        match &self.kind {
            ValueKind::Map(entries) => entries.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Like [`Value::get`] but ignoring ASCII case, for formats that are lax about it.
    pub fn get_ci(&self, key: &str) -> Option<&Value> {
        match &self.kind {
            ValueKind::Map(entries) => entries
                .iter()
                .rev()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn path(&self, keys: &[&str]) -> Option<&Value> {
        keys.iter().try_fold(self, |v, k| v.get(k))
    }

    /// A known string (numbers and booleans as written).
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            ValueKind::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A known string, or a number or boolean rendered as text.
    pub fn as_text(&self) -> Option<String> {
        match &self.kind {
            ValueKind::Str(s) => Some(s.clone()),
            ValueKind::Num(n) => Some(fmt_num(*n)),
            ValueKind::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// Text for messages, whatever the value is.
    pub fn display(&self) -> String {
        match &self.kind {
            ValueKind::Null => "null".into(),
            ValueKind::Bool(b) => b.to_string(),
            ValueKind::Num(n) => fmt_num(*n),
            ValueKind::Str(s) => s.clone(),
            ValueKind::List(_) => "[...]".into(),
            ValueKind::Map(_) => "{...}".into(),
            ValueKind::Ref { target, attr } => match attr {
                Some(a) => format!("{target}.{a}"),
                None => target.clone(),
            },
            ValueKind::Unknown(t) => t.clone(),
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match &self.kind {
            ValueKind::Bool(b) => Some(*b),
            ValueKind::Str(s) => match s.to_ascii_lowercase().as_str() {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match &self.kind {
            ValueKind::Num(n) if n.fract() == 0.0 && n.abs() < 9e15 => Some(*n as i64),
            ValueKind::Str(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.kind, ValueKind::Null)
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self.kind, ValueKind::Unknown(_))
    }

    pub fn is_map(&self) -> bool {
        matches!(self.kind, ValueKind::Map(_))
    }

    /// Items of a list; empty for anything else.
    pub fn items(&self) -> &[Value] {
        match &self.kind {
            ValueKind::List(items) => items,
            _ => EMPTY,
        }
    }

    /// A list's items, or the value itself as a one-item list (IAM's "string or list").
    pub fn one_or_many(&self) -> Vec<&Value> {
        match &self.kind {
            ValueKind::List(items) => items.iter().collect(),
            ValueKind::Null => Vec::new(),
            _ => vec![self],
        }
    }

    /// Entries of a map; empty for anything else.
    pub fn entries(&self) -> &[(String, Value)] {
        match &self.kind {
            ValueKind::Map(entries) => entries,
            _ => &[],
        }
    }

    /// The resource a reference points at.
    pub fn ref_target(&self) -> Option<&str> {
        match &self.kind {
            ValueKind::Ref { target, .. } => Some(target),
            _ => None,
        }
    }
}

fn fmt_num(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 9e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

/// Converts a YAML/JSON node to a value without evaluating anything (tags are dropped).
pub fn from_node(node: &palisade_yaml::Node) -> Value {
    use palisade_yaml::NodeKind;
    let kind = match &node.kind {
        NodeKind::Scalar(s) => scalar_kind(s),
        NodeKind::Seq(items) => ValueKind::List(items.iter().map(from_node).collect()),
        NodeKind::Map(entries) => ValueKind::Map(
            entries
                .iter()
                .map(|(k, v)| (k.as_str().unwrap_or("").to_string(), from_node(v)))
                .collect(),
        ),
    };
    Value::new(kind, node.pos)
}

/// The typed value of a YAML scalar (YAML 1.2 core schema; quoted text stays a string).
pub fn scalar_kind(s: &palisade_yaml::Scalar) -> ValueKind {
    if s.quoted {
        return ValueKind::Str(s.value.clone());
    }
    match s.value.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => ValueKind::Null,
        "true" | "True" | "TRUE" => ValueKind::Bool(true),
        "false" | "False" | "FALSE" => ValueKind::Bool(false),
        v => match v.parse::<f64>() {
            Ok(n) if looks_numeric(v) => ValueKind::Num(n),
            _ => ValueKind::Str(v.to_string()),
        },
    }
}

fn looks_numeric(v: &str) -> bool {
    let b = v.as_bytes();
    !b.is_empty()
        && b.iter()
            .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'-' | b'+' | b'e' | b'E'))
        && b.iter().any(|c| c.is_ascii_digit())
}
