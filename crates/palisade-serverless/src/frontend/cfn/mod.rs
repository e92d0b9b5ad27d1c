//! CloudFormation and SAM templates (YAML with short-form tags, or JSON) into an [`Inventory`].
//!
//! Intrinsic functions are evaluated against parameter defaults, mappings and conditions
//! where the result is knowable; `Ref`/`Fn::GetAtt` to resources of the template become
//! [`ValueKind::Ref`] so functions can be linked to their roles, URLs and log groups; the
//! rest is [`ValueKind::Unknown`]. SAM `Globals` are merged into each function and API the
//! way the SAM translator does (the resource's own settings win, maps are merged).
//!
//! - `intrinsics`: the intrinsic functions, parameters, mappings and conditions;
//! - `builder`: the inventory built from the evaluated resources (roles and policies,
//!   SAM `Globals`, triggers wired by their own resources);
//! - `functions`: `AWS::Lambda::Function` and `AWS::Serverless::Function` with its events;
//! - `resources`: function URLs, invoke permissions, API Gateway methods and routes, log
//!   groups and security groups;
//! - `attrs`: model attributes read from evaluated values (shared with the other
//!   front-ends).

mod attrs;
mod builder;
mod functions;
mod intrinsics;
mod resources;

pub(crate) use attrs::{attr_bool, attr_i64, attr_str, cors_of, env_vars, layer_ref};

use std::collections::{HashMap, HashSet};

use palisade_core::ScanError;
use palisade_yaml::{Node, NodeKind};

use crate::model::*;
use crate::value::{Pos, Value, ValueKind};

use builder::Builder;
use intrinsics::Evaluator;

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

/// Builds the inventory of a CloudFormation/SAM template.
pub fn build(path: &str, root: &Node) -> (Inventory, Vec<ScanError>) {
    build_with_generated(path, root, &HashSet::new())
}

/// Builds the inventory of CloudFormation that a translator joins to resources of its own
/// (`generated`, logical ids the Serverless Framework writes): a reference to one of them
/// is an unknown value, not an error.
pub fn build_with_generated(
    path: &str,
    root: &Node,
    generated: &HashSet<String>,
) -> (Inventory, Vec<ScanError>) {
    let ev = Evaluator::new(path, root, generated);
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
