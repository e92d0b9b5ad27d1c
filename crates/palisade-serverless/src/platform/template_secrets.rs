//! Secrets in a template's own inputs and outputs: Terraform variable defaults,
//! CloudFormation parameter defaults, parameters shown in clear, and outputs that publish
//! credentials. Literals are classified by the secret engine (through the SEC300 helper),
//! so the same values count as secrets here as in function environments.

use super::model::*;
use super::SourceResource;
use crate::rules::sec300_plaintext_secret_env::{literal_secret, sensitive_name};
use crate::value::{Value, ValueKind};

pub(super) fn terraform(r: &SourceResource, p: &mut Platform) {
    if r.rtype != "variable" {
        return;
    }
    let name = r.key.rsplit("var.").next().unwrap_or(r.key);
    if let Some(d) = r.body.get("default") {
        literal(r, name, d, "default of variable", p);
    }
}

pub(super) fn cfn(r: &SourceResource, p: &mut Platform) {
    let b = r.body;
    match r.rtype {
        "Parameters" => {
            if let Some(d) = b.get("Default") {
                if literal(r, r.key, d, "default of parameter", p) {
                    return;
                }
            }
            let from_store = b
                .get("Type")
                .and_then(Value::as_str)
                .is_some_and(|t| t.starts_with("AWS::SSM::"));
            let no_echo = b.get("NoEcho").and_then(Value::as_bool) == Some(true);
            if sensitive_name(r.key) && !no_echo && !from_store {
                p.template_secrets.push(TemplateSecret {
                    resource: r.id.clone(),
                    what: format!(
                        "secret-named parameter {} is shown in clear in the console and API (no NoEcho: true)",
                        r.key
                    ),
                    value: None,
                    exposed: false,
                    pos: r.pos,
                });
            }
        }
        "Outputs" => {
            if let Some(v) = b.get("Value") {
                if let Some(attr) = published_secret(v) {
                    p.template_secrets.push(TemplateSecret {
                        resource: r.id.clone(),
                        what: format!("output {} publishes {attr}", r.key),
                        value: None,
                        exposed: true,
                        pos: v.pos,
                    });
                }
            }
        }
        _ => {}
    }
}

/// Records a literal secret written as `name = value`; whether one was recorded.
fn literal(r: &SourceResource, name: &str, v: &Value, where_: &str, p: &mut Platform) -> bool {
    let ValueKind::Str(text) = &v.kind else {
        return false;
    };
    let Some(kind) = literal_secret(name, text) else {
        return false;
    };
    p.template_secrets.push(TemplateSecret {
        resource: r.id.clone(),
        what: format!("{where_} {name} holds a plaintext secret ({kind})"),
        value: Some(text.clone()),
        exposed: true,
        pos: v.pos,
    });
    true
}

/// Attributes that are credentials: `!GetAtt Key.SecretAccessKey` and the like.
const SECRET_ATTRIBUTES: &[&str] = &["SecretAccessKey", "MasterUserPassword", "AuthToken"];

fn published_secret(v: &Value) -> Option<String> {
    let attr = match &v.kind {
        // `!GetAtt Key.SecretAccessKey` read without its tag.
        ValueKind::Str(s) => s.rsplit_once('.').map(|(_, a)| a.to_string()),
        ValueKind::Map(_) => v.get("Fn::GetAtt").and_then(|g| match &g.kind {
            ValueKind::Str(s) => s.rsplit_once('.').map(|(_, a)| a.to_string()),
            ValueKind::List(items) => items.get(1).and_then(Value::as_str).map(str::to_string),
            _ => None,
        }),
        _ => None,
    }?;
    SECRET_ATTRIBUTES
        .contains(&attr.as_str())
        .then(|| format!("the {attr} attribute"))
}
