//! Serverless Framework v3/v4 services (`serverless.yml`, `.yaml`, `.json`) into an [`Inventory`].
//!
//! Variables are resolved where the file itself decides them: `${self:...}` paths, and
//! `${env:X, 'fallback'}` / `${opt:stage, 'dev'}` through their fallbacks (the scanning
//! machine's environment is not the deployment's, so it is never read). Everything else
//! (`${ssm:...}`, `${cf:...}`, `${file(...)}`) stays unknown. CloudFormation under
//! `resources:` is read, its variables resolved the same way, by the CloudFormation
//! front-end and joined to the same inventory; it may refer to the resources the framework
//! writes ([`framework_resources`]).

use std::collections::HashSet;

use palisade_core::ScanError;
use palisade_yaml::{Node, NodeKind};

use crate::frontend::cfn::{self, attr_i64, attr_str, cors_of, env_vars};
use crate::iam;
use crate::model::*;
use crate::value::{from_node, Pos, Value, ValueKind};

const MAX_DEPTH: usize = 16;

/// Whether a YAML/JSON root looks like a Serverless Framework service.
pub fn is_service(root: &Node) -> bool {
    let Some(provider) = root.get("provider") else {
        return false;
    };
    (root.get("service").is_some() || root.get("functions").is_some())
        && (provider.is_map() || provider.as_str().is_some())
}

struct Resolver<'a> {
    root: &'a Value,
}

impl Resolver<'_> {
    fn resolve(&self, v: &Value, depth: usize) -> Value {
        match &v.kind {
            ValueKind::Str(s) if s.contains("${") => self.resolve_str(s, v.pos, depth),
            ValueKind::List(items) => Value::new(
                ValueKind::List(items.iter().map(|i| self.resolve(i, depth)).collect()),
                v.pos,
            ),
            ValueKind::Map(entries) => Value::new(
                ValueKind::Map(
                    entries
                        .iter()
                        .map(|(k, x)| (k.clone(), self.resolve(x, depth)))
                        .collect(),
                ),
                v.pos,
            ),
            _ => v.clone(),
        }
    }

    /// A copy of `node` whose text scalars have their variables resolved where the result
    /// is text (a number or a flag stays typed); others are left as written.
    fn resolve_node(&self, node: &Node) -> Node {
        let mut node = node.clone();
        self.resolve_in_place(&mut node);
        node
    }

    fn resolve_in_place(&self, node: &mut Node) {
        match &mut node.kind {
            NodeKind::Scalar(s) if s.value.contains("${") => {
                let v = self.resolve_str(&s.value, node.pos, 0);
                if let Some(text) = v.as_text() {
                    s.quoted = matches!(v.kind, ValueKind::Str(_));
                    s.value = text;
                }
            }
            NodeKind::Scalar(_) => {}
            NodeKind::Seq(items) => items.iter_mut().for_each(|i| self.resolve_in_place(i)),
            NodeKind::Map(entries) => entries
                .iter_mut()
                .for_each(|(_, v)| self.resolve_in_place(v)),
        }
    }

    fn resolve_str(&self, s: &str, pos: Pos, depth: usize) -> Value {
        if depth > MAX_DEPTH {
            return Value::unknown(s, pos);
        }
        // A string that is exactly one variable takes the variable's value, whatever its type.
        if let Some((start, end)) = find_var(s) {
            if start == 0 && end == s.len() {
                return self.variable(&s[2..end - 1], pos, depth);
            }
        }
        let mut out = String::new();
        let mut known = true;
        let mut rest = s;
        while let Some((start, end)) = find_var(rest) {
            out.push_str(&rest[..start]);
            let v = self.variable(&rest[start + 2..end - 1], pos, depth);
            match v.as_text() {
                Some(t) => out.push_str(&t),
                None => {
                    known = false;
                    out.push_str(&rest[start..end]);
                }
            }
            rest = &rest[end..];
        }
        out.push_str(rest);
        if known {
            Value::str(out, pos)
        } else {
            Value::unknown(out, pos)
        }
    }

    fn variable(&self, expr: &str, pos: Pos, depth: usize) -> Value {
        // Inner variables first: `${self:custom.${opt:stage, 'dev'}.x}`.
        let expr = if expr.contains("${") {
            match self.resolve_str(expr, pos, depth + 1).as_str() {
                Some(s) => s.to_string(),
                None => return Value::unknown(format!("${{{expr}}}"), pos),
            }
        } else {
            expr.to_string()
        };
        let (source, fallback) = split_fallback(&expr);
        let fallback_value = || match fallback {
            Some(f) => {
                let f = f.trim();
                if f.starts_with("${")
                    || f.starts_with("self:")
                    || f.starts_with("env:")
                    || f.starts_with("opt:")
                {
                    let inner = f.trim_start_matches("${").trim_end_matches('}');
                    self.variable(inner, pos, depth + 1)
                } else {
                    Value::str(f.trim_matches(|c| c == '\'' || c == '"'), pos)
                }
            }
            None => Value::unknown(format!("${{{expr}}}"), pos),
        };
        let source = source.trim();
        if let Some(path) = source.strip_prefix("self:") {
            let mut node = self.root;
            for key in path.split('.').filter(|k| !k.is_empty()) {
                match node.get(key) {
                    Some(n) => node = n,
                    None => return fallback_value(),
                }
            }
            let v = self.resolve(node, depth + 1);
            return Value::new(v.kind, pos);
        }
        if source.starts_with("env:") || source.starts_with("opt:") || source.starts_with("sls:") {
            return fallback_value();
        }
        Value::unknown(format!("${{{expr}}}"), pos)
    }
}

/// The byte range of the first `${...}` in `s`, nesting respected.
fn find_var(s: &str) -> Option<(usize, usize)> {
    let start = s.find("${")?;
    let bytes = s.as_bytes();
    let mut depth = 0usize;
    let mut i = start;
    while i < bytes.len() {
        if bytes[i] == b'$' && bytes.get(i + 1) == Some(&b'{') {
            depth += 1;
            i += 2;
            continue;
        }
        if bytes[i] == b'}' {
            depth -= 1;
            if depth == 0 {
                return Some((start, i + 1));
            }
        }
        i += 1;
    }
    None
}

/// Splits `source, fallback` at the top-level comma.
fn split_fallback(expr: &str) -> (&str, Option<&str>) {
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    for (i, c) in expr.char_indices() {
        match c {
            '\'' | '"' if quote == Some(c) => quote = None,
            '\'' | '"' if quote.is_none() => quote = Some(c),
            '{' | '(' if quote.is_none() => depth += 1,
            '}' | ')' if quote.is_none() => depth -= 1,
            ',' if quote.is_none() && depth == 0 => return (&expr[..i], Some(&expr[i + 1..])),
            _ => {}
        }
    }
    (expr, None)
}

fn tracing_attr(v: Option<&Value>) -> Attr<bool> {
    match v {
        None => Attr::Unset,
        Some(v) => match (&v.kind, v.as_str()) {
            (ValueKind::Bool(b), _) => Attr::Set(*b, v.pos),
            (_, Some(s)) => Attr::Set(s.eq_ignore_ascii_case("active") || s == "true", v.pos),
            _ => Attr::Unknown(v.pos),
        },
    }
}

fn statements_of(v: Option<&Value>, source: &str) -> Vec<PolicyStatement> {
    v.map(|s| {
        s.one_or_many()
            .into_iter()
            .filter(|x| x.is_map())
            .map(|x| iam::statement(x, source))
            .collect()
    })
    .unwrap_or_default()
}

/// How the framework names a function in CloudFormation logical ids: first letter upper
/// case, `-` as `Dash`, `_` as `Underscore` (`get-user` -> `GetDashuser`).
fn normalized_function_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for (i, c) in name.chars().enumerate() {
        match c {
            '-' => out.push_str("Dash"),
            '_' => out.push_str("Underscore"),
            c if i == 0 => out.extend(c.to_uppercase()),
            c => out.push(c),
        }
    }
    out
}

/// The logical ids of resources the framework writes that `resources:` may refer to
/// (the framework's CloudFormation resource reference): its role, deployment bucket and
/// APIs, each function's `<Name>LambdaFunction` and `<Name>LogGroup`, and the bucket of
/// each `s3` event (`S3Bucket<Name>`).
fn framework_resources(root: &Value) -> HashSet<String> {
    let mut ids: HashSet<String> = [
        "IamRoleLambdaExecution",
        "ServerlessDeploymentBucket",
        "ServerlessDeploymentBucketPolicy",
        "ApiGatewayRestApi",
        "HttpApi",
        "HttpApiStage",
        "WebsocketsApi",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    for (name, f) in root
        .get("functions")
        .map(Value::entries)
        .unwrap_or_default()
    {
        let n = normalized_function_name(name);
        ids.insert(format!("{n}LambdaFunction"));
        ids.insert(format!("{n}LogGroup"));
        for event in f.get("events").map(Value::items).unwrap_or_default() {
            let bucket = event
                .get("s3")
                .map(|s3| s3.get("bucket").unwrap_or(s3))
                .and_then(Value::as_str);
            if let Some(b) = bucket {
                ids.insert(format!("S3Bucket{}", normalized_name(b)));
            }
        }
    }
    ids
}

/// How the framework names a resource after a free-form name: letters and digits only,
/// the first upper case (`my-bucket.logs` -> `Mybucketlogs`).
fn normalized_name(name: &str) -> String {
    let mut chars = name.chars().filter(char::is_ascii_alphanumeric);
    chars
        .next()
        .map(|c| c.to_ascii_uppercase())
        .into_iter()
        .chain(chars)
        .collect()
}

/// Builds the inventory of a Serverless Framework service.
pub fn build(path: &str, root_node: &Node) -> (Inventory, Vec<ScanError>) {
    let raw = from_node(root_node);
    let resolver = Resolver { root: &raw };
    let root = resolver.resolve(&raw, 0);
    let mut inv = Inventory::new(path, Format::ServerlessFramework);
    let mut errors = Vec::new();

    // CloudFormation under `resources:` first, so `role: MyRole` can find MyRole.
    if let Some(res) = root_node.get("resources") {
        if res.get("Resources").is_some() {
            let res = resolver.resolve_node(res);
            let (cfn_inv, cfn_errors) =
                cfn::build_with_generated(path, &res, &framework_resources(&root));
            inv.roles = cfn_inv.roles;
            inv.security_groups = cfn_inv.security_groups;
            inv.log_groups = cfn_inv.log_groups;
            inv.permissions = cfn_inv.permissions;
            inv.stages = cfn_inv.stages;
            inv.endpoints = cfn_inv.endpoints;
            errors.extend(cfn_errors);
        }
    }

    let empty = Value::new(ValueKind::Map(Vec::new()), Pos::default());
    let provider = root.get("provider").unwrap_or(&empty);
    if provider.as_str().is_some_and(|p| p != "aws")
        || provider
            .get("name")
            .and_then(Value::as_str)
            .is_some_and(|n| n != "aws")
    {
        return (inv, errors);
    }

    // The one role the framework creates and every function shares unless told otherwise.
    let iam_node = provider.get("iam");
    let provider_role = iam_node
        .and_then(|i| i.get("role"))
        .or_else(|| provider.get("role"));
    let shared_role = match provider_role {
        Some(r) if r.as_str().is_some() || r.ref_target().is_some() || r.is_unknown() => None,
        _ => {
            let mut role = Role::new(
                "serverless:role/IamRoleLambdaExecution".into(),
                "IamRoleLambdaExecution".into(),
                provider.pos,
            );
            role.statements.extend(statements_of(
                provider_role.and_then(|r| r.get("statements")),
                "provider.iam.role.statements",
            ));
            role.statements.extend(statements_of(
                provider.get("iamRoleStatements"),
                "provider.iamRoleStatements",
            ));
            for m in provider_role
                .and_then(|r| r.get("managedPolicies"))
                .into_iter()
                .chain(provider.get("iamManagedPolicies"))
                .flat_map(|m| m.items())
            {
                role.managed_policies.push(Spanned {
                    value: m.display(),
                    pos: m.pos,
                });
            }
            let i = inv.roles.len();
            inv.roles.push(role);
            Some(i)
        }
    };
    let provider_role_name = provider_role.and_then(|r| {
        if r.is_map() {
            None
        } else {
            Some((r.display(), r.pos))
        }
    });

    let api_keys =
        provider.path(&["apiGateway", "apiKeys"]).is_some() || provider.get("apiKeys").is_some();
    let http_cors = provider.path(&["httpApi", "cors"]);
    let mut has_rest = None;
    let mut has_http = None;

    let functions_node = root.get("functions");
    for (name, fv) in functions_node.map(Value::entries).unwrap_or_default() {
        if !fv.is_map() {
            continue;
        }
        let resource = format!("serverless:function/{name}");
        let mut f = Function::new(resource.clone(), name.clone(), Cloud::Aws, fv.pos);
        f.handler = attr_str(fv.get("handler"));
        f.image = fv.get("image").is_some();
        f.runtime = attr_str(fv.get("runtime")).or(attr_str(provider.get("runtime")));
        if f.runtime.is_unset() && !f.image {
            // The framework's default runtime when none is written.
            f.runtime = Attr::Unset;
        }
        f.memory = attr_i64(fv.get("memorySize")).or(attr_i64(provider.get("memorySize")));
        f.timeout = attr_i64(fv.get("timeout")).or(attr_i64(provider.get("timeout")));
        f.reserved_concurrency = attr_i64(fv.get("reservedConcurrency"));
        f.provisioned_concurrency = attr_i64(fv.get("provisionedConcurrency"));
        f.tracing =
            tracing_attr(fv.get("tracing")).or(tracing_attr(provider.path(&["tracing", "lambda"])));
        f.kms_key = attr_str(fv.get("kmsKeyArn")).or(attr_str(provider.get("kmsKeyArn")));
        f.log_retention_days =
            attr_i64(fv.get("logRetentionInDays")).or(attr_i64(provider.get("logRetentionInDays")));
        // The framework creates `<Name>LogGroup` for each function, with this retention or
        // none; a resource of that name under `resources:` replaces it, `disableLogs` drops it.
        let own_group = format!(
            "AWS::Logs::LogGroup/{}LogGroup",
            normalized_function_name(name)
        );
        if f.log_retention_days.is_unset()
            && fv.get("disableLogs").and_then(Value::as_bool) != Some(true)
            && !inv.log_groups.iter().any(|g| g.resource == own_group)
        {
            inv.log_groups.push(LogGroup {
                resource: resource.clone(),
                retention_days: Attr::Unset,
                pos: fv.pos,
            });
        }
        if let Some(d) = fv
            .get("onError")
            .or_else(|| fv.path(&["destinations", "onFailure"]))
        {
            f.dead_letter = Attr::Set(d.display(), d.pos);
        }
        let mut env = env_vars(provider.get("environment"));
        for var in env_vars(fv.get("environment")) {
            env.retain(|e| e.name != var.name);
            env.push(var);
        }
        f.environment = env;
        f.environment_pos = fv
            .get("environment")
            .or(provider.get("environment"))
            .map(|e| e.pos);
        if let Some(v) = fv.get("vpc").or(provider.get("vpc")) {
            if v.is_unknown() {
                f.vpc = Attr::Unknown(v.pos);
            } else {
                f.vpc = Attr::Set(
                    VpcConfig {
                        subnets: v
                            .get("subnetIds")
                            .map(|s| s.one_or_many().len())
                            .unwrap_or(0),
                        security_groups: v
                            .get("securityGroupIds")
                            .map(|s| s.one_or_many().iter().map(|x| x.display()).collect())
                            .unwrap_or_default(),
                    },
                    v.pos,
                );
            }
        }
        if let Some(u) = fv.get("url") {
            if u.as_bool() != Some(false) {
                let authorizer = u.get("authorizer");
                f.url = Some(FunctionUrl {
                    auth_type: match authorizer {
                        Some(a) => match a.as_str() {
                            Some(s) if s.eq_ignore_ascii_case("aws_iam") => {
                                Attr::Set("AWS_IAM".into(), a.pos)
                            }
                            Some(_) => Attr::Set("NONE".into(), a.pos),
                            None => Attr::Unknown(a.pos),
                        },
                        None => Attr::Set("NONE".into(), u.pos),
                    },
                    cors: match u.get("cors") {
                        Some(c) if c.as_bool() == Some(true) => Some(Cors {
                            allow_origins: vec!["*".into()],
                            allow_credentials: false,
                            pos: c.pos,
                        }),
                        other => cors_of(other, "allowedOrigins", "allowCredentials"),
                    },
                    pos: u.pos,
                });
            }
        }
        // Role: own statements (per-function plugin), an explicit role, or the shared one.
        if let Some(st) = fv.get("iamRoleStatements") {
            let mut role = Role::new(
                format!("serverless:role/{name}"),
                format!("{name}Role"),
                st.pos,
            );
            role.statements =
                statements_of(Some(st), &format!("functions.{name}.iamRoleStatements"));
            f.role = Some(inv.roles.len());
            f.role_ref = Attr::Set(role.name.clone(), st.pos);
            inv.roles.push(role);
        } else if let Some(r) = fv.get("role") {
            let name = r
                .ref_target()
                .map(str::to_string)
                .or_else(|| r.as_str().map(str::to_string));
            match name {
                Some(n) => {
                    f.role = inv.roles.iter().position(|x| x.name == n);
                    f.role_ref = Attr::Set(n, r.pos);
                }
                None => f.role_ref = Attr::Unknown(r.pos),
            }
        } else if let Some((n, pos)) = &provider_role_name {
            f.role = inv.roles.iter().position(|x| &x.name == n);
            f.role_ref = Attr::Set(n.clone(), *pos);
        } else {
            f.role = shared_role;
            f.role_ref = Attr::Set("IamRoleLambdaExecution".into(), provider.pos);
        }

        let index = inv.functions.len();
        for event in fv.get("events").map(Value::items).unwrap_or_default() {
            let Some((kind, body)) = event.entries().first() else {
                continue;
            };
            let trigger = match kind.as_str() {
                "http" | "httpApi" | "alb" => TriggerKind::Http,
                // Alexa skills, Cognito user pool triggers and IoT fleet provisioning hooks
                // invoke synchronously: the caller sees the error.
                "s3" | "sns" | "schedule" | "eventBridge" | "cloudwatchEvent" | "iot"
                | "cloudwatchLog" => TriggerKind::Async,
                "sqs" | "stream" | "kafka" | "msk" | "activemq" | "rabbitmq" => TriggerKind::Poll,
                _ => TriggerKind::Other,
            };
            let mut t = Trigger::new(trigger, kind.clone(), event.pos);
            if kind == "stream" {
                // `stream: arn` or `stream: { arn, type, destinations: { onFailure } }`;
                // `type: kinesis|dynamodb`, else judged by the ARN.
                let arn = body.get("arn").unwrap_or(body).display();
                let ty = body.get("type").and_then(Value::as_str).unwrap_or("");
                t.stream = matches!(ty, "kinesis" | "dynamodb")
                    || arn.contains(":kinesis:")
                    || arn.contains(":dynamodb:");
                if let Some(d) = body.path(&["destinations", "onFailure"]) {
                    t.on_failure = Attr::Set(d.get("arn").unwrap_or(d).display(), d.pos);
                }
            }
            f.triggers.push(t);
            match kind.as_str() {
                "http" => {
                    has_rest.get_or_insert(body.pos);
                    let (method, route) = route_of(body);
                    let auth = match body.get("authorizer") {
                        Some(a) if a.is_unknown() => Attr::Unknown(a.pos),
                        Some(a) => Attr::Set(EndpointAuth::Authorizer(authorizer_name(a)), a.pos),
                        None => match body.get("private") {
                            Some(p) if p.as_bool() == Some(true) && api_keys => {
                                Attr::Set(EndpointAuth::ApiKey, p.pos)
                            }
                            Some(p) if p.as_bool() == Some(true) => {
                                Attr::Set(EndpointAuth::ApiKey, p.pos)
                            }
                            Some(p) if p.is_unknown() => Attr::Unknown(p.pos),
                            _ => Attr::Set(EndpointAuth::None, body.pos),
                        },
                    };
                    let cors = match body.get("cors") {
                        Some(c) if c.as_bool() == Some(true) => Some(Cors {
                            allow_origins: vec!["*".into()],
                            allow_credentials: false,
                            pos: c.pos,
                        }),
                        Some(c) => {
                            let mut cors = cors_of(Some(c), "origins", "allowCredentials");
                            if let (Some(cs), Some(o)) =
                                (cors.as_mut(), c.get("origin").and_then(Value::as_str))
                            {
                                cs.allow_origins.push(o.to_string());
                            }
                            cors
                        }
                        None => None,
                    };
                    inv.endpoints.push(Endpoint {
                        kind: EndpointKind::RestApi,
                        resource: resource.clone(),
                        route: format!("{method} {route}"),
                        auth,
                        cors,
                        function: Some(index),
                        pos: body.pos,
                    });
                }
                "httpApi" => {
                    has_http.get_or_insert(body.pos);
                    let (method, route) = route_of(body);
                    let auth = match body.get("authorizer") {
                        Some(a) if a.is_unknown() => Attr::Unknown(a.pos),
                        Some(a) => Attr::Set(EndpointAuth::Authorizer(authorizer_name(a)), a.pos),
                        None => Attr::Set(EndpointAuth::None, body.pos),
                    };
                    let cors = match http_cors {
                        Some(c) if c.as_bool() == Some(true) => Some(Cors {
                            allow_origins: vec!["*".into()],
                            allow_credentials: false,
                            pos: c.pos,
                        }),
                        other => cors_of(other, "allowedOrigins", "allowCredentials"),
                    };
                    inv.endpoints.push(Endpoint {
                        kind: EndpointKind::HttpApi,
                        resource: resource.clone(),
                        route: format!("{method} {route}"),
                        auth,
                        cors,
                        function: Some(index),
                        pos: body.pos,
                    });
                }
                _ => {}
            }
        }
        inv.functions.push(f);
    }
    let logs = provider.get("logs");
    if logs.and_then(|l| l.get("restApi")).is_some() {
        has_rest.get_or_insert(Pos::default());
    }
    if logs.and_then(|l| l.get("httpApi")).is_some() {
        has_http.get_or_insert(Pos::default());
    }
    if let Some(pos) = has_rest {
        inv.stages.push(ApiStage {
            resource: "serverless:api/rest".into(),
            kind: EndpointKind::RestApi,
            access_logging: logs_enabled(
                logs.and_then(|l| l.get("restApi")),
                logs.map(|l| l.pos).unwrap_or(pos),
            ),
            pos: logs.map(|l| l.pos).unwrap_or(pos),
        });
    }
    if let Some(pos) = has_http {
        inv.stages.push(ApiStage {
            resource: "serverless:api/http".into(),
            kind: EndpointKind::HttpApi,
            access_logging: logs_enabled(
                logs.and_then(|l| l.get("httpApi")),
                logs.map(|l| l.pos).unwrap_or(pos),
            ),
            pos: logs.map(|l| l.pos).unwrap_or(pos),
        });
    }
    (inv, errors)
}

fn logs_enabled(v: Option<&Value>, pos: Pos) -> Attr<bool> {
    match v {
        None => Attr::Set(false, pos),
        Some(v) if v.is_unknown() => Attr::Unknown(v.pos),
        Some(v) if v.is_map() => match v.get("accessLogging") {
            Some(a) => match a.as_bool() {
                Some(b) => Attr::Set(b, a.pos),
                None => Attr::Unknown(a.pos),
            },
            None => Attr::Set(true, v.pos),
        },
        Some(v) => Attr::Set(v.as_bool() != Some(false) && !v.is_null(), v.pos),
    }
}

fn route_of(body: &Value) -> (String, String) {
    if let Some(s) = body.as_str() {
        return match s.split_once(' ') {
            Some((m, p)) => (m.to_uppercase(), p.to_string()),
            None => ("ANY".into(), s.to_string()),
        };
    }
    (
        body.get("method")
            .map(|m| m.display().to_uppercase())
            .unwrap_or_else(|| "ANY".into()),
        body.get("path")
            .map(Value::display)
            .unwrap_or_else(|| "/".into()),
    )
}

fn authorizer_name(a: &Value) -> String {
    if let Some(s) = a.as_str() {
        return s.to_string();
    }
    a.get("name")
        .or_else(|| a.get("type"))
        .or_else(|| a.get("arn"))
        .or_else(|| a.get("id"))
        .map(Value::display)
        .unwrap_or_else(|| "authorizer".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_variables_and_fallbacks_resolve() {
        let docs = palisade_yaml::load(
            "service: s\ncustom:\n  dev:\n    t: 30\nprovider:\n  name: aws\n  timeout: ${self:custom.${opt:stage, 'dev'}.t}\n  memorySize: ${env:MEM, 512}\n  runtime: ${ssm:/x}\nfunctions:\n  a:\n    handler: h\n",
        )
        .unwrap();
        let (inv, _) = build("serverless.yml", &docs[0].root);
        let f = &inv.functions[0];
        assert_eq!(f.timeout.value(), Some(&30));
        assert_eq!(f.memory.value(), Some(&512));
        assert!(f.runtime.is_unknown());
    }
}
