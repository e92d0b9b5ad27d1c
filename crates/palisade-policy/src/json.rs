//! YAML trees (with positions) as the JSON values policies read.

use serde_json::Value;

/// A YAML tree as JSON, typed as `kubectl` sends it (see [`palisade_yaml::to_json`]).
pub fn yaml_to_json(node: &palisade_yaml::Node) -> Value {
    palisade_yaml::to_json(node)
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
