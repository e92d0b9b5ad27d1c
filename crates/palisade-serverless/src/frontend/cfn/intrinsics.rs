//! Intrinsic functions (`Ref`, `Fn::GetAtt`, `Fn::Sub`, `Fn::If`, `Fn::FindInMap`, ...)
//! evaluated against parameter defaults, mappings and conditions where the result is
//! knowable.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use palisade_core::ScanError;
use palisade_yaml::{Node, NodeKind};

use crate::value::{from_node, scalar_kind, Pos, Value, ValueKind};
/// Evaluates intrinsic functions of one template.
pub(crate) struct Evaluator<'a> {
    path: &'a str,
    params: HashMap<String, Option<&'a Node>>,
    mappings: Option<&'a Node>,
    conditions: Option<&'a Node>,
    resource_names: HashSet<String>,
    /// Resources a translator writes that the template does not list: SAM's role of a
    /// function without `Role` (`<Function>Role`), SAM's referable properties
    /// (`<Function>.Alias`, `<Function>.Version`, `<Function>.DestinationTopic`,
    /// `<Api>.Stage`, ...), the Serverless Framework's functions, role, buckets and APIs.
    /// A reference to one is unknown here, not an error.
    sam_generated: HashSet<String>,
    sam_resources: HashSet<String>,
    cond_cache: RefCell<HashMap<String, Option<bool>>>,
    visiting: RefCell<HashSet<String>>,
    pub(crate) errors: RefCell<Vec<ScanError>>,
}

const PSEUDO: &[&str] = &[
    "AWS::AccountId",
    "AWS::NotificationARNs",
    "AWS::Partition",
    "AWS::Region",
    "AWS::StackId",
    "AWS::StackName",
    "AWS::URLSuffix",
];

impl<'a> Evaluator<'a> {
    pub(super) fn new(path: &'a str, root: &'a Node, generated: &HashSet<String>) -> Self {
        let mut params = HashMap::new();
        if let Some(p) = root.get("Parameters") {
            for (name, decl) in p.entries() {
                params.insert(name.to_string(), decl.get("Default"));
            }
        }
        let resource_names = root
            .get("Resources")
            .map(|r| r.entries().map(|(k, _)| k.to_string()).collect())
            .unwrap_or_default();
        let mut sam_generated = generated.clone();
        let mut sam_resources = HashSet::new();
        for (name, r) in root
            .get("Resources")
            .map(|r| r.entries())
            .into_iter()
            .flatten()
        {
            let ty = r.get("Type").and_then(Node::as_str).unwrap_or("");
            if ty.starts_with("AWS::Serverless::") {
                sam_resources.insert(name.to_string());
            }
            if ty == "AWS::Serverless::Function"
                && r.get("Properties").and_then(|p| p.get("Role")).is_none()
            {
                sam_generated.insert(format!("{name}Role"));
            }
        }
        Evaluator {
            path,
            params,
            mappings: root.get("Mappings"),
            conditions: root.get("Conditions"),
            resource_names,
            sam_generated,
            sam_resources,
            cond_cache: RefCell::new(HashMap::new()),
            visiting: RefCell::new(HashSet::new()),
            errors: RefCell::new(Vec::new()),
        }
    }

    /// Whether `name` is a resource SAM writes for the template (see `sam_generated`), or
    /// a referable property `Resource.Property` of a SAM resource.
    fn written_by_sam(&self, name: &str) -> bool {
        self.sam_generated.contains(name)
            || name
                .split_once('.')
                .is_some_and(|(base, _)| self.sam_resources.contains(base))
    }

    fn error(&self, pos: Pos, message: String) {
        let mut errors = self.errors.borrow_mut();
        if errors.len() < 100 {
            errors.push(ScanError::new(self.path, Some(pos.line), message));
        }
    }

    /// Evaluates a node; `None` is `AWS::NoValue` (the key or item disappears).
    pub(crate) fn eval(&self, node: &Node) -> Option<Value> {
        if let Some(tag) = node.tag.as_deref() {
            if let Some(short) = tag.strip_prefix('!').filter(|t| !t.starts_with('!')) {
                let name = match short {
                    "Ref" | "Condition" => short.to_string(),
                    other => format!("Fn::{other}"),
                };
                let mut untagged = node.clone();
                untagged.tag = None;
                return self.intrinsic(&name, &untagged, node.pos);
            }
        }
        match &node.kind {
            NodeKind::Scalar(s) => Some(Value::new(scalar_kind(s), node.pos)),
            NodeKind::Seq(items) => Some(Value::new(
                ValueKind::List(items.iter().filter_map(|i| self.eval(i)).collect()),
                node.pos,
            )),
            NodeKind::Map(entries) => {
                if entries.len() == 1 {
                    let key = entries[0].0.as_str().unwrap_or("");
                    if key == "Ref" || key.starts_with("Fn::") {
                        return self.intrinsic(key, &entries[0].1, node.pos);
                    }
                }
                Some(Value::new(
                    ValueKind::Map(
                        entries
                            .iter()
                            .filter_map(|(k, v)| {
                                self.eval(v)
                                    .map(|v| (k.as_str().unwrap_or("").to_string(), v))
                            })
                            .collect(),
                    ),
                    node.pos,
                ))
            }
        }
    }

    fn intrinsic(&self, name: &str, arg: &Node, pos: Pos) -> Option<Value> {
        let unknown = |text: String| Some(Value::unknown(text, pos));
        match name {
            "Ref" => {
                let target = arg.as_str().unwrap_or("");
                if target == "AWS::NoValue" {
                    return None;
                }
                if PSEUDO.contains(&target) {
                    return unknown(format!("${{{target}}}"));
                }
                if let Some(default) = self.params.get(target) {
                    return match default {
                        Some(d) => Some(Value::new(from_node(d).kind, pos)),
                        None => unknown(format!("${{{target}}}")),
                    };
                }
                if self.resource_names.contains(target) {
                    return Some(Value::new(
                        ValueKind::Ref {
                            target: target.to_string(),
                            attr: None,
                        },
                        pos,
                    ));
                }
                if self.written_by_sam(target) {
                    return unknown(format!("${{{target}}}"));
                }
                self.error(
                    pos,
                    format!("Ref to `{target}`, which is neither a parameter nor a resource of this template"),
                );
                unknown(format!("${{{target}}}"))
            }
            "Fn::GetAtt" => {
                let (target, attr) = match &arg.kind {
                    NodeKind::Scalar(s) => match s.value.split_once('.') {
                        Some((a, b)) => (a.to_string(), b.to_string()),
                        None => (s.value.clone(), String::new()),
                    },
                    NodeKind::Seq(items) if items.len() == 2 => (
                        items[0].as_str().unwrap_or("").to_string(),
                        items[1].as_str().unwrap_or("").to_string(),
                    ),
                    _ => return unknown("Fn::GetAtt".into()),
                };
                if self.resource_names.contains(&target) {
                    Some(Value::new(
                        ValueKind::Ref {
                            target,
                            attr: Some(attr),
                        },
                        pos,
                    ))
                } else if self.written_by_sam(&target) {
                    unknown(format!("${{{target}.{attr}}}"))
                } else {
                    self.error(
                        pos,
                        format!(
                            "Fn::GetAtt on `{target}`, which is not a resource of this template"
                        ),
                    );
                    unknown(format!("${{{target}.{attr}}}"))
                }
            }
            "Fn::Sub" => {
                let (template, vars) = match &arg.kind {
                    NodeKind::Scalar(s) => (s.value.clone(), None),
                    NodeKind::Seq(items) if !items.is_empty() => (
                        items[0].as_str().unwrap_or("").to_string(),
                        items.get(1).and_then(|v| self.eval(v)),
                    ),
                    _ => return unknown("Fn::Sub".into()),
                };
                Some(self.sub(&template, vars.as_ref(), pos))
            }
            "Fn::Join" => {
                let items: Vec<&Node> = arg.items().collect();
                if items.len() != 2 {
                    return unknown("Fn::Join".into());
                }
                let delim = items[0].as_str().unwrap_or("");
                let list = self.eval(items[1])?;
                let mut parts = Vec::new();
                let mut known = matches!(list.kind, ValueKind::List(_));
                for p in list.items() {
                    match p.as_text() {
                        Some(t) => parts.push(t),
                        None => {
                            known = false;
                            parts.push(format!("${{{}}}", p.display()));
                        }
                    }
                }
                let text = parts.join(delim);
                Some(if known {
                    Value::str(text, pos)
                } else {
                    Value::unknown(text, pos)
                })
            }
            "Fn::If" => {
                let items: Vec<&Node> = arg.items().collect();
                if items.len() != 3 {
                    return unknown("Fn::If".into());
                }
                match self.condition(items[0].as_str().unwrap_or(""), items[0].pos) {
                    Some(true) => self.eval(items[1]),
                    Some(false) => self.eval(items[2]),
                    None => {
                        let a = self.eval(items[1]);
                        let b = self.eval(items[2]);
                        match (a, b) {
                            (Some(a), Some(b)) if a.kind == b.kind => Some(a),
                            _ => unknown(format!("Fn::If {}", items[0].as_str().unwrap_or(""))),
                        }
                    }
                }
            }
            "Fn::Select" => {
                let items: Vec<&Node> = arg.items().collect();
                if items.len() != 2 {
                    return unknown("Fn::Select".into());
                }
                let index = self.eval(items[0]).and_then(|v| v.as_i64());
                let list = self.eval(items[1]);
                match (index, list) {
                    (Some(i), Some(l)) if i >= 0 && matches!(l.kind, ValueKind::List(_)) => l
                        .items()
                        .get(i as usize)
                        .cloned()
                        .or_else(|| unknown("Fn::Select".into())),
                    _ => unknown("Fn::Select".into()),
                }
            }
            "Fn::FindInMap" => {
                let items: Vec<&Node> = arg.items().collect();
                if items.len() < 3 {
                    return unknown("Fn::FindInMap".into());
                }
                let keys: Vec<Option<String>> = items[..3]
                    .iter()
                    .map(|n| self.eval(n).and_then(|v| v.as_text()))
                    .collect();
                match (&keys[0], &keys[1], &keys[2], self.mappings) {
                    (Some(a), Some(b), Some(c), Some(m)) => match m.path(&[a, b, c]) {
                        Some(found) => self.eval(found).map(|v| Value::new(v.kind, pos)),
                        None => unknown("Fn::FindInMap".into()),
                    },
                    _ => unknown("Fn::FindInMap".into()),
                }
            }
            "Fn::Equals" | "Fn::And" | "Fn::Or" | "Fn::Not" | "Condition" => {
                match self.condition_expr(name, arg, pos) {
                    Some(b) => Some(Value::new(ValueKind::Bool(b), pos)),
                    None => unknown(name.to_string()),
                }
            }
            other => unknown(other.to_string()),
        }
    }

    fn sub(&self, template: &str, vars: Option<&Value>, pos: Pos) -> Value {
        let mut out = String::new();
        let mut known = true;
        let mut rest = template;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                out.push_str(&rest[start..]);
                rest = "";
                break;
            };
            let name = &after[..end];
            rest = &after[end + 1..];
            if let Some(literal) = name.strip_prefix('!') {
                out.push_str("${");
                out.push_str(literal);
                out.push('}');
                continue;
            }
            let value = vars
                .and_then(|v| v.get(name))
                .and_then(Value::as_text)
                .or_else(|| match self.params.get(name) {
                    Some(Some(d)) => d.as_str().map(str::to_string),
                    _ => None,
                });
            match value {
                Some(v) => out.push_str(&v),
                None => {
                    known = false;
                    let base = name.split('.').next().unwrap_or(name);
                    if !self.params.contains_key(base)
                        && !self.resource_names.contains(base)
                        && !self.written_by_sam(base)
                        && !self.written_by_sam(name.rsplit_once('.').map_or(name, |(b, _)| b))
                        && !PSEUDO.contains(&name)
                        && vars.and_then(|v| v.get(name)).is_none()
                    {
                        self.error(
                            pos,
                            format!(
                                "Fn::Sub refers to `{name}`, which is not defined in this template"
                            ),
                        );
                    }
                    out.push_str("${");
                    out.push_str(name);
                    out.push('}');
                }
            }
        }
        out.push_str(rest);
        if known {
            Value::str(out, pos)
        } else {
            Value::unknown(out, pos)
        }
    }

    /// The value of a named condition; `None` when it depends on something unknowable.
    pub(super) fn condition(&self, name: &str, pos: Pos) -> Option<bool> {
        if let Some(v) = self.cond_cache.borrow().get(name) {
            return *v;
        }
        if !self.visiting.borrow_mut().insert(name.to_string()) {
            self.error(
                pos,
                format!("condition `{name}` refers to itself (circular reference)"),
            );
            return None;
        }
        let result = match self.conditions.and_then(|c| c.get(name)) {
            Some(node) => self.condition_node(node),
            None => {
                self.error(pos, format!("condition `{name}` is not defined"));
                None
            }
        };
        self.visiting.borrow_mut().remove(name);
        self.cond_cache
            .borrow_mut()
            .insert(name.to_string(), result);
        result
    }

    fn condition_node(&self, node: &Node) -> Option<bool> {
        if let Some(tag) = node.tag.as_deref().and_then(|t| t.strip_prefix('!')) {
            let name = if tag == "Condition" {
                tag.to_string()
            } else {
                format!("Fn::{tag}")
            };
            let mut untagged = node.clone();
            untagged.tag = None;
            return self.condition_expr(&name, &untagged, node.pos);
        }
        match &node.kind {
            NodeKind::Map(entries) if entries.len() == 1 => {
                let key = entries[0].0.as_str().unwrap_or("");
                self.condition_expr(key, &entries[0].1, node.pos)
            }
            _ => self.eval(node).and_then(|v| v.as_bool()),
        }
    }

    fn condition_expr(&self, name: &str, arg: &Node, pos: Pos) -> Option<bool> {
        match name {
            "Condition" => self.condition(arg.as_str().unwrap_or(""), pos),
            "Fn::Not" => arg
                .items()
                .next()
                .and_then(|n| self.condition_node(n))
                .map(|b| !b),
            "Fn::And" => {
                let mut all = Some(true);
                for n in arg.items() {
                    match self.condition_node(n) {
                        Some(false) => return Some(false),
                        None => all = None,
                        _ => {}
                    }
                }
                all
            }
            "Fn::Or" => {
                let mut any = Some(false);
                for n in arg.items() {
                    match self.condition_node(n) {
                        Some(true) => return Some(true),
                        None => any = None,
                        _ => {}
                    }
                }
                any
            }
            "Fn::Equals" => {
                let items: Vec<&Node> = arg.items().collect();
                if items.len() != 2 {
                    return None;
                }
                let a = self.eval(items[0])?.as_text()?;
                let b = self.eval(items[1])?.as_text()?;
                Some(a == b)
            }
            _ => self.eval(arg).and_then(|v| v.as_bool()),
        }
    }
}
