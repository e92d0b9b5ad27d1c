//! Model attributes read from evaluated values: numbers, strings, environment variables
//! and CORS settings, shared with the Terraform and Serverless Framework front-ends.

use crate::model::*;
use crate::value::Value;

pub(crate) fn attr_i64(v: Option<&Value>) -> Attr<i64> {
    match v {
        None => Attr::Unset,
        Some(v) if v.is_null() => Attr::Unset,
        Some(v) => match v.as_i64() {
            Some(n) => Attr::Set(n, v.pos),
            None => Attr::Unknown(v.pos),
        },
    }
}

/// A boolean setting: unset when absent or null, unknown when not evaluable.
pub(crate) fn attr_bool(v: Option<&Value>) -> Attr<bool> {
    match v {
        None => Attr::Unset,
        Some(v) if v.is_null() => Attr::Unset,
        Some(v) => match v.as_bool() {
            Some(b) => Attr::Set(b, v.pos),
            None => Attr::Unknown(v.pos),
        },
    }
}

/// A text setting (numbers and booleans as text): unset, unknown or known.
pub(crate) fn attr_str(v: Option<&Value>) -> Attr<String> {
    match v {
        None => Attr::Unset,
        Some(v) if v.is_null() => Attr::Unset,
        Some(v) => match v.as_text() {
            Some(s) => Attr::Set(s, v.pos),
            None => Attr::Unknown(v.pos),
        },
    }
}

/// A layer a function names: one of the template's own by its logical id or address
/// (linked to its permissions later), any other as its ARN.
pub(crate) fn layer_ref(l: &Value) -> LayerRef {
    LayerRef {
        arn: Spanned {
            value: l
                .ref_target()
                .map(str::to_string)
                .unwrap_or_else(|| l.display()),
            pos: l.pos,
        },
        public: None,
    }
}

/// Environment variables of a `Variables`-style map.
pub(crate) fn env_vars(vars: Option<&Value>) -> Vec<EnvVar> {
    let Some(vars) = vars else { return Vec::new() };
    vars.entries()
        .iter()
        .map(|(name, v)| EnvVar {
            name: name.clone(),
            value: match v.as_text() {
                Some(s) if !v.is_null() => Attr::Set(s, v.pos),
                _ => Attr::Unknown(v.pos),
            },
            pos: v.pos,
        })
        .collect()
}

pub(crate) fn cors_of(v: Option<&Value>, origins_key: &str, creds_key: &str) -> Option<Cors> {
    let v = v?;
    if let Some(s) = v.as_str() {
        // SAM `Cors: "'*'"` is the origin alone.
        return Some(Cors {
            allow_origins: vec![s.trim_matches('\'').to_string()],
            allow_credentials: false,
            pos: v.pos,
        });
    }
    Some(Cors {
        allow_origins: v
            .get(origins_key)
            .map(|o| {
                o.one_or_many()
                    .iter()
                    .filter_map(|x| x.as_str().map(|s| s.trim_matches('\'').to_string()))
                    .collect()
            })
            .unwrap_or_default(),
        allow_credentials: v.get(creds_key).and_then(Value::as_bool).unwrap_or(false),
        pos: v.pos,
    })
}
