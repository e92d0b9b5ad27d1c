//! Inventory construction: roles and their policies, then functions, then what refers to
//! them (URLs, permissions, triggers, API routes and stages, log groups, security groups,
//! Google invoker grants).

use std::collections::{HashMap, HashSet};

use crate::frontend::cfn::{attr_i64, attr_str};
use crate::model::*;
use crate::value::{Pos, Value};

use super::policy::policy_statements;
use super::{block, blocks, TfResource};

pub(super) struct Builder<'a> {
    pub(super) inv: &'a mut Inventory,
    pub(super) functions: HashMap<String, usize>,
    pub(super) roles: HashMap<String, usize>,
    pub(super) resources: &'a [(usize, TfResource)],
}

impl Builder<'_> {
    pub(super) fn run(&mut self) {
        let policies: HashMap<&str, &Value> = self
            .resources
            .iter()
            .filter(|(_, r)| r.rtype == "aws_iam_policy")
            .filter_map(|(_, r)| Some((r.address.as_str(), r.body.get("policy")?)))
            .collect();
        let documents: HashMap<&str, &TfResource> = self
            .resources
            .iter()
            .filter(|(_, r)| r.rtype == "aws_iam_policy_document")
            .map(|(_, r)| (r.address.as_str(), r))
            .collect();
        let statements_of = |v: &Value, source: &str| -> Vec<PolicyStatement> {
            policy_statements(v, source, &documents)
        };

        for (_, r) in self
            .resources
            .iter()
            .filter(|(_, r)| r.rtype == "aws_iam_role")
        {
            let mut role = Role::new(
                r.address.clone(),
                r.body
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or(&r.address)
                    .to_string(),
                r.pos,
            );
            for p in blocks(&r.body, "inline_policy") {
                if let Some(doc) = p.get("policy") {
                    role.statements.extend(statements_of(
                        doc,
                        &p.get("name").map(Value::display).unwrap_or_default(),
                    ));
                }
            }
            for m in r
                .body
                .get("managed_policy_arns")
                .map(Value::items)
                .unwrap_or_default()
            {
                match m.ref_target().and_then(|t| policies.get(t)) {
                    Some(doc) => role
                        .statements
                        .extend(statements_of(doc, m.ref_target().unwrap_or(""))),
                    None => role.managed_policies.push(Spanned {
                        value: m.display(),
                        pos: m.pos,
                    }),
                }
            }
            // A boundary that is an `aws_iam_policy` of the configuration is known; any
            // other ARN caps nothing here.
            role.boundary = r.body.get("permissions_boundary").map(|b| Boundary {
                policy: Spanned {
                    value: b.display(),
                    pos: b.pos,
                },
                statements: b
                    .ref_target()
                    .and_then(|t| policies.get(t).map(|doc| statements_of(doc, t))),
            });
            self.roles.insert(r.address.clone(), self.inv.roles.len());
            self.inv.roles.push(role);
        }
        for (_, r) in self.resources {
            let role_of = |roles: &HashMap<String, usize>, inv: &Inventory| -> Option<usize> {
                let v = r.body.get("role")?;
                if let Some(t) = v.ref_target() {
                    return roles.get(t).copied();
                }
                let name = v.as_str()?;
                inv.roles.iter().position(|x| x.name == name)
            };
            match r.rtype.as_str() {
                "aws_iam_role_policy" => {
                    if let (Some(i), Some(doc)) =
                        (role_of(&self.roles, self.inv), r.body.get("policy"))
                    {
                        let st = statements_of(doc, &r.address);
                        self.inv.roles[i].statements.extend(st);
                    }
                }
                "aws_iam_role_policy_attachment" => {
                    if let (Some(i), Some(arn)) =
                        (role_of(&self.roles, self.inv), r.body.get("policy_arn"))
                    {
                        match arn.ref_target().and_then(|t| policies.get(t)) {
                            Some(doc) => {
                                let st = statements_of(doc, arn.ref_target().unwrap_or(""));
                                self.inv.roles[i].statements.extend(st);
                            }
                            None => self.inv.roles[i].managed_policies.push(Spanned {
                                value: arn.display(),
                                pos: arn.pos,
                            }),
                        }
                    }
                }
                _ => {}
            }
        }
        for (_, r) in self.resources {
            match r.rtype.as_str() {
                "aws_lambda_function" => self.lambda(r),
                "google_cloudfunctions_function" | "google_cloudfunctions2_function" => {
                    self.google(r)
                }
                "azurerm_linux_function_app"
                | "azurerm_windows_function_app"
                | "azurerm_function_app"
                | "azurerm_linux_function_app_slot"
                | "azurerm_windows_function_app_slot"
                | "azurerm_function_app_slot" => self.azure_function_app(r),
                _ => {}
            }
        }
        self.link_layers();
        for (_, r) in self.resources {
            let b = &r.body;
            let function = |this: &Self| b.get("function_name").and_then(|v| this.function_of(v));
            match r.rtype.as_str() {
                "aws_lambda_function_url" => {
                    let cors = block(b, "cors").map(|c| Cors {
                        allow_origins: c
                            .get("allow_origins")
                            .map(|o| {
                                o.one_or_many()
                                    .iter()
                                    .filter_map(|x| x.as_str().map(str::to_string))
                                    .collect()
                            })
                            .unwrap_or_default(),
                        allow_credentials: c
                            .get("allow_credentials")
                            .and_then(Value::as_bool)
                            .unwrap_or(false),
                        pos: c.pos,
                    });
                    let url = FunctionUrl {
                        auth_type: attr_str(b.get("authorization_type")),
                        cors,
                        pos: b.get("authorization_type").map(|a| a.pos).unwrap_or(r.pos),
                    };
                    match function(self) {
                        Some(i) => self.inv.functions[i].url = Some(url),
                        None => self.inv.detached_urls.push((r.address.clone(), url)),
                    }
                }
                "aws_lambda_permission" => {
                    if let Some(service) = b
                        .get("principal")
                        .and_then(Value::as_str)
                        .filter(|p| crate::frontend::cfn::ASYNC_INVOKERS.contains(p))
                    {
                        let source = format!("lambda_permission for {service}");
                        self.async_trigger(b.get("function_name"), &source, r.pos);
                    }
                    self.inv.permissions.push(InvokePermission {
                        resource: r.address.clone(),
                        principal: attr_str(b.get("principal")),
                        source_arn: b.get("source_arn").is_some(),
                        source_account: b.get("source_account").is_some(),
                        principal_org: b.get("principal_org_id").is_some(),
                        for_public_url: b.get("function_url_auth_type").and_then(Value::as_str)
                            == Some("NONE"),
                        pos: b.get("principal").map(|p| p.pos).unwrap_or(r.pos),
                    })
                }
                "aws_lambda_function_event_invoke_config" => {
                    if let Some(i) = function(self) {
                        if let Some(d) =
                            block(b, "destination_config").and_then(|d| block(d, "on_failure"))
                        {
                            self.inv.functions[i].dead_letter = Attr::Set(
                                d.get("destination").map(Value::display).unwrap_or_default(),
                                d.pos,
                            );
                        }
                    }
                }
                "aws_lambda_event_source_mapping" => {
                    if let Some(i) = function(self) {
                        let mut t = Trigger::new(TriggerKind::Poll, "event_source_mapping", r.pos);
                        t.stream =
                            b.get("event_source_arn")
                                .is_some_and(|a| match a.ref_target() {
                                    Some(target) => {
                                        target.contains("aws_kinesis_stream.")
                                            || target.contains("aws_dynamodb_table.")
                                    }
                                    None => {
                                        let text = a.display();
                                        text.contains(":kinesis:") || text.contains(":dynamodb:")
                                    }
                                });
                        if let Some(d) = block(b, "destination_config")
                            .and_then(|d| block(d, "on_failure"))
                            .and_then(|d| d.get("destination_arn"))
                        {
                            t.on_failure = Attr::Set(d.display(), d.pos);
                        }
                        self.inv.functions[i].triggers.push(t);
                    }
                }
                // Services that invoke a function asynchronously.
                "aws_sns_topic_subscription"
                    if b.get("protocol").and_then(Value::as_str) == Some("lambda") =>
                {
                    self.async_trigger(b.get("endpoint"), "sns_topic_subscription", r.pos);
                }
                "aws_s3_bucket_notification" => {
                    for l in blocks(b, "lambda_function") {
                        self.async_trigger(
                            l.get("lambda_function_arn"),
                            "s3_bucket_notification",
                            l.pos,
                        );
                    }
                }
                "aws_cloudwatch_event_target" => {
                    self.async_trigger(b.get("arn"), "cloudwatch_event_target", r.pos);
                }
                "aws_scheduler_schedule" => {
                    let arn = block(b, "target").and_then(|t| t.get("arn"));
                    self.async_trigger(arn, "scheduler_schedule", r.pos);
                }
                "aws_cloudwatch_log_subscription_filter" => {
                    self.async_trigger(b.get("destination_arn"), "log_subscription_filter", r.pos);
                }
                "aws_lambda_provisioned_concurrency_config" => {
                    if let Some(i) = function(self) {
                        self.inv.functions[i].provisioned_concurrency =
                            attr_i64(b.get("provisioned_concurrent_executions"));
                    }
                }
                "aws_api_gateway_method" => {
                    let method = b.get("http_method").map(Value::display).unwrap_or_default();
                    if method.eq_ignore_ascii_case("OPTIONS") {
                        continue;
                    }
                    let a = b.get("authorization");
                    let auth = match a.map(|a| (a.as_str(), a.pos)) {
                        Some((None, p)) => Attr::Unknown(p),
                        Some((Some(t), p)) if !t.eq_ignore_ascii_case("NONE") => {
                            Attr::Set(EndpointAuth::Authorizer(t.to_string()), p)
                        }
                        other => {
                            let p = other.map(|o| o.1).unwrap_or(r.pos);
                            match b.get("api_key_required") {
                                Some(k) if k.as_bool() == Some(true) => {
                                    Attr::Set(EndpointAuth::ApiKey, p)
                                }
                                Some(k) if k.as_bool().is_none() => Attr::Unknown(k.pos),
                                _ => Attr::Set(EndpointAuth::None, p),
                            }
                        }
                    };
                    self.inv.endpoints.push(Endpoint {
                        kind: EndpointKind::RestApi,
                        resource: r.address.clone(),
                        route: method,
                        auth,
                        cors: None,
                        function: None,
                        pos: a.map(|a| a.pos).unwrap_or(r.pos),
                    });
                }
                "aws_apigatewayv2_route" => {
                    let route = b.get("route_key").map(Value::display).unwrap_or_default();
                    if route.starts_with("OPTIONS ") {
                        continue;
                    }
                    let a = b.get("authorization_type");
                    let auth = match a {
                        Some(a) => match a.as_str() {
                            Some(t) if t.eq_ignore_ascii_case("NONE") => {
                                Attr::Set(EndpointAuth::None, a.pos)
                            }
                            Some(t) => Attr::Set(EndpointAuth::Authorizer(t.to_string()), a.pos),
                            None => Attr::Unknown(a.pos),
                        },
                        None => Attr::Set(EndpointAuth::None, r.pos),
                    };
                    self.inv.endpoints.push(Endpoint {
                        kind: EndpointKind::HttpApi,
                        resource: r.address.clone(),
                        route,
                        auth,
                        cors: None,
                        function: None,
                        pos: a.map(|a| a.pos).unwrap_or(r.pos),
                    });
                }
                "aws_api_gateway_stage" | "aws_apigatewayv2_stage" => {
                    let logging = match block(b, "access_log_settings") {
                        Some(l) => match l.get("destination_arn") {
                            Some(_) => Attr::Set(true, l.pos),
                            None => Attr::Set(false, l.pos),
                        },
                        None => Attr::Set(false, r.pos),
                    };
                    self.inv.stages.push(ApiStage {
                        resource: r.address.clone(),
                        kind: if r.rtype == "aws_api_gateway_stage" {
                            EndpointKind::RestApi
                        } else {
                            EndpointKind::HttpApi
                        },
                        access_logging: logging,
                        pos: r.pos,
                    });
                }
                "aws_cloudwatch_log_group" => {
                    let retention = match b.get("retention_in_days") {
                        Some(v) if v.as_i64() == Some(0) => Attr::Unset,
                        other => attr_i64(other),
                    };
                    let name = b.get("name").map(Value::display).unwrap_or_default();
                    if let Some(rest) = name.strip_prefix("/aws/lambda/") {
                        // `${module.m.aws_lambda_function.f.function_name}`: the whole
                        // reference names the function, module prefix and instance included.
                        let whole = rest
                            .strip_prefix("${")
                            .and_then(|r| r.strip_suffix('}'))
                            .and_then(|r| r.rsplit_once('.'))
                            .and_then(|(target, _)| self.functions.get(target).copied());
                        let by_address = whole.or_else(|| {
                            rest.find("aws_lambda_function.").and_then(|at| {
                                let tail = &rest[at + "aws_lambda_function.".len()..];
                                let end = tail
                                    .find(|c: char| {
                                        !(c.is_ascii_alphanumeric() || c == '_' || c == '-')
                                    })
                                    .unwrap_or(tail.len());
                                self.functions
                                    .get(&format!("aws_lambda_function.{}", &tail[..end]))
                                    .copied()
                            })
                        });
                        let linked = by_address
                            .or_else(|| self.inv.functions.iter().position(|f| f.name == rest));
                        if let Some(i) = linked {
                            self.inv.functions[i].log_retention_days = retention.clone();
                        }
                    }
                    self.inv.log_groups.push(LogGroup {
                        resource: r.address.clone(),
                        retention_days: retention,
                        pos: r.pos,
                    });
                }
                "aws_security_group" => {
                    let mut rules = Vec::new();
                    for (key, dir) in [
                        ("ingress", Direction::Ingress),
                        ("egress", Direction::Egress),
                    ] {
                        for rule in blocks(b, key) {
                            rules.extend(tf_rules(
                                rule,
                                dir,
                                &r.address,
                                "cidr_blocks",
                                "ipv6_cidr_blocks",
                                "protocol",
                            ));
                        }
                    }
                    self.inv.security_groups.push(SecurityGroup {
                        resource: r.address.clone(),
                        pos: r.pos,
                        rules,
                    });
                }
                "aws_security_group_rule" => {
                    let dir = if b.get("type").and_then(Value::as_str) == Some("egress") {
                        Direction::Egress
                    } else {
                        Direction::Ingress
                    };
                    let rules = tf_rules(
                        b,
                        dir,
                        &r.address,
                        "cidr_blocks",
                        "ipv6_cidr_blocks",
                        "protocol",
                    );
                    self.inv.security_groups.push(SecurityGroup {
                        resource: r.address.clone(),
                        pos: r.pos,
                        rules,
                    });
                }
                "aws_vpc_security_group_ingress_rule" | "aws_vpc_security_group_egress_rule" => {
                    let dir = if r.rtype.contains("egress") {
                        Direction::Egress
                    } else {
                        Direction::Ingress
                    };
                    let rules =
                        tf_rules(b, dir, &r.address, "cidr_ipv4", "cidr_ipv6", "ip_protocol");
                    self.inv.security_groups.push(SecurityGroup {
                        resource: r.address.clone(),
                        pos: r.pos,
                        rules,
                    });
                }
                t if t.starts_with("google_cloudfunctions")
                    && (t.ends_with("_iam_member") || t.ends_with("_iam_binding"))
                    || t.starts_with("google_cloud_run_")
                        && (t.ends_with("_iam_member") || t.ends_with("_iam_binding")) =>
                {
                    let role = b.get("role").and_then(Value::as_str).unwrap_or("");
                    if !(role.ends_with(".invoker") || role == "roles/run.invoker") {
                        continue;
                    }
                    let members: Vec<&Value> = b
                        .get("member")
                        .into_iter()
                        .chain(
                            b.get("members")
                                .map(|m| m.items().iter().collect::<Vec<_>>())
                                .unwrap_or_default(),
                        )
                        .collect();
                    let function = b.get("cloud_function").and_then(|v| self.function_of(v));
                    for m in members {
                        let Some(name) = m.as_str() else { continue };
                        let public = name == "allUsers" || name == "allAuthenticatedUsers";
                        self.inv.endpoints.push(Endpoint {
                            kind: EndpointKind::GoogleInvoker,
                            resource: r.address.clone(),
                            route: name.to_string(),
                            auth: Attr::Set(
                                if public {
                                    EndpointAuth::None
                                } else {
                                    EndpointAuth::Authorizer(name.to_string())
                                },
                                m.pos,
                            ),
                            cors: None,
                            function,
                            pos: m.pos,
                        });
                    }
                }
                _ => {}
            }
        }
    }

    fn async_trigger(&mut self, target: Option<&Value>, source: &str, pos: Pos) {
        if let Some(i) = target.and_then(|t| self.function_of(t)) {
            self.inv.functions[i]
                .triggers
                .push(Trigger::new(TriggerKind::Async, source, pos));
        }
    }

    fn function_of(&self, v: &Value) -> Option<usize> {
        if let Some(t) = v.ref_target() {
            return self.functions.get(t).copied();
        }
        let name = v.as_str()?;
        self.inv.functions.iter().position(|f| f.name == name)
    }

    /// Whether the layers of this configuration that functions use may be read by any
    /// account: an `aws_lambda_layer_version_permission` with `principal = "*"` and no
    /// `organization_id` opens the layer its `layer_name` names.
    fn link_layers(&mut self) {
        let mut template_layers = HashSet::new();
        let mut public = HashSet::new();
        for (_, r) in self.resources {
            match r.rtype.as_str() {
                "aws_lambda_layer_version" => {
                    template_layers.insert(r.address.clone());
                }
                "aws_lambda_layer_version_permission"
                    if r.body.get("principal").and_then(Value::as_str) == Some("*")
                        && r.body.get("organization_id").is_none() =>
                {
                    if let Some(layer) = r.body.get("layer_name") {
                        public.insert(
                            layer
                                .ref_target()
                                .map(str::to_string)
                                .unwrap_or_else(|| layer.display()),
                        );
                    }
                }
                _ => {}
            }
        }
        crate::model::link_layers(&mut self.inv.functions, &template_layers, &public);
    }
}

fn tf_rules(
    b: &Value,
    direction: Direction,
    resource: &str,
    v4: &str,
    v6: &str,
    proto_key: &str,
) -> Vec<SecurityGroupRule> {
    let protocol = b
        .get(proto_key)
        .and_then(Value::as_text)
        .filter(|p| p != "-1" && !p.eq_ignore_ascii_case("all"));
    let from = b.get("from_port").and_then(Value::as_i64);
    let to = b.get("to_port").and_then(Value::as_i64);
    let mut out = Vec::new();
    for key in [v4, v6] {
        for c in b.get(key).map(|c| c.one_or_many()).unwrap_or_default() {
            if let Some(cidr) = c.as_str() {
                out.push(SecurityGroupRule {
                    resource: resource.to_string(),
                    direction,
                    cidr: cidr.to_string(),
                    protocol: protocol.clone(),
                    from_port: from,
                    to_port: to,
                    pos: c.pos,
                });
            }
        }
    }
    out
}
