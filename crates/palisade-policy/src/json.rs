//! YAML trees (with positions) as the JSON values policies read.

use palisade_yaml::{Node, NodeKind};
use serde_json::Value;

/// A YAML tree as JSON, as `kubectl` and Gatekeeper's tools send it to the API: plain
/// scalars typed by the YAML 1.2 core schema plus the YAML 1.1 booleans that
/// `sigs.k8s.io/yaml` (go-yaml v2) reads (`yes`, `no`, `on`, `off`, `y`, `n`), so
/// `hostPID: yes` is `true` for a policy as it is for the cluster.
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
            } else if matches!(
                s.value.as_str(),
                "true" | "True" | "TRUE" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "y" | "Y"
            ) {
                Value::Bool(true)
            } else if matches!(
                s.value.as_str(),
                "false"
                    | "False"
                    | "FALSE"
                    | "no"
                    | "No"
                    | "NO"
                    | "off"
                    | "Off"
                    | "OFF"
                    | "n"
                    | "N"
            ) {
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
