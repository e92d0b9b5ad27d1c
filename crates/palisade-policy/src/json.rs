//! YAML trees (with positions) as the JSON values policies read.

use palisade_yaml::{Node, NodeKind};
use serde_json::Value;

/// A YAML tree as JSON, with YAML 1.2 core-schema typing of plain scalars (as the engine
/// types objects from a dump).
pub fn yaml_to_json(node: &Node) -> Value {
    match &node.kind {
        NodeKind::Map(entries) => Value::Object(
            entries
                .iter()
                .map(|(k, v)| (k.as_str().unwrap_or_default().to_string(), yaml_to_json(v)))
                .collect(),
        ),
        NodeKind::Seq(items) => Value::Array(items.iter().map(yaml_to_json).collect()),
        NodeKind::Scalar(s) if s.quoted => Value::String(s.value.clone()),
        NodeKind::Scalar(s) => {
            if node.is_null() {
                Value::Null
            } else if matches!(s.value.as_str(), "true" | "True" | "TRUE") {
                Value::Bool(true)
            } else if matches!(s.value.as_str(), "false" | "False" | "FALSE") {
                Value::Bool(false)
            } else if let Some(i) = node.as_i64() {
                Value::from(i)
            } else if let Some(f) = s.value.parse::<f64>().ok().filter(|f| f.is_finite()) {
                serde_json::Number::from_f64(f)
                    .map_or(Value::String(s.value.clone()), Value::Number)
            } else {
                Value::String(s.value.clone())
            }
        }
    }
}

/// The string at `path` (keys) under `value`, or "".
pub(crate) fn text<'a>(value: &'a Value, path: &[&str]) -> &'a str {
    let mut v = value;
    for key in path {
        match v.get(key) {
            Some(next) => v = next,
            None => return "",
        }
    }
    v.as_str().unwrap_or("")
}
