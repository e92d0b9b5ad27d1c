//! JSON values and YAML trees: a loaded tree as the JSON the Kubernetes API would receive
//! ([`to_json`]), and a JSON value written as block YAML for people and `kubectl`
//! ([`to_yaml`]). Text of several lines is written as a literal block (`|`), as people
//! write a file kept in a ConfigMap, when YAML reads that block back as the same text;
//! other strings that YAML could read as something else (`yes`, `1.0`, `a: b`, text with
//! newlines that a block would not keep) are written double-quoted with JSON escapes, which
//! YAML reads the same way.

use serde_json::Value;

use crate::{Node, NodeKind};

/// `value` as a YAML document (no `---` marker), ending with a newline.
pub fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(map) if !map.is_empty() => emit_map(map, 0, &mut out),
        Value::Array(items) if !items.is_empty() => emit_seq(items, 0, &mut out),
        scalar => {
            out.push_str(&inline(scalar));
            out.push('\n');
        }
    }
    out
}

/// Keys a Kubernetes reader expects first; the rest follow in the map's (sorted) order.
const LEADING_KEYS: [&str; 3] = ["apiVersion", "kind", "metadata"];

fn emit_map(map: &serde_json::Map<String, Value>, indent: usize, out: &mut String) {
    let leading = LEADING_KEYS.iter().filter_map(|k| map.get_key_value(*k));
    let rest = map
        .iter()
        .filter(|(k, _)| !LEADING_KEYS.contains(&k.as_str()));
    for (key, value) in leading.chain(rest) {
        out.push_str(&" ".repeat(indent));
        out.push_str(&string(key));
        out.push(':');
        match value {
            Value::Object(inner) if !inner.is_empty() => {
                out.push('\n');
                emit_map(inner, indent + 2, out);
            }
            Value::Array(items) if !items.is_empty() => {
                out.push('\n');
                emit_seq(items, indent + 2, out);
            }
            Value::String(text) if is_block(text) => {
                out.push(' ');
                block(text, indent + 2, out);
            }
            scalar => {
                out.push(' ');
                out.push_str(&inline(scalar));
                out.push('\n');
            }
        }
    }
}

/// Whether `text` reads back unchanged from a literal block: several lines, every
/// character printable (no control character, tab, byte-order mark or Unicode line
/// separator), no line ending in a space or starting the text with one (which a block
/// would take for its indentation), and at most one newline at the end.
fn is_block(text: &str) -> bool {
    let body = text.strip_suffix('\n').unwrap_or(text);
    body.contains('\n')
        && !body.starts_with(' ')
        && !body.starts_with('\n')
        && !body.ends_with('\n')
        && !text.chars().any(|c| {
            (c.is_control() && c != '\n') || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}')
        })
        && body.split('\n').all(|line| !line.ends_with(' '))
}

/// `text` as a literal block at `indent`: `|` when it ends with a newline, `|-` when not,
/// then each line indented (an empty line stays empty).
fn block(text: &str, indent: usize, out: &mut String) {
    let (body, header) = match text.strip_suffix('\n') {
        Some(body) => (body, "|"),
        None => (text, "|-"),
    };
    out.push_str(header);
    out.push('\n');
    for line in body.split('\n') {
        if !line.is_empty() {
            out.push_str(&" ".repeat(indent));
            out.push_str(line);
        }
        out.push('\n');
    }
}

fn emit_seq(items: &[Value], indent: usize, out: &mut String) {
    for item in items {
        let mut nested = String::new();
        match item {
            Value::Object(inner) if !inner.is_empty() => emit_map(inner, indent + 2, &mut nested),
            Value::Array(inner) if !inner.is_empty() => emit_seq(inner, indent + 2, &mut nested),
            Value::String(text) if is_block(text) => {
                out.push_str(&" ".repeat(indent));
                out.push_str("- ");
                block(text, indent + 2, out);
                continue;
            }
            scalar => {
                out.push_str(&" ".repeat(indent));
                out.push_str("- ");
                out.push_str(&inline(scalar));
                out.push('\n');
                continue;
            }
        }
        // The first line of the nested block moves up beside the dash.
        out.push_str(&" ".repeat(indent));
        out.push_str("- ");
        out.push_str(&nested[indent + 2..]);
    }
}

fn inline(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => string(s),
        Value::Array(_) => "[]".into(),
        Value::Object(_) => "{}".into(),
    }
}

/// A string plain when YAML reads it back as the same string, else double-quoted.
fn string(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_./:=@-".contains(c))
        && s.chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '/' || c == '_' || c == '-')
        && s != "-"
        && !s.starts_with("---")
        && !s.ends_with(':')
        && !s.contains("://")
        && s.parse::<f64>().is_err()
        && !s.starts_with("0x")
        && !s.starts_with("0o")
        && !s
            .chars()
            .all(|c| c.is_ascii_digit() || c == ':' || c == '.' || c == '-')
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | "null" | "nan" | "inf"
        );
    if plain {
        s.to_string()
    } else {
        serde_json::Value::String(s.to_string()).to_string()
    }
}

/// A YAML tree as JSON, as `kubectl` and Gatekeeper's tools send it to the API: plain
/// scalars typed by the YAML 1.2 core schema plus the YAML 1.1 booleans that
/// `sigs.k8s.io/yaml` (go-yaml v2) reads (`yes`, `no`, `on`, `off`, `y`, `n`), so
/// `hostPID: yes` is `true` for a policy as it is for the cluster.
pub fn to_json(node: &Node) -> Value {
    match &node.kind {
        NodeKind::Map(entries) => Value::Object(
            entries
                .iter()
                .map(|(k, v)| (k.as_str().unwrap_or_default().to_string(), to_json(v)))
                .collect(),
        ),
        NodeKind::Seq(items) => Value::Array(items.iter().map(to_json).collect()),
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_read_back_unchanged() {
        let value = json!({
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {"name": "palisade-webhook-tls", "labels": {"app.kubernetes.io/name": "palisade"}},
            "data": {"tls.crt": "LS0tLS1CRUdJTg==", "ca.crt": ""},
            "tricky": ["yes", "no", "1.0", "0x1F", "10:30", "a: b", "# not a comment", "line\nbreak",
                       "https://x", "-leading", "true", "null", "~", "", " padded", "ünïcode", "key:"],
            "nested": [[1, 2], [], {}, [{"a": 1, "b": [true, false, null]}], {"x": {"y": [{"z": 1.5}]}}],
            "empty": {},
            "list": [],
            "port": 8443,
            "ratio": -0.25,
        });
        let text = to_yaml(&value);
        let docs = crate::load(&text).unwrap();
        assert_eq!(docs.len(), 1);
        assert_eq!(to_json(&docs[0].root), value, "{text}");
    }

    #[test]
    fn text_of_several_lines_is_a_literal_block() {
        let value = json!({"data": {
            "palisade.toml": "[rules]\ndisable = [\"ISO019\"]\n\n[kubernetes]\nsystem_images = [\"registry.k8s.io/\"]\n",
            "script": "#!/bin/sh\n  echo: \"yes\" # indented\n---\nexit 0",
        }, "args": ["one\ntwo\n"]});
        let text = to_yaml(&value);
        assert_eq!(
            text,
            "args:\n  - |\n    one\n    two\ndata:\n  palisade.toml: |\n    [rules]\n    disable = [\"ISO019\"]\n\n    [kubernetes]\n    system_images = [\"registry.k8s.io/\"]\n  script: |-\n    #!/bin/sh\n      echo: \"yes\" # indented\n    ---\n    exit 0\n"
        );
        assert_eq!(to_json(&crate::load(&text).unwrap()[0].root), value);
    }

    #[test]
    fn text_a_block_would_change_stays_quoted() {
        for text in [
            "trailing space \nline",
            " leading space\nline",
            "\nleading newline",
            "two newlines at the end\n\n",
            "tab\there\nline",
            "carriage\r\nreturn",
            "line\u{2028}separator\nline",
            "one line\n",
        ] {
            let yaml = to_yaml(&json!({"k": text}));
            assert!(yaml.starts_with("k: \""), "{text:?}: {yaml}");
            assert_eq!(
                to_json(&crate::load(&yaml).unwrap()[0].root),
                json!({"k": text})
            );
        }
    }

    #[test]
    fn plain_strings_stay_readable() {
        let text = to_yaml(&json!({
            "spec": {"image": "ghcr.io/palisade/palisade:0.1.0", "args": ["serve", "--listen"]},
            "kind": "Pod",
            "apiVersion": "v1",
        }));
        assert_eq!(
            text,
            "apiVersion: v1\nkind: Pod\nspec:\n  args:\n    - serve\n    - --listen\n  image: ghcr.io/palisade/palisade:0.1.0\n"
        );
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    /// Text made of what trips YAML up: line breaks, spaces at either end of a line, tabs,
    /// carriage returns, indicators (`#`, `:`, `-`, `|`, `>`, quotes, `---`), Unicode line
    /// separators and a byte-order mark, among ordinary words.
    fn text() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            4 => "[a-z]{1,6}",
            3 => Just("\n".to_string()),
            2 => Just(" ".to_string()),
            1 => Just("  ".to_string()),
            1 => Just("\t".to_string()),
            1 => Just("\r".to_string()),
            1 => Just("# ".to_string()),
            1 => Just(": ".to_string()),
            1 => Just("- ".to_string()),
            1 => Just("---".to_string()),
            1 => Just("|".to_string()),
            1 => Just(">".to_string()),
            1 => Just("\"".to_string()),
            1 => Just("'".to_string()),
            1 => Just("\u{2028}".to_string()),
            1 => Just("\u{feff}".to_string()),
            1 => Just("é☃".to_string()),
        ];
        proptest::collection::vec(piece, 0..24).prop_map(|pieces| pieces.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Any string, as a map value at two depths and as a list item, reads back as
        /// itself; text of several lines a block keeps is written as a block.
        #[test]
        fn every_string_reads_back_as_itself(text in text()) {
            let value = json!({"k": text, "nested": {"deeper": {"v": text}}, "list": [text, 1]});
            let yaml = to_yaml(&value);
            let docs = crate::load(&yaml).map_err(|e| TestCaseError::fail(format!("{e:?}\n{yaml}")))?;
            prop_assert_eq!(docs.len(), 1);
            prop_assert_eq!(to_json(&docs[0].root), value, "{}", yaml);
            if is_block(&text) {
                prop_assert!(yaml.starts_with("k: |"), "{}", yaml);
            }
        }
    }
}
