//! Label selectors as the Kubernetes API defines them (`matchLabels` and `matchExpressions`),
//! shared by every analysis that relates objects through labels: NetworkPolicy peers,
//! ClusterRole aggregation, Service selectors.

use std::collections::BTreeMap;
use std::fmt;

use palisade_yaml::Node;

/// One `matchExpressions` requirement.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Requirement {
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    DoesNotExist(String),
}

/// A parsed label selector. The empty selector matches everything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct LabelSelector {
    pub match_labels: BTreeMap<String, String>,
    pub expressions: Vec<Requirement>,
}

/// A selector the API server would have rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct SelectorError {
    pub line: u32,
    pub message: String,
}

impl LabelSelector {
    /// The selector that matches every object.
    pub fn everything() -> LabelSelector {
        LabelSelector::default()
    }

    /// Whether this selector selects every label set.
    pub fn is_empty(&self) -> bool {
        self.match_labels.is_empty() && self.expressions.is_empty()
    }

    /// Parses `{matchLabels, matchExpressions}`; a null or missing node is the empty selector.
    pub fn parse(node: Option<&Node>) -> Result<LabelSelector, SelectorError> {
        let mut sel = LabelSelector::default();
        let Some(node) = node else { return Ok(sel) };
        if node.is_null() {
            return Ok(sel);
        }
        if !node.is_map() {
            return Err(SelectorError {
                line: node.pos.line,
                message: "a label selector must be a mapping".into(),
            });
        }
        if let Some(labels) = node.get("matchLabels") {
            for (k, v) in labels.entries() {
                sel.match_labels
                    .insert(k.to_string(), v.as_str().unwrap_or("").to_string());
            }
        }
        for expr in node
            .get("matchExpressions")
            .into_iter()
            .flat_map(Node::items)
        {
            let key = expr
                .get("key")
                .and_then(Node::as_str)
                .unwrap_or("")
                .to_string();
            let op = expr.get("operator").and_then(Node::as_str).unwrap_or("");
            let values: Vec<String> = expr
                .get("values")
                .into_iter()
                .flat_map(Node::items)
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect();
            let err = |message: String| SelectorError {
                line: expr.pos.line,
                message,
            };
            if key.is_empty() {
                return Err(err("a matchExpressions entry has no key".into()));
            }
            let req = match op {
                "In" | "NotIn" if values.is_empty() => {
                    return Err(err(format!(
                        "operator {op} on key `{key}` needs a non-empty values list"
                    )))
                }
                "In" => Requirement::In(key, values),
                "NotIn" => Requirement::NotIn(key, values),
                "Exists" | "DoesNotExist" if !values.is_empty() => {
                    return Err(err(format!(
                        "operator {op} on key `{key}` must not have values"
                    )))
                }
                "Exists" => Requirement::Exists(key),
                "DoesNotExist" => Requirement::DoesNotExist(key),
                other => {
                    return Err(err(format!(
                        "unknown selector operator `{other}` on key `{key}` (expected In, NotIn, Exists or DoesNotExist)"
                    )))
                }
            };
            sel.expressions.push(req);
        }
        Ok(sel)
    }

    /// Whether the label set satisfies every requirement.
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.match_labels
            .iter()
            .all(|(k, v)| labels.get(k) == Some(v))
            && self.expressions.iter().all(|r| match r {
                Requirement::In(k, vs) => labels.get(k).is_some_and(|l| vs.contains(l)),
                Requirement::NotIn(k, vs) => labels.get(k).is_none_or(|l| !vs.contains(l)),
                Requirement::Exists(k) => labels.contains_key(k),
                Requirement::DoesNotExist(k) => !labels.contains_key(k),
            })
    }
}

impl fmt::Display for LabelSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("{}");
        }
        let mut parts: Vec<String> = self
            .match_labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        for r in &self.expressions {
            parts.push(match r {
                Requirement::In(k, vs) => format!("{k} in ({})", vs.join(",")),
                Requirement::NotIn(k, vs) => format!("{k} notin ({})", vs.join(",")),
                Requirement::Exists(k) => k.clone(),
                Requirement::DoesNotExist(k) => format!("!{k}"),
            });
        }
        f.write_str(&parts.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sel(text: &str) -> Result<LabelSelector, SelectorError> {
        let docs = palisade_yaml::load(text).unwrap();
        LabelSelector::parse(Some(&docs[0].root))
    }

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn labels_and_expressions_are_all_required() {
        let s = sel("matchLabels: {app: web}\nmatchExpressions:\n- {key: tier, operator: In, values: [a, b]}\n- {key: canary, operator: DoesNotExist}\n").unwrap();
        assert!(s.matches(&labels(&[("app", "web"), ("tier", "a")])));
        assert!(!s.matches(&labels(&[("app", "web"), ("tier", "c")])));
        assert!(!s.matches(&labels(&[("app", "web"), ("tier", "a"), ("canary", "")])));
        assert_eq!(s.to_string(), "app=web,tier in (a,b),!canary");
    }

    #[test]
    fn not_in_matches_a_missing_key_and_null_is_everything() {
        let s = sel("matchExpressions: [{key: env, operator: NotIn, values: [prod]}]").unwrap();
        assert!(s.matches(&labels(&[])));
        assert!(!s.matches(&labels(&[("env", "prod")])));
        assert!(sel("~").unwrap().is_empty());
    }

    #[test]
    fn invalid_operators_are_errors_with_lines() {
        let e = sel("matchExpressions:\n- {key: a, operator: Equals, values: [x]}\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("Equals"), "{e}");
        assert!(sel("matchExpressions: [{key: a, operator: In}]").is_err());
    }
}
