//! Resource policies (S3 bucket, SQS queue, SNS topic, ECR repository...) read for one
//! question: which Allow statements let anyone in, without a condition narrowing them.

use std::collections::HashMap;

use crate::value::{from_node, Pos, Value, ValueKind};

/// An Allow statement whose principal is everyone and that has no condition (or only
/// `ForAllValues:` conditions, which hold when the request lacks the key).
#[derive(Debug, Clone, PartialEq)]
pub struct PublicStatement {
    /// Actions as written (`*`, `s3:GetObject`...); empty when not knowable.
    pub actions: Vec<String>,
    pub pos: Pos,
}

/// The public statements of a policy value: a map (`jsonencode`, CloudFormation), a JSON
/// string (heredoc), or a reference to a `data.aws_iam_policy_document`. `documents` holds
/// the policy documents of the module by address.
pub fn public_statements(v: &Value, documents: &HashMap<&str, &Value>) -> Vec<PublicStatement> {
    match &v.kind {
        ValueKind::Map(_) => from_document(v),
        // A heredoc with interpolations (`"Resource": "${aws_sqs_queue.q.arn}"`) keeps them
        // as `${...}` text: they stand where values are written and cannot turn a named
        // principal into `*` or drop a condition, so the document is still read. Template
        // directives (`%{ if }`) can remove whole clauses and leave it unread.
        ValueKind::Str(s) | ValueKind::Unknown(s) if !s.contains("%{") => {
            match palisade_yaml::load(s) {
                Ok(docs) => docs
                    .first()
                    .map(|d| {
                        let mut doc = from_node(&d.root);
                        place(&mut doc, v.pos);
                        from_document(&doc)
                    })
                    .unwrap_or_default(),
                Err(_) => Vec::new(),
            }
        }
        ValueKind::Ref { target, .. } => documents
            .get(target.as_str())
            .map(|d| from_policy_document_data(d))
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

fn from_document(doc: &Value) -> Vec<PublicStatement> {
    doc.get("Statement")
        .map(Value::one_or_many)
        .unwrap_or_default()
        .into_iter()
        .filter(|s| {
            s.get("Effect")
                .and_then(Value::as_str)
                .is_some_and(|e| e.eq_ignore_ascii_case("allow"))
                && s.get("Condition").is_none_or(vacuous_condition)
                && s.get("Principal").is_some_and(principal_is_everyone)
        })
        .map(|s| PublicStatement {
            actions: texts(s.get("Action")),
            pos: s.get("Principal").map(|p| p.pos).unwrap_or(s.pos),
        })
        .collect()
}

/// A condition made only of `ForAllValues:` operators narrows nothing for a caller whose
/// request lacks the key (an anonymous caller has no `aws:username`): the test is then
/// vacuously true.
fn vacuous_condition(c: &Value) -> bool {
    !c.entries().is_empty()
        && c.entries()
            .iter()
            .all(|(op, _)| op.starts_with("ForAllValues:"))
}

/// `"*"`, `{"AWS": "*"}` or `{"AWS": ["*"]}`.
fn principal_is_everyone(p: &Value) -> bool {
    match &p.kind {
        ValueKind::Str(s) => s == "*",
        ValueKind::Map(entries) => entries
            .iter()
            .filter(|(k, _)| k == "AWS" || k == "*")
            .any(|(_, v)| v.one_or_many().iter().any(|x| x.as_str() == Some("*"))),
        _ => false,
    }
}

/// Statements of a `data "aws_iam_policy_document"` (its `statement` blocks).
fn from_policy_document_data(d: &Value) -> Vec<PublicStatement> {
    d.get("statement")
        .map(Value::one_or_many)
        .unwrap_or_default()
        .into_iter()
        .filter(|s| {
            s.get("effect")
                .and_then(Value::as_str)
                .is_none_or(|e| e.eq_ignore_ascii_case("allow"))
                && s.get("condition").is_none_or(|c| {
                    c.one_or_many().iter().all(|b| {
                        b.get("test")
                            .and_then(Value::as_str)
                            .is_some_and(|t| t.starts_with("ForAllValues:"))
                    })
                })
                && s.get("principals")
                    .map(Value::one_or_many)
                    .unwrap_or_default()
                    .iter()
                    .any(|p| {
                        let kind = p.get("type").and_then(Value::as_str);
                        matches!(kind, Some("*") | Some("AWS"))
                            && p.get("identifiers")
                                .map(Value::one_or_many)
                                .unwrap_or_default()
                                .iter()
                                .any(|i| i.as_str() == Some("*"))
                    })
        })
        .map(|s| PublicStatement {
            actions: texts(s.get("actions")),
            pos: s.get("principals").map(|p| p.pos).unwrap_or(s.pos),
        })
        .collect()
}

fn texts(v: Option<&Value>) -> Vec<String> {
    v.map(Value::one_or_many)
        .unwrap_or_default()
        .iter()
        .filter_map(|x| x.as_str().map(str::to_string))
        .collect()
}

/// Moves positions of a document parsed from a string to where the string starts.
fn place(v: &mut Value, base: Pos) {
    v.pos.line = base.line + v.pos.line.saturating_sub(1);
    match &mut v.kind {
        ValueKind::List(items) => items.iter_mut().for_each(|i| place(i, base)),
        ValueKind::Map(entries) => entries.iter_mut().for_each(|(_, x)| place(x, base)),
        _ => {}
    }
}

/// Whether any of the actions writes, deletes or administers (`*`, `s3:Put*`...).
pub fn writes(actions: &[String]) -> bool {
    actions.iter().any(|a| {
        let l = a.to_ascii_lowercase();
        let verb = l.split_once(':').map(|(_, v)| v).unwrap_or(&l);
        // OpenSearch names HTTP methods: `es:ESHttpPut`, `es:ESHttp*`.
        let verb = verb.strip_prefix("eshttp").unwrap_or(verb);
        l == "*"
            || verb == "*"
            || [
                "put", "post", "patch", "delete", "create", "update", "set", "add", "remove",
                "send", "publish",
            ]
            .iter()
            .any(|w| verb.starts_with(w))
    })
}

/// IAM statements of a policy value: a map, a JSON string, or a reference to a
/// `data.aws_iam_policy_document` of `documents` (its `statement` blocks).
pub fn statements(
    v: &Value,
    source: &str,
    documents: &HashMap<&str, &Value>,
) -> Vec<crate::model::PolicyStatement> {
    match &v.kind {
        ValueKind::Map(_) => crate::iam::statements(v, source),
        ValueKind::Str(s) => match palisade_yaml::load(s) {
            Ok(docs) => docs
                .first()
                .map(|d| {
                    let mut doc = from_node(&d.root);
                    place(&mut doc, v.pos);
                    crate::iam::statements(&doc, source)
                })
                .unwrap_or_default(),
            Err(_) => Vec::new(),
        },
        ValueKind::Ref { target, .. } => documents
            .get(target.as_str())
            .map(|d| {
                d.get("statement")
                    .map(Value::one_or_many)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|s| crate::iam::statement(&as_json_statement(s), source))
                    .collect()
            })
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// A `statement` block of `aws_iam_policy_document` in the JSON policy shape.
fn as_json_statement(s: &Value) -> Value {
    let mut entries = Vec::new();
    for (from, to) in [
        ("effect", "Effect"),
        ("actions", "Action"),
        ("not_actions", "NotAction"),
        ("resources", "Resource"),
        ("not_resources", "NotResource"),
        ("condition", "Condition"),
    ] {
        if let Some(v) = s.get(from) {
            entries.push((to.to_string(), v.clone()));
        }
    }
    Value::new(ValueKind::Map(entries), s.pos)
}

/// An allow statement nothing narrows that grants every action (`*`) or every action of
/// one service (`s3:*`) on every resource: `Some((true, "*"))` for administrator access,
/// `Some((false, "s3:*"))` for a service-wide wildcard.
pub fn broad_grant(s: &crate::model::PolicyStatement) -> Option<(bool, String)> {
    if !s.allow || s.has_condition || !s.resources.iter().any(|r| r.value == "*") {
        return None;
    }
    if let Some(a) = s
        .actions
        .iter()
        .find(|a| a.value == "*" || a.value == "*:*")
    {
        return Some((true, a.value.clone()));
    }
    s.actions
        .iter()
        .find(|a| a.value.ends_with(":*") && !a.value.starts_with('*'))
        .map(|a| (false, a.value.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(condition: &str) -> Value {
        let text = format!(
            r#"{{"Statement": [{{"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage"{condition}}}]}}"#
        );
        let docs = palisade_yaml::load(&text).unwrap();
        from_node(&docs[0].root)
    }

    #[test]
    fn only_vacuous_conditions_leave_a_statement_public() {
        let none = HashMap::new();
        assert_eq!(public_statements(&doc(""), &none).len(), 1);
        let for_all =
            r#", "Condition": {"ForAllValues:StringEquals": {"aws:PrincipalOrgID": "o-1"}}"#;
        assert_eq!(public_statements(&doc(for_all), &none).len(), 1);
        let for_any =
            r#", "Condition": {"ForAnyValue:StringEquals": {"aws:PrincipalOrgID": "o-1"}}"#;
        assert!(public_statements(&doc(for_any), &none).is_empty());
        let plain = r#", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-1"}}"#;
        assert!(public_statements(&doc(plain), &none).is_empty());
    }

    #[test]
    fn interpolated_documents_are_read_but_directives_are_not() {
        let none = HashMap::new();
        let pos = Pos { line: 1, column: 1 };
        let text = r#"{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": "${aws_sqs_queue.q.arn}"}]}"#;
        let interpolated = Value::unknown(text, pos);
        assert_eq!(public_statements(&interpolated, &none).len(), 1);
        let principal = text.replace(r#""Principal": "*""#, r#""Principal": "${var.who}""#);
        assert!(public_statements(&Value::unknown(principal, pos), &none).is_empty());
        let directive = text.replace(r#""Resource""#, r#"%{ if var.open }"Resource""#);
        assert!(public_statements(&Value::unknown(directive, pos), &none).is_empty());
    }

    #[test]
    fn opensearch_http_methods_are_read_as_verbs() {
        let w = |a: &str| writes(&[a.to_string()]);
        assert!(w("es:ESHttpPut") && w("es:ESHttpPost") && w("es:ESHttpDelete") && w("es:ESHttp*"));
        assert!(!w("es:ESHttpGet") && !w("es:ESHttpHead"));
    }
}
