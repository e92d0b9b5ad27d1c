//! YAML trees (with positions) as the JSON values policies read.

use std::collections::BTreeMap;

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

/// The array under `key` of `value`, as an iterator (empty when absent or not an array).
pub(crate) fn items<'a>(value: &'a Value, key: &str) -> impl Iterator<Item = &'a Value> {
    value
        .get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

/// The strings of an array (other items skipped; empty when absent).
pub(crate) fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// The string entries of an object (labels, annotations).
pub(crate) fn string_map(value: Option<&Value>) -> BTreeMap<String, String> {
    value
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string())))
                .collect()
        })
        .unwrap_or_default()
}
