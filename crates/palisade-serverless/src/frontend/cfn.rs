//! CloudFormation and SAM templates (YAML with short-form tags, or JSON) into an [`Inventory`].
//!
//! Intrinsic functions are evaluated against parameter defaults, mappings and conditions
//! where the result is knowable; `Ref`/`Fn::GetAtt` to resources of the template become
//! [`ValueKind::Ref`] so functions can be linked to their roles, URLs and log groups; the
//! rest is [`ValueKind::Unknown`]. SAM `Globals` are merged into each function and API the
//! way the SAM translator does (the resource's own settings win, maps are merged).

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use palisade_core::ScanError;
use palisade_yaml::{Node, NodeKind};

use crate::iam;
use crate::model::*;
use crate::policy_templates::{self, ParamValue};
use crate::value::{from_node, scalar_kind, Pos, Value, ValueKind};

/// Resource types that only live inside a VPC: a function reaching them must be in one.
const VPC_ONLY_TYPES: &[&str] = &[
    "AWS::RDS::DBInstance",
    "AWS::RDS::DBCluster",
    "AWS::ElastiCache::CacheCluster",
    "AWS::ElastiCache::ReplicationGroup",
    "AWS::Redshift::Cluster",
    "AWS::DocDB::DBCluster",
    "AWS::Neptune::DBCluster",
    "AWS::MemoryDB::Cluster",
    "AWS::EFS::FileSystem",
];

/// Whether a parsed YAML/JSON root looks like a CloudFormation or SAM template.
pub fn is_template(root: &Node) -> bool {
    if root.get("AWSTemplateFormatVersion").is_some() {
        return true;
    }
    let Some(resources) = root.get("Resources") else {
        return false;
    };
    resources.entries().any(|(_, r)| {
        r.get("Type")
            .and_then(Node::as_str)
            .is_some_and(|t| t.starts_with("AWS::") || t.starts_with("Custom::"))
    })
}

/// Whether the template uses the SAM transform.
pub fn is_sam(root: &Node) -> bool {
    match root.get("Transform") {
        Some(t) => {
            t.as_str().is_some_and(|s| s.starts_with("AWS::Serverless"))
                || t.items()
                    .any(|i| i.as_str().is_some_and(|s| s.starts_with("AWS::Serverless")))
        }
        None => false,
    }
}

struct Resource {
    name: String,
    kind: String,
    pos: Pos,
    props: Value,
}

/// Evaluates intrinsic functions of one template.
pub(crate) struct Evaluator<'a> {
    path: &'a str,
    params: HashMap<String, Option<&'a Node>>,
    mappings: Option<&'a Node>,
    conditions: Option<&'a Node>,
    resource_names: HashSet<String>,
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
    fn new(path: &'a str, root: &'a Node) -> Self {
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
        Evaluator {
            path,
            params,
            mappings: root.get("Mappings"),
            conditions: root.get("Conditions"),
            resource_names,
            cond_cache: RefCell::new(HashMap::new()),
            visiting: RefCell::new(HashSet::new()),
            errors: RefCell::new(Vec::new()),
        }
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
    fn condition(&self, name: &str, pos: Pos) -> Option<bool> {
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

/// Deep-merges SAM `Globals` under a resource's own properties.
fn merge(global: &Value, local: &Value) -> Value {
    match (&global.kind, &local.kind) {
        (ValueKind::Map(g), ValueKind::Map(l)) => {
            let mut out: Vec<(String, Value)> = Vec::new();
            for (k, gv) in g {
                match local.get(k) {
                    Some(lv) => out.push((k.clone(), merge(gv, lv))),
                    None => out.push((k.clone(), gv.clone())),
                }
            }
            for (k, lv) in l {
                if global.get(k).is_none() {
                    out.push((k.clone(), lv.clone()));
                }
            }
            Value::new(ValueKind::Map(out), local.pos)
        }
        _ => local.clone(),
    }
}

/// Service principals that invoke functions asynchronously (a `Lambda::Permission` for one
/// of them means the function has an asynchronous trigger).
pub(crate) const ASYNC_INVOKERS: &[&str] = &[
    "s3.amazonaws.com",
    "sns.amazonaws.com",
    "events.amazonaws.com",
    "scheduler.amazonaws.com",
    "logs.amazonaws.com",
    "iot.amazonaws.com",
    "ses.amazonaws.com",
    "codecommit.amazonaws.com",
    "config.amazonaws.com",
];

/// Whether an event source ARN is a Kinesis or DynamoDB stream: a literal ARN, or a
/// reference to a stream or table of the template.
fn is_stream_source(arn: Option<&Value>, types: &HashMap<String, String>) -> bool {
    let Some(arn) = arn else { return false };
    if let Some(t) = arn.ref_target() {
        return matches!(
            types.get(t).map(String::as_str),
            Some("AWS::Kinesis::Stream" | "AWS::DynamoDB::Table")
        );
    }
    let text = arn.display();
    text.contains(":kinesis:") || text.contains(":dynamodb:")
}

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

/// Builds the inventory of a CloudFormation/SAM template.
pub fn build(path: &str, root: &Node) -> (Inventory, Vec<ScanError>) {
    let ev = Evaluator::new(path, root);
    let sam = is_sam(root);
    let mut inv = Inventory::new(
        path,
        if sam {
            Format::Sam
        } else {
            Format::CloudFormation
        },
    );
    let globals = root.get("Globals").and_then(|g| ev.eval(g));
    let mut errors = Vec::new();

    let mut resources: Vec<Resource> = Vec::new();
    if let Some(res) = root.get("Resources") {
        if let NodeKind::Map(entries) = &res.kind {
            for (key, body) in entries {
                let name = key.as_str().unwrap_or("").to_string();
                let Some(kind) = body.get("Type").and_then(Node::as_str) else {
                    errors.push(ScanError::new(
                        path,
                        Some(key.pos.line),
                        format!("resource `{name}` has no Type"),
                    ));
                    continue;
                };
                // Skip resources whose Condition is known to be false: they are not deployed.
                if let Some(c) = body.get("Condition").and_then(Node::as_str) {
                    if ev.condition(c, key.pos) == Some(false) {
                        continue;
                    }
                }
                if !is_interesting(kind) && !crate::platform::wants_cfn(kind) {
                    continue;
                }
                let props = body
                    .get("Properties")
                    .and_then(|p| ev.eval(p))
                    .unwrap_or_else(|| Value::new(ValueKind::Map(Vec::new()), key.pos));
                resources.push(Resource {
                    name,
                    kind: kind.to_string(),
                    pos: key.pos,
                    props,
                });
            }
        }
    }
    let types: HashMap<String, String> = root
        .get("Resources")
        .map(|r| {
            r.entries()
                .filter_map(|(k, v)| Some((k.to_string(), v.get("Type")?.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default();
    Builder {
        inv: &mut inv,
        types: &types,
        globals: globals.as_ref(),
        role_index: HashMap::new(),
        function_index: HashMap::new(),
        apis: HashMap::new(),
        managed_documents: HashMap::new(),
    }
    .run(&resources);
    // Parameters and Outputs, unevaluated, for the platform's secret rule.
    let sections: Vec<(&str, String, Value)> = ["Parameters", "Outputs"]
        .iter()
        .flat_map(|section| {
            root.get(section)
                .map(|s| {
                    s.entries()
                        .map(|(k, v)| (*section, k.to_string(), crate::value::from_node(v)))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
        .collect();
    inv.platform = crate::platform::from_cfn(
        resources
            .iter()
            .map(|r| crate::platform::SourceResource {
                id: format!("{}/{}", r.kind, r.name),
                key: &r.name,
                rtype: &r.kind,
                pos: r.pos,
                body: &r.props,
            })
            .chain(
                sections
                    .iter()
                    .map(|(section, name, v)| crate::platform::SourceResource {
                        id: format!("{section}/{name}"),
                        key: name,
                        rtype: section,
                        pos: v.pos,
                        body: v,
                    }),
            ),
    );
    errors.extend(ev.errors.into_inner());
    (inv, errors)
}

fn is_interesting(kind: &str) -> bool {
    kind.starts_with("AWS::Lambda::")
        || kind.starts_with("AWS::Serverless::")
        || kind.starts_with("AWS::IAM::")
        || kind.starts_with("AWS::ApiGateway")
        || kind.starts_with("AWS::EC2::SecurityGroup")
        || kind == "AWS::Logs::LogGroup"
        // Asynchronous triggers wired as their own resources (LOG004).
        || matches!(
            kind,
            "AWS::SNS::Subscription"
                | "AWS::SNS::Topic"
                | "AWS::S3::Bucket"
                | "AWS::Events::Rule"
                | "AWS::Scheduler::Schedule"
                | "AWS::Logs::SubscriptionFilter"
        )
}

struct Builder<'a> {
    inv: &'a mut Inventory,
    types: &'a HashMap<String, String>,
    globals: Option<&'a Value>,
    role_index: HashMap<String, usize>,
    function_index: HashMap<String, usize>,
    /// SAM APIs by name, with `Globals` merged in.
    apis: HashMap<String, Value>,
    /// `AWS::IAM::ManagedPolicy` documents by resource name, for permissions boundaries.
    managed_documents: HashMap<String, Value>,
}

impl Builder<'_> {
    fn run(mut self, resources: &[Resource]) {
        for r in resources
            .iter()
            .filter(|r| r.kind == "AWS::IAM::ManagedPolicy")
        {
            if let Some(doc) = r.props.get("PolicyDocument") {
                self.managed_documents.insert(r.name.clone(), doc.clone());
            }
        }
        // Roles first so functions can point at them.
        for r in resources.iter().filter(|r| r.kind == "AWS::IAM::Role") {
            let mut role = Role::new(format!("AWS::IAM::Role/{}", r.name), r.name.clone(), r.pos);
            for p in r
                .props
                .get("Policies")
                .map(Value::items)
                .unwrap_or_default()
            {
                let name = p.get("PolicyName").map(Value::display).unwrap_or_default();
                if let Some(doc) = p.get("PolicyDocument") {
                    role.statements.extend(iam::statements(doc, &name));
                }
            }
            for m in r
                .props
                .get("ManagedPolicyArns")
                .map(Value::items)
                .unwrap_or_default()
            {
                self.managed(&mut role, m, resources);
            }
            role.boundary = r.props.get("PermissionsBoundary").map(|b| self.boundary(b));
            self.role_index.insert(r.name.clone(), self.inv.roles.len());
            self.inv.roles.push(role);
        }
        for r in resources
            .iter()
            .filter(|r| r.kind == "AWS::IAM::Policy" || r.kind == "AWS::IAM::ManagedPolicy")
        {
            let Some(doc) = r.props.get("PolicyDocument") else {
                continue;
            };
            for role in r.props.get("Roles").map(Value::items).unwrap_or_default() {
                if let Some(&i) = role.ref_target().and_then(|t| self.role_index.get(t)) {
                    self.inv.roles[i]
                        .statements
                        .extend(iam::statements(doc, &r.name));
                }
            }
        }
        for r in resources {
            let section = match r.kind.as_str() {
                "AWS::Serverless::Api" => "Api",
                "AWS::Serverless::HttpApi" => "HttpApi",
                _ => continue,
            };
            let props = self.with_globals(section, &r.props);
            self.apis.insert(r.name.clone(), props);
        }
        for r in resources {
            match r.kind.as_str() {
                "AWS::Lambda::Function" => self.lambda(r),
                "AWS::Serverless::Function" => self.sam_function(r),
                _ => {}
            }
        }
        for r in resources {
            match r.kind.as_str() {
                "AWS::Lambda::Url" => self.url(r),
                "AWS::Lambda::Permission" => {
                    self.permission(r);
                    if let Some(service) = r
                        .props
                        .get("Principal")
                        .and_then(Value::as_str)
                        .filter(|p| ASYNC_INVOKERS.contains(p))
                    {
                        self.async_trigger(
                            r.props.get("FunctionName"),
                            &format!("Lambda::Permission for {service}"),
                            r.pos,
                        );
                    }
                }
                "AWS::Lambda::EventInvokeConfig" => {
                    if let Some(i) = self.function_of(r.props.get("FunctionName")) {
                        if let Some(d) =
                            r.props
                                .path(&["DestinationConfig", "OnFailure", "Destination"])
                        {
                            self.inv.functions[i].dead_letter = Attr::Set(d.display(), d.pos);
                        }
                    }
                }
                "AWS::Lambda::EventSourceMapping" => {
                    if let Some(i) = self.function_of(r.props.get("FunctionName")) {
                        let mut t = Trigger::new(TriggerKind::Poll, "EventSourceMapping", r.pos);
                        t.stream = is_stream_source(r.props.get("EventSourceArn"), self.types);
                        if let Some(d) =
                            r.props
                                .path(&["DestinationConfig", "OnFailure", "Destination"])
                        {
                            t.on_failure = Attr::Set(d.display(), d.pos);
                        }
                        self.inv.functions[i].triggers.push(t);
                    }
                }
                // Services that invoke a function asynchronously, wired by their own
                // resources rather than by a SAM event.
                "AWS::SNS::Subscription" => {
                    let lambda = r
                        .props
                        .get("Protocol")
                        .and_then(Value::as_str)
                        .is_some_and(|p| p.eq_ignore_ascii_case("lambda"));
                    if lambda {
                        self.async_trigger(r.props.get("Endpoint"), "SNS::Subscription", r.pos);
                    }
                }
                "AWS::SNS::Topic" => {
                    for sub in r
                        .props
                        .get("Subscription")
                        .map(Value::items)
                        .unwrap_or_default()
                    {
                        let lambda = sub
                            .get("Protocol")
                            .and_then(Value::as_str)
                            .is_some_and(|p| p.eq_ignore_ascii_case("lambda"));
                        if lambda {
                            self.async_trigger(sub.get("Endpoint"), "SNS::Topic", sub.pos);
                        }
                    }
                }
                "AWS::S3::Bucket" => {
                    for c in r
                        .props
                        .path(&["NotificationConfiguration", "LambdaConfigurations"])
                        .map(Value::items)
                        .unwrap_or_default()
                    {
                        self.async_trigger(c.get("Function"), "S3::Bucket notification", c.pos);
                    }
                }
                "AWS::Events::Rule" => {
                    for t in r.props.get("Targets").map(Value::items).unwrap_or_default() {
                        self.async_trigger(t.get("Arn"), "Events::Rule", t.pos);
                    }
                }
                "AWS::Scheduler::Schedule" => {
                    let target = r.props.path(&["Target", "Arn"]);
                    self.async_trigger(target, "Scheduler::Schedule", r.pos);
                }
                "AWS::Logs::SubscriptionFilter" => {
                    let target = r.props.get("DestinationArn");
                    self.async_trigger(target, "Logs::SubscriptionFilter", r.pos);
                }
                "AWS::ApiGateway::Method" => self.rest_method(r),
                "AWS::ApiGatewayV2::Route" => self.http_route(r),
                "AWS::ApiGateway::Stage" => self.inv.stages.push(ApiStage {
                    resource: format!("AWS::ApiGateway::Stage/{}", r.name),
                    kind: EndpointKind::RestApi,
                    access_logging: logging_attr(r.props.get("AccessLogSetting"), r.pos),
                    pos: r.pos,
                }),
                "AWS::ApiGatewayV2::Stage" => self.inv.stages.push(ApiStage {
                    resource: format!("AWS::ApiGatewayV2::Stage/{}", r.name),
                    kind: EndpointKind::HttpApi,
                    access_logging: logging_attr(r.props.get("AccessLogSettings"), r.pos),
                    pos: r.pos,
                }),
                "AWS::Serverless::Api" => {
                    let props = self.with_globals("Api", &r.props);
                    self.inv.stages.push(ApiStage {
                        resource: format!("AWS::Serverless::Api/{}", r.name),
                        kind: EndpointKind::RestApi,
                        access_logging: logging_attr(props.get("AccessLogSetting"), r.pos),
                        pos: r.pos,
                    });
                }
                "AWS::Serverless::HttpApi" => {
                    let props = self.with_globals("HttpApi", &r.props);
                    self.inv.stages.push(ApiStage {
                        resource: format!("AWS::Serverless::HttpApi/{}", r.name),
                        kind: EndpointKind::HttpApi,
                        access_logging: logging_attr(props.get("AccessLogSettings"), r.pos),
                        pos: r.pos,
                    });
                }
                "AWS::Logs::LogGroup" => self.log_group(r),
                "AWS::EC2::SecurityGroup" => self.security_group(r),
                _ => {}
            }
        }
        self.link_layers(resources);
        for r in resources {
            if r.kind == "AWS::EC2::SecurityGroupIngress"
                || r.kind == "AWS::EC2::SecurityGroupEgress"
            {
                let dir = if r.kind.ends_with("Ingress") {
                    Direction::Ingress
                } else {
                    Direction::Egress
                };
                let resource = format!("{}/{}", r.kind, r.name);
                let rules = sg_rules(&r.props, dir, &resource);
                self.inv.security_groups.push(SecurityGroup {
                    resource,
                    pos: r.pos,
                    rules,
                });
            }
        }
    }

    /// Whether the layers of this template that functions use may be read by any account:
    /// an `AWS::Lambda::LayerVersionPermission` with `Principal: "*"` and no
    /// `OrganizationId` opens the version its `LayerVersionArn` names.
    fn link_layers(&mut self, resources: &[Resource]) {
        let template_layers: HashSet<String> = resources
            .iter()
            .filter(|r| {
                matches!(
                    r.kind.as_str(),
                    "AWS::Lambda::LayerVersion" | "AWS::Serverless::LayerVersion"
                )
            })
            .map(|r| r.name.clone())
            .collect();
        let public: HashSet<String> = resources
            .iter()
            .filter(|r| r.kind == "AWS::Lambda::LayerVersionPermission")
            .filter(|r| {
                r.props.get("Principal").and_then(Value::as_str) == Some("*")
                    && r.props.get("OrganizationId").is_none()
            })
            .filter_map(|r| {
                let layer = r.props.get("LayerVersionArn")?;
                Some(
                    layer
                        .ref_target()
                        .map(str::to_string)
                        .unwrap_or_else(|| layer.display()),
                )
            })
            .collect();
        crate::model::link_layers(&mut self.inv.functions, &template_layers, &public);
    }

    /// A `PermissionsBoundary`: its statements when it is a managed policy of this
    /// template, else only its ARN (what it allows is not known here).
    fn boundary(&self, b: &Value) -> Boundary {
        let statements = b
            .ref_target()
            .and_then(|t| self.managed_documents.get_key_value(t))
            .map(|(name, doc)| iam::statements(doc, name));
        let text = match &b.kind {
            ValueKind::Unknown(t) => t.clone(),
            _ => b.display(),
        };
        Boundary {
            policy: Spanned {
                value: text,
                pos: b.pos,
            },
            statements,
        }
    }

    fn with_globals(&self, section: &str, props: &Value) -> Value {
        match self.globals.and_then(|g| g.get(section)) {
            Some(g) => merge(g, props),
            None => props.clone(),
        }
    }

    fn managed(&self, role: &mut Role, m: &Value, resources: &[Resource]) {
        if let Some(target) = m.ref_target() {
            if let Some(p) = resources
                .iter()
                .find(|r| r.name == target && r.kind == "AWS::IAM::ManagedPolicy")
            {
                if let Some(doc) = p.props.get("PolicyDocument") {
                    role.statements.extend(iam::statements(doc, &p.name));
                }
            }
            return;
        }
        // `!Sub arn:${AWS::Partition}:iam::aws:policy/X` stays unknown but still names X.
        let text = match &m.kind {
            ValueKind::Unknown(t) => Some(t.clone()),
            _ => m.as_text(),
        };
        if let Some(s) = text {
            role.managed_policies.push(Spanned {
                value: s,
                pos: m.pos,
            });
        }
    }

    /// Records an asynchronous trigger on the function `target` points at, if it is one
    /// of this template's.
    fn async_trigger(&mut self, target: Option<&Value>, source: &str, pos: Pos) {
        if let Some(i) = self.function_of(target) {
            self.inv.functions[i]
                .triggers
                .push(Trigger::new(TriggerKind::Async, source, pos));
        }
    }

    fn function_of(&self, v: Option<&Value>) -> Option<usize> {
        let v = v?;
        if let Some(t) = v.ref_target() {
            return self.function_index.get(t).copied();
        }
        // `!Sub ${Fn.Arn}` or a literal function name.
        let text = v.display();
        let mut rest = text.as_str();
        while let Some(start) = rest.find("${") {
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else { break };
            let name = after[..end].trim_end_matches(".Arn");
            if let Some(&i) = self.function_index.get(name) {
                return Some(i);
            }
            rest = &after[end + 1..];
        }
        self.function_index.get(text.as_str()).copied()
    }

    fn common(&mut self, f: &mut Function, p: &Value) {
        f.runtime = attr_str(p.get("Runtime"));
        f.handler = attr_str(p.get("Handler"));
        f.image = p.get("PackageType").and_then(Value::as_str) == Some("Image")
            || p.get("ImageUri").is_some();
        if let Some(env) = p.get("Environment") {
            f.environment_pos = Some(env.pos);
            f.environment = env_vars(env.get("Variables"));
            for var in env.get("Variables").map(Value::entries).unwrap_or_default() {
                if let Some(t) = var.1.ref_target() {
                    if self
                        .types
                        .get(t)
                        .is_some_and(|ty| VPC_ONLY_TYPES.contains(&ty.as_str()))
                    {
                        f.vpc_only_targets.push(Spanned {
                            value: t.to_string(),
                            pos: var.1.pos,
                        });
                    }
                }
            }
        }
        f.kms_key = attr_str(p.get("KmsKeyArn"));
        f.timeout = attr_i64(p.get("Timeout"));
        f.memory = attr_i64(p.get("MemorySize"));
        f.reserved_concurrency = attr_i64(p.get("ReservedConcurrentExecutions"));
        f.code_signing = attr_str(p.get("CodeSigningConfigArn"));
        // a layer of this template by its logical id (linked to its permissions later),
        // another as its ARN
        f.layers = p
            .get("Layers")
            .map(Value::items)
            .unwrap_or_default()
            .iter()
            .map(|l| LayerRef {
                arn: Spanned {
                    value: l
                        .ref_target()
                        .map(str::to_string)
                        .unwrap_or_else(|| l.display()),
                    pos: l.pos,
                },
                public: None,
            })
            .collect();
        if let Some(v) = p.get("VpcConfig") {
            if v.is_unknown() {
                f.vpc = Attr::Unknown(v.pos);
            } else {
                let subnets = v
                    .get("SubnetIds")
                    .map(|s| s.one_or_many().len())
                    .unwrap_or(0);
                let sgs = v
                    .get("SecurityGroupIds")
                    .map(|s| s.one_or_many().iter().map(|x| x.display()).collect())
                    .unwrap_or_default();
                f.vpc = Attr::Set(
                    VpcConfig {
                        subnets,
                        security_groups: sgs,
                    },
                    v.pos,
                );
            }
        }
        if let Some(lg) = p.path(&["LoggingConfig", "LogGroup"]) {
            // Linked to its log group after log groups are read.
            f.log_retention_days = Attr::Unknown(lg.pos);
        }
        if let Some(role) = p.get("Role") {
            if let Some(t) = role.ref_target() {
                f.role = self.role_index.get(t).copied();
                f.role_ref = Attr::Set(t.to_string(), role.pos);
            } else {
                f.role_ref = attr_str(Some(role));
            }
        }
    }

    fn lambda(&mut self, r: &Resource) {
        let p = &r.props;
        let mut f = Function::new(
            format!("AWS::Lambda::Function/{}", r.name),
            r.name.clone(),
            Cloud::Aws,
            r.pos,
        );
        self.common(&mut f, p);
        f.tracing = match p.path(&["TracingConfig", "Mode"]) {
            Some(m) => match m.as_str() {
                Some(s) => Attr::Set(s == "Active", m.pos),
                None => Attr::Unknown(m.pos),
            },
            None => Attr::Unset,
        };
        if let Some(d) = p.path(&["DeadLetterConfig", "TargetArn"]) {
            f.dead_letter = Attr::Set(d.display(), d.pos);
        }
        self.function_index
            .insert(r.name.clone(), self.inv.functions.len());
        self.inv.functions.push(f);
    }

    fn sam_function(&mut self, r: &Resource) {
        let p = self.with_globals("Function", &r.props);
        let mut f = Function::new(
            format!("AWS::Serverless::Function/{}", r.name),
            r.name.clone(),
            Cloud::Aws,
            r.pos,
        );
        self.common(&mut f, &p);
        f.tracing = match p.get("Tracing") {
            Some(m) => match m.as_str() {
                Some(s) => Attr::Set(s == "Active", m.pos),
                None => Attr::Unknown(m.pos),
            },
            None => Attr::Unset,
        };
        f.provisioned_concurrency = attr_i64(p.path(&[
            "ProvisionedConcurrencyConfig",
            "ProvisionedConcurrentExecutions",
        ]));
        if let Some(d) = p.path(&["DeadLetterQueue", "TargetArn"]) {
            f.dead_letter = Attr::Set(d.display(), d.pos);
        } else if let Some(d) = p.path(&["EventInvokeConfig", "DestinationConfig", "OnFailure"]) {
            f.dead_letter = Attr::Set(
                d.get("Destination").map(Value::display).unwrap_or_default(),
                d.pos,
            );
        }
        if let Some(u) = p.get("FunctionUrlConfig") {
            f.url = Some(FunctionUrl {
                auth_type: attr_str(u.get("AuthType")),
                cors: cors_of(u.get("Cors"), "AllowOrigins", "AllowCredentials"),
                pos: u.get("AuthType").map(|a| a.pos).unwrap_or(u.pos),
            });
        }
        // Without `Role`, SAM creates one role per function from `Policies`.
        if p.get("Role").is_none() {
            let mut role = Role::new(
                format!("AWS::IAM::Role/{}Role", r.name),
                format!("{}Role", r.name),
                r.pos,
            );
            if let Some(policies) = p.get("Policies") {
                for item in policies.one_or_many() {
                    self.sam_policy(&mut role, item);
                }
            }
            role.boundary = p.get("PermissionsBoundary").map(|b| self.boundary(b));
            f.role = Some(self.inv.roles.len());
            f.role_ref = Attr::Set(role.name.clone(), r.pos);
            self.inv.roles.push(role);
        }
        let index = self.inv.functions.len();
        for (event_name, event) in p.get("Events").map(Value::entries).unwrap_or_default() {
            self.sam_event(&mut f, index, event_name, event);
        }
        self.function_index.insert(r.name.clone(), index);
        self.inv.functions.push(f);
    }

    fn sam_policy(&self, role: &mut Role, item: &Value) {
        match &item.kind {
            ValueKind::Str(s) | ValueKind::Unknown(s) => role.managed_policies.push(Spanned {
                value: s.clone(),
                pos: item.pos,
            }),
            ValueKind::Map(entries) => {
                if item.get("Statement").is_some() {
                    role.statements
                        .extend(iam::statements(item, "inline policy"));
                } else if let Some((name, params)) = entries.first() {
                    let param = |p: &str| -> Option<ParamValue> {
                        let v = params.get(p)?;
                        Some(match v.as_text() {
                            Some(t) => ParamValue::Text(t),
                            None => ParamValue::Reference(v.display()),
                        })
                    };
                    match policy_templates::expand(name, &param, item.pos) {
                        Some(st) => role.statements.extend(st),
                        None => role.statements.push(PolicyStatement {
                            allow: true,
                            has_unknown: true,
                            source: name.clone(),
                            pos: item.pos,
                            ..PolicyStatement::default()
                        }),
                    }
                }
            }
            _ => {}
        }
    }

    fn sam_event(&mut self, f: &mut Function, index: usize, name: &str, event: &Value) {
        let ty = event
            .get("Type")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let props = event.get("Properties");
        let kind = match ty.as_str() {
            "Api" | "HttpApi" => TriggerKind::Http,
            // Cognito and Alexa invoke synchronously: the caller sees the error.
            "S3" | "SNS" | "EventBridgeRule" | "CloudWatchEvent" | "Schedule" | "ScheduleV2"
            | "IoTRule" | "CloudWatchLogs" => TriggerKind::Async,
            "SQS" | "Kinesis" | "DynamoDB" | "MSK" | "MQ" | "SelfManagedKafka" | "DocumentDB" => {
                TriggerKind::Poll
            }
            _ => TriggerKind::Other,
        };
        let mut trigger = Trigger::new(kind, ty.clone(), event.pos);
        if matches!(ty.as_str(), "Kinesis" | "DynamoDB") {
            trigger.stream = true;
            if let Some(d) =
                props.and_then(|p| p.path(&["DestinationConfig", "OnFailure", "Destination"]))
            {
                trigger.on_failure = Attr::Set(d.display(), d.pos);
            }
        }
        f.triggers.push(trigger);
        if kind != TriggerKind::Http {
            return;
        }
        let empty = Value::new(ValueKind::Map(Vec::new()), event.pos);
        let props = props.unwrap_or(&empty);
        let method = props
            .get("Method")
            .map(Value::display)
            .unwrap_or_else(|| "ANY".into());
        let route_path = props
            .get("Path")
            .map(Value::display)
            .unwrap_or_else(|| "/".into());
        let (id_key, kind) = if ty == "Api" {
            ("RestApiId", EndpointKind::RestApi)
        } else {
            ("ApiId", EndpointKind::HttpApi)
        };
        let section = if ty == "Api" { "Api" } else { "HttpApi" };
        // The API's own settings: an explicit API resource, or the implicit one SAM creates
        // from `Globals`. An API we cannot see (imported, unknown) leaves the auth unknown.
        let api_props: Option<Value> = match props.get(id_key) {
            Some(id) => id.ref_target().and_then(|t| self.apis.get(t)).cloned(),
            None => Some(self.with_globals(section, &empty)),
        };
        let auth = match &api_props {
            Some(api) => {
                endpoint_auth_sam(props.get("Auth"), api.get("Auth"), ty == "Api", event.pos)
            }
            None => match endpoint_auth_sam(props.get("Auth"), None, ty == "Api", event.pos) {
                Attr::Set(EndpointAuth::None, p)
                    if props.path(&["Auth", "Authorizer"]).is_none() =>
                {
                    Attr::Unknown(p)
                }
                other => other,
            },
        };
        let cors = api_props.as_ref().and_then(|a| {
            if ty == "Api" {
                cors_of(a.get("Cors"), "AllowOrigin", "AllowCredentials")
            } else {
                cors_of(
                    a.get("CorsConfiguration"),
                    "AllowOrigins",
                    "AllowCredentials",
                )
            }
        });
        if props.get(id_key).is_none()
            && ty == "Api"
            && !self
                .inv
                .stages
                .iter()
                .any(|s| s.resource.ends_with("/ServerlessRestApi"))
        {
            let g = self.with_globals("Api", &empty);
            self.inv.stages.push(ApiStage {
                resource: "AWS::Serverless::Api/ServerlessRestApi".into(),
                kind: EndpointKind::RestApi,
                access_logging: logging_attr(g.get("AccessLogSetting"), event.pos),
                pos: event.pos,
            });
        }
        self.inv.endpoints.push(Endpoint {
            kind,
            resource: f.resource.clone(),
            route: format!("{} {} ({name})", method.to_uppercase(), route_path),
            auth,
            cors,
            function: Some(index),
            pos: event.pos,
        });
    }

    fn url(&mut self, r: &Resource) {
        let url = FunctionUrl {
            auth_type: attr_str(r.props.get("AuthType")),
            cors: cors_of(r.props.get("Cors"), "AllowOrigins", "AllowCredentials"),
            pos: r.props.get("AuthType").map(|a| a.pos).unwrap_or(r.pos),
        };
        let qualifier = r
            .props
            .get("Qualifier")
            .map(Value::display)
            .filter(|q| !q.is_empty() && q != "$LATEST");
        match self.function_of(r.props.get("TargetFunctionArn")) {
            Some(i) => match qualifier {
                Some(alias) => self.inv.functions[i].alias_urls.push((alias, url)),
                None => self.inv.functions[i].url = Some(url),
            },
            None => self
                .inv
                .detached_urls
                .push((format!("AWS::Lambda::Url/{}", r.name), url)),
        }
    }

    fn permission(&mut self, r: &Resource) {
        let p = &r.props;
        self.inv.permissions.push(InvokePermission {
            resource: format!("AWS::Lambda::Permission/{}", r.name),
            principal: attr_str(p.get("Principal")),
            source_arn: p.get("SourceArn").is_some(),
            source_account: p.get("SourceAccount").is_some(),
            principal_org: p.get("PrincipalOrgID").is_some(),
            for_public_url: p.get("FunctionUrlAuthType").and_then(Value::as_str) == Some("NONE"),
            pos: p.get("Principal").map(|x| x.pos).unwrap_or(r.pos),
        });
    }

    fn rest_method(&mut self, r: &Resource) {
        let p = &r.props;
        let method = p.get("HttpMethod").map(Value::display).unwrap_or_default();
        if method.eq_ignore_ascii_case("OPTIONS") {
            return;
        }
        let auth_type = p.get("AuthorizationType");
        let auth = match auth_type.map(|a| (a.as_str(), a.pos)) {
            Some((None, pos)) => Attr::Unknown(pos),
            Some((Some(t), pos)) if !t.eq_ignore_ascii_case("NONE") => {
                Attr::Set(EndpointAuth::Authorizer(t.to_string()), pos)
            }
            other => {
                let pos = other.map(|o| o.1).unwrap_or(r.pos);
                match p.get("ApiKeyRequired") {
                    Some(k) if k.as_bool() == Some(true) => Attr::Set(EndpointAuth::ApiKey, pos),
                    Some(k) if k.as_bool().is_none() => Attr::Unknown(k.pos),
                    _ => Attr::Set(EndpointAuth::None, pos),
                }
            }
        };
        let function = self.function_of(p.path(&["Integration", "Uri"]));
        self.inv.endpoints.push(Endpoint {
            kind: EndpointKind::RestApi,
            resource: format!("AWS::ApiGateway::Method/{}", r.name),
            route: method,
            auth,
            cors: None,
            function,
            pos: auth_type.map(|a| a.pos).unwrap_or(r.pos),
        });
    }

    fn http_route(&mut self, r: &Resource) {
        let p = &r.props;
        let route = p.get("RouteKey").map(Value::display).unwrap_or_default();
        if route.starts_with("OPTIONS ") {
            return;
        }
        let auth_type = p.get("AuthorizationType");
        let auth = match auth_type {
            Some(a) => match a.as_str() {
                Some(t) if t.eq_ignore_ascii_case("NONE") => Attr::Set(EndpointAuth::None, a.pos),
                Some(t) => Attr::Set(EndpointAuth::Authorizer(t.to_string()), a.pos),
                None => Attr::Unknown(a.pos),
            },
            None if p.get("AuthorizerId").is_some() => {
                Attr::Set(EndpointAuth::Authorizer("authorizer".into()), r.pos)
            }
            None => Attr::Set(EndpointAuth::None, r.pos),
        };
        let function = self.function_of(p.get("Target"));
        self.inv.endpoints.push(Endpoint {
            kind: EndpointKind::HttpApi,
            resource: format!("AWS::ApiGatewayV2::Route/{}", r.name),
            route,
            auth,
            cors: None,
            function,
            pos: auth_type.map(|a| a.pos).unwrap_or(r.pos),
        });
    }

    fn log_group(&mut self, r: &Resource) {
        let retention = attr_i64(r.props.get("RetentionInDays"));
        let name = r
            .props
            .get("LogGroupName")
            .map(Value::display)
            .unwrap_or_default();
        if let Some(rest) = name.strip_prefix("/aws/lambda/") {
            let target = rest
                .trim_start_matches("${")
                .trim_end_matches('}')
                .trim_end_matches(".Arn");
            if let Some(&i) = self.function_index.get(target) {
                self.inv.functions[i].log_retention_days = retention.clone();
            }
        }
        self.inv.log_groups.push(LogGroup {
            resource: format!("AWS::Logs::LogGroup/{}", r.name),
            retention_days: retention,
            pos: r.pos,
        });
    }

    fn security_group(&mut self, r: &Resource) {
        let resource = format!("AWS::EC2::SecurityGroup/{}", r.name);
        let mut rules = Vec::new();
        for item in r
            .props
            .get("SecurityGroupIngress")
            .map(Value::items)
            .unwrap_or_default()
        {
            rules.extend(sg_rules(item, Direction::Ingress, &resource));
        }
        for item in r
            .props
            .get("SecurityGroupEgress")
            .map(Value::items)
            .unwrap_or_default()
        {
            rules.extend(sg_rules(item, Direction::Egress, &resource));
        }
        self.inv.security_groups.push(SecurityGroup {
            resource,
            pos: r.pos,
            rules,
        });
    }
}

fn sg_rules(v: &Value, direction: Direction, resource: &str) -> Vec<SecurityGroupRule> {
    let protocol = v
        .get("IpProtocol")
        .and_then(Value::as_text)
        .filter(|p| p != "-1" && !p.eq_ignore_ascii_case("all"));
    let from = v.get("FromPort").and_then(Value::as_i64);
    let to = v.get("ToPort").and_then(Value::as_i64);
    ["CidrIp", "CidrIpv6"]
        .iter()
        .filter_map(|k| v.get(k))
        .filter_map(|c| {
            Some(SecurityGroupRule {
                resource: resource.to_string(),
                direction,
                cidr: c.as_str()?.to_string(),
                protocol: protocol.clone(),
                from_port: from,
                to_port: to,
                pos: c.pos,
            })
        })
        .collect()
}

fn logging_attr(v: Option<&Value>, pos: Pos) -> Attr<bool> {
    match v {
        None => Attr::Set(false, pos),
        Some(v) if v.is_unknown() => Attr::Unknown(v.pos),
        Some(v) => Attr::Set(v.get("DestinationArn").is_some(), v.pos),
    }
}

/// The auth of a SAM event from its own `Auth` and its API's `Auth` defaults.
fn endpoint_auth_sam(
    event_auth: Option<&Value>,
    api_auth: Option<&Value>,
    rest: bool,
    fallback: Pos,
) -> Attr<EndpointAuth> {
    if let Some(a) = event_auth {
        if let Some(z) = a.get("Authorizer") {
            return match z.as_str() {
                Some("NONE") => {
                    if rest && a.get("ApiKeyRequired").and_then(Value::as_bool) == Some(true) {
                        Attr::Set(EndpointAuth::ApiKey, z.pos)
                    } else {
                        Attr::Set(EndpointAuth::None, z.pos)
                    }
                }
                Some(name) => Attr::Set(EndpointAuth::Authorizer(name.to_string()), z.pos),
                None => Attr::Unknown(z.pos),
            };
        }
        if rest && a.get("ApiKeyRequired").and_then(Value::as_bool) == Some(true) {
            return Attr::Set(EndpointAuth::ApiKey, a.pos);
        }
    }
    let api = api_auth;
    if let Some(api) = api {
        if let Some(d) = api.get("DefaultAuthorizer") {
            return match d.as_str() {
                Some("NONE") => Attr::Set(EndpointAuth::None, d.pos),
                Some(name) => Attr::Set(EndpointAuth::Authorizer(name.to_string()), d.pos),
                None => Attr::Unknown(d.pos),
            };
        }
        if rest && api.get("ApiKeyRequired").and_then(Value::as_bool) == Some(true) {
            return Attr::Set(EndpointAuth::ApiKey, api.pos);
        }
    }
    Attr::Set(
        EndpointAuth::None,
        event_auth.map(|a| a.pos).unwrap_or(fallback),
    )
}
