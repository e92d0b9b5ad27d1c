//! IAM policy documents as statements: `jsonencode({...})`, JSON strings and
//! `aws_iam_policy_document` data sources.

use std::collections::HashMap;

use crate::iam;
use crate::model::*;
use crate::value::{from_node, Value, ValueKind};

use super::{blocks, shift, TfResource};

/// Statements of a Terraform `policy` value: `jsonencode({...})`, a JSON string (heredoc),
/// or a reference to an `aws_iam_policy_document` data source.
pub(super) fn policy_statements(
    v: &Value,
    source: &str,
    documents: &HashMap<&str, &TfResource>,
) -> Vec<PolicyStatement> {
    match &v.kind {
        ValueKind::Map(_) => iam::statements(v, source),
        ValueKind::Str(s) => match palisade_yaml::load(s) {
            Ok(docs) => docs
                .first()
                .map(|d| {
                    let mut doc = from_node(&d.root);
                    shift(&mut doc, v.pos);
                    iam::statements(&doc, source)
                })
                .unwrap_or_default(),
            Err(_) => Vec::new(),
        },
        ValueKind::Ref { target, .. } => match documents.get(target.as_str()) {
            Some(d) => blocks(&d.body, "statement")
                .into_iter()
                .map(|s| {
                    let mut unknown = false;
                    let list = |k: &str, unknown: &mut bool| -> Vec<Spanned<String>> {
                        s.get(k)
                            .map(|l| {
                                l.one_or_many()
                                    .into_iter()
                                    .filter_map(|x| match x.as_str() {
                                        Some(t) => Some(Spanned {
                                            value: t.to_string(),
                                            pos: x.pos,
                                        }),
                                        None => {
                                            *unknown = true;
                                            None
                                        }
                                    })
                                    .collect()
                            })
                            .unwrap_or_default()
                    };
                    let actions = list("actions", &mut unknown);
                    let not_actions = list("not_actions", &mut unknown);
                    let resources = list("resources", &mut unknown);
                    let not_resources = list("not_resources", &mut unknown);
                    PolicyStatement {
                        allow: s
                            .get("effect")
                            .and_then(Value::as_str)
                            .map(|e| e.eq_ignore_ascii_case("allow"))
                            .unwrap_or(true),
                        actions,
                        not_actions,
                        resources,
                        not_resources,
                        has_unknown: unknown,
                        has_condition: s.get("condition").is_some(),
                        source: target.clone(),
                        pos: s.pos,
                    }
                })
                .collect(),
            None => Vec::new(),
        },
        _ => Vec::new(),
    }
}
