//! Inventory construction: roles and their policies, SAM `Globals`, then functions, then
//! the resources that refer to them (triggers wired by their own resources, stages, layers,
//! security group rules).

use std::collections::{HashMap, HashSet};

use crate::iam;
use crate::model::*;
use crate::value::{Pos, Value, ValueKind};

use super::resources::{logging_attr, sg_rules};
use super::{Resource, ASYNC_INVOKERS};

pub(super) struct Builder<'a> {
    pub(super) inv: &'a mut Inventory,
    pub(super) types: &'a HashMap<String, String>,
    pub(super) globals: Option<&'a Value>,
    pub(super) role_index: HashMap<String, usize>,
    pub(super) function_index: HashMap<String, usize>,
    /// SAM APIs by name, with `Globals` merged in.
    pub(super) apis: HashMap<String, Value>,
    /// `AWS::IAM::ManagedPolicy` documents by resource name, for permissions boundaries.
    pub(super) managed_documents: HashMap<String, Value>,
}

impl Builder<'_> {
    pub(super) fn run(mut self, resources: &[Resource]) {
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
    pub(super) fn boundary(&self, b: &Value) -> Boundary {
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

    pub(super) fn with_globals(&self, section: &str, props: &Value) -> Value {
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

    pub(super) fn function_of(&self, v: Option<&Value>) -> Option<usize> {
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
