//! OSV records (schema 1.6): the parts matching needs, parsed from JSON or YAML.

use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Advisory {
    pub id: String,
    #[serde(default)]
    pub modified: Option<String>,
    #[serde(default)]
    pub published: Option<String>,
    #[serde(default)]
    pub withdrawn: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub details: Option<String>,
    #[serde(default)]
    pub severity: Vec<SeverityEntry>,
    #[serde(default)]
    pub affected: Vec<Affected>,
    #[serde(default)]
    pub references: Vec<Reference>,
    #[serde(default)]
    pub database_specific: Option<Value>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SeverityEntry {
    #[serde(rename = "type")]
    pub kind: String,
    pub score: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Reference {
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default)]
    pub url: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AffectedPackage {
    #[serde(default)]
    pub ecosystem: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub purl: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Affected {
    #[serde(default)]
    pub package: Option<AffectedPackage>,
    #[serde(default)]
    pub ranges: Vec<Range>,
    #[serde(default)]
    pub versions: Vec<String>,
    #[serde(default)]
    pub severity: Vec<SeverityEntry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ecosystem_specific: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database_specific: Option<Value>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Range {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub events: Vec<Event>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub introduced: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_affected: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<String>,
}

/// Why one record could not be read.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("not UTF-8")]
    Encoding,
    #[error("invalid JSON: {0}")]
    Json(serde_json::Error),
    #[error("invalid YAML: {0}")]
    Yaml(String),
    #[error("missing `id`")]
    MissingId,
}

/// Parses one OSV record; `yaml` selects the YAML flavour (PyPA publishes YAML).
pub fn parse_record(bytes: &[u8], yaml: bool) -> Result<Advisory, RecordError> {
    record_from_value(parse_document(bytes, yaml)?)
}

/// Reads a JSON or YAML document into a JSON value (YAML scalars as strings).
pub fn parse_document(bytes: &[u8], yaml: bool) -> Result<Value, RecordError> {
    let text = std::str::from_utf8(bytes).map_err(|_| RecordError::Encoding)?;
    Ok(if yaml {
        let docs = palisade_yaml::load(text).map_err(|e| RecordError::Yaml(e.to_string()))?;
        let doc = docs
            .first()
            .ok_or_else(|| RecordError::Yaml("empty document".into()))?;
        yaml_to_json(&doc.root)
    } else {
        serde_json::from_str::<Value>(text).map_err(RecordError::Json)?
    })
}

/// An OSV record from a parsed document.
pub fn record_from_value(value: Value) -> Result<Advisory, RecordError> {
    let adv: Advisory = serde_json::from_value(value).map_err(RecordError::Json)?;
    if adv.id.trim().is_empty() {
        return Err(RecordError::MissingId);
    }
    Ok(adv)
}

/// YAML scalars become JSON strings (OSV has no numeric fields matching needs, and an
/// unquoted `1.0` in a `versions` list must stay the string "1.0").
fn yaml_to_json(node: &palisade_yaml::Node) -> Value {
    use palisade_yaml::NodeKind;
    match &node.kind {
        NodeKind::Scalar(s) => {
            if !s.quoted && matches!(s.value.as_str(), "~" | "null" | "Null" | "NULL" | "") {
                Value::Null
            } else {
                Value::String(s.value.clone())
            }
        }
        NodeKind::Seq(items) => Value::Array(items.iter().map(yaml_to_json).collect()),
        NodeKind::Map(entries) => Value::Object(
            entries
                .iter()
                .filter_map(|(k, v)| match &k.kind {
                    NodeKind::Scalar(s) => Some((s.value.clone(), yaml_to_json(v))),
                    _ => None,
                })
                .collect(),
        ),
    }
}
