//! `values.schema.json`: the values a chart is rendered with are checked against its JSON
//! schema, and each enabled subchart's values against the subchart's, as `helm template`
//! does, with Helm's message: the charts whose values fail, and under each the place and
//! the reason (`- at '/age': minimum: got -5, want 0`). The validator is `boon`, a port of
//! the Go library Helm uses, so the reasons read the same. Offline: a schema may refer only
//! to itself and the standard metaschemas; any other `$ref` (a URL, a file) is an error
//! that names it, never a download or a read outside the chart.

use serde_json::{Map, Value};

use crate::Chart;

/// The values' name for the validator.
const LOCATION: &str = "file:///values.schema.json";

/// Refuses every document a schema refers to outside itself.
struct Offline;

impl boon::UrlLoader for Offline {
    fn load(&self, url: &str) -> Result<Value, Box<dyn std::error::Error>> {
        Err(format!(
            "{url} is not read: Palisade follows no schema reference outside values.schema.json (no network, no local files); --skip-schema-validation renders without the check"
        )
        .into())
    }
}

/// Checks `values` against the schema of `chart` and of each subchart with values,
/// recursively; the text lists every chart whose values fail (empty when all pass).
pub(crate) fn validate(chart: &Chart, values: &Map<String, Value>, out: &mut String) {
    if let Some(schema) = chart.files.get("values.schema.json") {
        if let Some(problems) = check(schema, values) {
            out.push_str(&format!("{}:\n{problems}", chart.name()));
        }
    }
    for dependency in &chart.dependencies {
        match values.get(dependency.name()) {
            None | Some(Value::Null) => {}
            Some(Value::Object(sub)) => validate(dependency, sub, out),
            Some(other) => out.push_str(&format!(
                "{}:\ninvalid type for values: expected object (map), got {}\n",
                dependency.name(),
                kind(other)
            )),
        }
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "map",
    }
}

/// The problems of `values` against one schema, one `- at 'PLACE': REASON` line each, or
/// `None` when they pass.
fn check(schema: &[u8], values: &Map<String, Value>) -> Option<String> {
    let schema: Value = match serde_json::from_slice(schema) {
        Ok(schema) => schema,
        Err(e) => return Some(format!("- values.schema.json is not JSON: {e}\n")),
    };
    let mut compiler = boon::Compiler::new();
    compiler.use_loader(Box::new(Offline));
    let mut schemas = boon::Schemas::new();
    if let Err(e) = compiler.add_resource(LOCATION, schema) {
        return Some(format!("- values.schema.json: {}\n", compile_error(&e)));
    }
    let index = match compiler.compile(LOCATION, &mut schemas) {
        Ok(index) => index,
        Err(e) => return Some(format!("- values.schema.json: {}\n", compile_error(&e))),
    };
    let instance = Value::Object(values.clone());
    let error = schemas.validate(&instance, index).err()?;
    let mut text = String::new();
    display(&error, 0, &mut text);
    Some(text)
}

/// A schema that does not compile, with the loader's reason when a reference could not be
/// loaded.
fn compile_error(error: &boon::CompileError) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}

/// The error tree as Helm prints it: one `- at 'PLACE': REASON` line per failure, causes
/// indented under the failure they explain (the root, which only names the schema, left
/// out; a `$ref` with a single cause shown through it).
fn display(error: &boon::ValidationError, depth: usize, out: &mut String) {
    let skip = error.causes.len() == 1 && matches!(error.kind, boon::ErrorKind::Reference { .. });
    let mut depth = depth;
    if !skip {
        if !matches!(error.kind, boon::ErrorKind::Schema { .. }) {
            out.push_str(&"  ".repeat(depth.saturating_sub(1)));
            out.push_str(&format!(
                "- at {}: {}\n",
                quote(&error.instance_location.to_string()),
                reason(&error.kind)
            ));
        }
        depth += 1;
    }
    for cause in &error.causes {
        display(cause, depth, out);
    }
}

/// `'text'`, with quotes inside escaped.
fn quote(text: &str) -> String {
    let escaped = serde_json::to_string(text).unwrap_or_default();
    let inner = escaped
        .get(1..escaped.len().saturating_sub(1))
        .unwrap_or("")
        .replace("\\\"", "\"")
        .replace('\'', "\\'");
    format!("'{inner}'")
}

fn quoted_list(items: &[&str]) -> String {
    items
        .iter()
        .map(|s| quote(s))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A value in a reason: strings quoted, containers as `value`.
fn shown(value: &Value) -> String {
    match value {
        Value::String(s) => quote(s),
        Value::Array(_) | Value::Object(_) => "value".to_string(),
        other => other.to_string(),
    }
}

/// Why a value fails, worded as the Go validator Helm uses words it.
fn reason(kind: &boon::ErrorKind) -> String {
    use boon::ErrorKind as K;
    match kind {
        K::Group => "validation failed".to_string(),
        K::Schema { url } => format!("jsonschema validation failed with {}", quote(url)),
        K::ContentSchema => "contentSchema failed".to_string(),
        K::PropertyName { prop } => format!("invalid propertyName {}", quote(prop)),
        K::Reference { .. } => "validation failed".to_string(),
        K::RefCycle {
            url,
            kw_loc1,
            kw_loc2,
        } => {
            format!("both {kw_loc1} and {kw_loc2} resolve to {url:?} causing reference cycle")
        }
        K::FalseSchema => "false schema".to_string(),
        K::Type { got, want } => format!(
            "got {got}, want {}",
            want.iter()
                .map(|t| t.to_string())
                .collect::<Vec<_>>()
                .join(" or ")
        ),
        K::Enum { want } => {
            if want.iter().any(|v| v.is_array() || v.is_object()) {
                "enum failed".to_string()
            } else if want.len() == 1 {
                format!("value must be {}", shown(&want[0]))
            } else {
                format!(
                    "value must be one of {}",
                    want.iter().map(shown).collect::<Vec<_>>().join(", ")
                )
            }
        }
        K::Const { want } if want.is_array() || want.is_object() => "const failed".to_string(),
        K::Const { want } => format!("value must be {}", shown(want)),
        K::Format { got, want, err } => format!("{} is not valid {want}: {err}", shown(got)),
        K::MinProperties { got, want } => format!("minProperties: got {got}, want {want}"),
        K::MaxProperties { got, want } => format!("maxProperties: got {got}, want {want}"),
        K::AdditionalProperties { got } => {
            let names: Vec<&str> = got.iter().map(|s| s.as_ref()).collect();
            format!("additional properties {} not allowed", quoted_list(&names))
        }
        K::Required { want } if want.len() == 1 => format!("missing property {}", quote(want[0])),
        K::Required { want } => format!("missing properties {}", quoted_list(want)),
        K::Dependency { prop, missing } | K::DependentRequired { prop, missing } => format!(
            "properties {} required, if {} exists",
            quoted_list(missing),
            quote(prop)
        ),
        K::MinItems { got, want } => format!("minItems: got {got}, want {want}"),
        K::MaxItems { got, want } => format!("maxItems: got {got}, want {want}"),
        K::Contains => "no items match contains schema".to_string(),
        K::MinContains { got, want } if got.is_empty() => {
            format!("min {want} items required to match contains schema, but none matched")
        }
        K::MinContains { got, want } => format!(
            "min {want} items required to match contains schema, but matched {} items at {}",
            got.len(),
            got.iter()
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join(" ")
        ),
        K::MaxContains { got, want } => format!(
            "max {want} items required to match contains schema, but matched {} items at {}",
            got.len(),
            got.iter()
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join(" ")
        ),
        K::UniqueItems { got } => format!("items at {} and {} are equal", got[0], got[1]),
        K::AdditionalItems { got } => format!("last {got} additionalItem(s) not allowed"),
        K::MinLength { got, want } => format!("minLength: got {got}, want {want}"),
        K::MaxLength { got, want } => format!("maxLength: got {got}, want {want}"),
        K::Pattern { got, want } => {
            format!("{} does not match pattern {}", quote(got), quote(want))
        }
        K::ContentEncoding { want, err } => {
            format!("value is not {} encoded: {err}", quote(want))
        }
        K::ContentMediaType { want, err, .. } => {
            format!("value if not of mediatype {}: {err}", quote(want))
        }
        K::Minimum { got, want } => format!("minimum: got {got}, want {want}"),
        K::Maximum { got, want } => format!("maximum: got {got}, want {want}"),
        K::ExclusiveMinimum { got, want } => format!("exclusiveMinimum: got {got}, want {want}"),
        K::ExclusiveMaximum { got, want } => format!("exclusiveMaximum: got {got}, want {want}"),
        K::MultipleOf { got, want } => format!("multipleOf: got {got}, want {want}"),
        K::Not => "not failed".to_string(),
        K::AllOf => "allOf failed".to_string(),
        K::AnyOf => "anyOf failed".to_string(),
        K::OneOf(None) => "oneOf failed, none matched".to_string(),
        K::OneOf(Some((i, j))) => format!("oneOf failed, subschemas {i}, {j} matched"),
    }
}

#[cfg(test)]
mod tests {
    use super::check;
    use serde_json::json;

    fn values(v: serde_json::Value) -> serde_json::Map<String, serde_json::Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn failures_read_as_helm_prints_them() {
        let schema = br#"{"$schema": "http://json-schema.org/draft-07/schema#",
            "required": ["name"], "properties": {"age": {"type": "integer", "minimum": 0}}}"#;
        assert_eq!(
            check(schema, &values(json!({"age": -5}))).unwrap(),
            "- at '': missing property 'name'\n- at '/age': minimum: got -5, want 0\n"
        );
        assert_eq!(check(schema, &values(json!({"name": "x", "age": 3}))), None);
    }

    #[test]
    fn references_outside_the_schema_are_not_followed() {
        for target in ["https://example.com/s.json", "file:///etc/passwd"] {
            let schema = format!(r#"{{"properties": {{"a": {{"$ref": "{target}"}}}}}}"#);
            let text = check(schema.as_bytes(), &values(json!({"a": 1}))).unwrap();
            assert!(text.contains("--skip-schema-validation"), "{text}");
        }
        // references inside the document and to the standard metaschemas resolve
        let local = br##"{"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$defs": {"n": {"type": "integer"}}, "properties": {"a": {"$ref": "#/$defs/n"}}}"##;
        assert_eq!(check(local, &values(json!({"a": 1}))), None);
        assert!(check(local, &values(json!({"a": "x"}))).is_some());
    }

    #[test]
    fn a_broken_schema_is_a_problem_not_a_pass() {
        assert!(check(b"{not json", &values(json!({})))
            .unwrap()
            .contains("not JSON"));
        assert!(check(br#"{"type": 12}"#, &values(json!({}))).is_some());
    }
}
