//! Function resources: `AWS::Lambda::Function`, and `AWS::Serverless::Function` with its
//! SAM policy templates, event sources and their API auth.

use crate::iam;
use crate::model::*;
use crate::policy_templates::{self, ParamValue};
use crate::value::{Pos, Value, ValueKind};

use super::builder::Builder;
use super::resources::logging_attr;
use super::{attr_i64, attr_str, cors_of, env_vars, layer_ref, Resource};

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

impl Builder<'_> {
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
        f.layers = p
            .get("Layers")
            .map(Value::items)
            .unwrap_or_default()
            .iter()
            .map(layer_ref)
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

    pub(super) fn lambda(&mut self, r: &Resource) {
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

    pub(super) fn sam_function(&mut self, r: &Resource) {
        let p = self.with_globals("Function", &r.props);
        let mut f = Function::new(
            format!("AWS::Serverless::Function/{}", r.name),
            r.name.clone(),
            Cloud::Aws,
            r.pos,
        );
        self.common(&mut f, &p);
        f.tracing = match p.get("Tracing") {
            // `Tracing:` with no value: SAM writes no TracingConfig, so tracing is off.
            Some(m) if matches!(m.kind, ValueKind::Null) => Attr::Unset,
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
            // SAM also attaches the managed policy each polled event source needs: the
            // deployed role grants these (on every resource) whatever `Policies` says.
            for (_, event) in p.get("Events").map(Value::entries).unwrap_or_default() {
                let policy = match event.get("Type").and_then(Value::as_str) {
                    Some("SQS") => "AWSLambdaSQSQueueExecutionRole",
                    Some("Kinesis") => "AWSLambdaKinesisExecutionRole",
                    Some("DynamoDB") => "AWSLambdaDynamoDBExecutionRole",
                    Some("MSK") => "AWSLambdaMSKExecutionRole",
                    // An SNS event with `SqsSubscription` (true or the queue to use) is
                    // delivered through a queue the function polls.
                    Some("SNS")
                        if event
                            .path(&["Properties", "SqsSubscription"])
                            .is_some_and(|q| !matches!(q.kind, ValueKind::Bool(false))) =>
                    {
                        "AWSLambdaSQSQueueExecutionRole"
                    }
                    _ => continue,
                };
                if !role.managed_policies.iter().any(|m| m.value == policy) {
                    role.managed_policies.push(Spanned {
                        value: policy.to_string(),
                        pos: event.pos,
                    });
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
