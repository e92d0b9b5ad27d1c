//! Live resources into the serverless model: each deployed function becomes the same
//! [`Function`] a template would give, its role a [`Role`] with the statements of its
//! inline and attached policies, its resource policy [`InvokePermission`]s, its API routes
//! [`Endpoint`]s. Every position is a [`Locator`] ticket for an ARN and field.

use std::collections::BTreeMap;

use palisade_core::{Finding, Location};
use palisade_serverless::model::{
    arn_account, ApiStage, Attr, Boundary, Cloud, Cors, Endpoint, EndpointAuth, EndpointKind,
    EnvVar, Format, Function, FunctionUrl, InvokePermission, LayerRef, LogGroup, Role, RoleUsage,
    Spanned, Trigger, TriggerKind, VpcConfig,
};
use palisade_serverless::value::Value;
use palisade_serverless::Inventory;

use crate::collect::{ApiKind, Collected, FunctionData, RoleData};
use crate::error::{CallError, CallErrorKind};
use crate::locate::Locator;
use crate::policy_doc;

/// The model of one account, the locator for its findings, and the documents that could
/// not be read.
pub(crate) fn build(c: &Collected) -> (Inventory, Locator, Vec<CallError>) {
    let mut inv = Inventory::new(format!("aws:{}", c.account), Format::CloudFormation);
    let mut loc = Locator::default();
    let mut errors = Vec::new();
    let mut role_index: BTreeMap<&str, usize> = BTreeMap::new();
    for (arn, role) in &c.roles {
        role_index.insert(arn.as_str(), inv.roles.len());
        inv.roles.push(role_model(role, &mut loc, &mut errors));
    }
    for region in &c.regions {
        let first = inv.functions.len();
        let mut by_name: BTreeMap<&str, usize> = BTreeMap::new();
        for f in &region.functions {
            by_name.insert(f.name.as_str(), inv.functions.len());
            let mut model = function_model(f, &mut loc);
            model.role = f.role.as_deref().and_then(|r| role_index.get(r).copied());
            for (i, arn) in f.layers.iter().enumerate() {
                let public = match region.layer_policies.get(arn) {
                    Some(text) => match policy_doc::parse(text) {
                        Ok(doc) => Some(is_public(&doc)),
                        Err(e) => {
                            errors.push(CallError::new(
                                "lambda:GetLayerVersionPolicy",
                                &region.region,
                                Some(arn),
                                CallErrorKind::Malformed,
                                format!("layer policy is not a policy document ({e})"),
                            ));
                            None
                        }
                    },
                    // Read for the account's own layers: no policy is private.
                    None if arn_account(arn) == arn_account(&f.arn) => Some(false),
                    None => None,
                };
                model.layers.push(LayerRef {
                    arn: Spanned {
                        value: arn.clone(),
                        pos: loc.pos(&f.arn, Some(&format!("Layers[{i}]"))),
                    },
                    public,
                });
            }
            // The function's own policy, then each alias's (invoking `NAME:ALIAS`).
            let policies = f
                .policy
                .iter()
                .map(|text| (f.arn.as_str(), text.as_str()))
                .chain(
                    f.alias_policies
                        .iter()
                        .map(|(arn, text)| (arn.as_str(), text.as_str())),
                );
            for (arn, text) in policies {
                match policy_doc::parse(text) {
                    Ok(doc) => {
                        let perms = permissions(&doc, arn, &mut loc);
                        for p in &perms {
                            if let Some(t) = async_trigger(p) {
                                model.triggers.push(t);
                            }
                        }
                        inv.permissions.extend(perms);
                    }
                    Err(e) => errors.push(CallError::new(
                        "lambda:GetPolicy",
                        &region.region,
                        Some(&f.name),
                        CallErrorKind::Malformed,
                        format!("resource policy of {arn} is not a policy document ({e})"),
                    )),
                }
            }
            if let Some((arn, days)) = region.log_groups.get(&format!("/aws/lambda/{}", f.name)) {
                let pos = loc.pos(arn, Some("retentionInDays"));
                let retention = match days {
                    Some(d) => Attr::Set(i64::from(*d), pos),
                    None => Attr::Unset,
                };
                model.log_retention_days = retention.clone();
                inv.log_groups.push(LogGroup {
                    resource: arn.clone(),
                    retention_days: retention,
                    pos,
                });
            }
            inv.functions.push(model);
        }
        for m in &region.mappings {
            let Some(&i) = function_name_in(&m.function_arn).and_then(|n| by_name.get(n)) else {
                continue;
            };
            let stream = m.source_arn.contains(":kinesis:") || m.source_arn.contains(":dynamodb:");
            let mut t = Trigger::new(
                TriggerKind::Poll,
                service_of(&m.source_arn),
                loc.pos(&m.arn, Some("DestinationConfig.OnFailure")),
            );
            t.stream = stream;
            if let Some(d) = &m.on_failure {
                t.on_failure = Attr::Set(d.clone(), t.pos);
            }
            inv.functions[i].triggers.push(t);
        }
        for r in &region.routes {
            let Some(&i) = r
                .integration_uri
                .as_deref()
                .and_then(function_name_in)
                .and_then(|n| by_name.get(n))
            else {
                continue;
            };
            let pos = loc.pos(&r.arn, Some("authorizationType"));
            let auth = if r.authorization.eq_ignore_ascii_case("NONE") {
                if r.api_key_required {
                    EndpointAuth::ApiKey
                } else {
                    EndpointAuth::None
                }
            } else {
                EndpointAuth::Authorizer(r.authorization.clone())
            };
            inv.endpoints.push(Endpoint {
                kind: match r.kind {
                    ApiKind::Rest => EndpointKind::RestApi,
                    ApiKind::Http => EndpointKind::HttpApi,
                },
                resource: r.arn.clone(),
                route: r.route.clone(),
                auth: Attr::Set(auth, pos),
                cors: None,
                function: Some(i),
                pos,
            });
            inv.functions[i]
                .triggers
                .push(Trigger::new(TriggerKind::Http, "Api", pos));
        }
        for s in &region.stages {
            let pos = loc.pos(&s.arn, Some("accessLogSettings"));
            inv.stages.push(ApiStage {
                resource: s.arn.clone(),
                kind: match s.kind {
                    ApiKind::Rest => EndpointKind::RestApi,
                    ApiKind::Http => EndpointKind::HttpApi,
                },
                access_logging: Attr::Set(s.access_logging, pos),
                pos,
            });
        }
        debug_assert!(inv.functions.len() >= first);
    }
    (inv, loc, errors)
}

fn function_model(f: &FunctionData, loc: &mut Locator) -> Function {
    let arn = f.arn.as_str();
    let mut m = Function::new(
        arn.to_string(),
        f.name.clone(),
        Cloud::Aws,
        loc.pos(arn, None),
    );
    let set = |v: Option<String>, field: &str, loc: &mut Locator| match v {
        Some(v) => Attr::Set(v, loc.pos(arn, Some(field))),
        None => Attr::Unset,
    };
    m.runtime = set(f.runtime.clone(), "Runtime", loc);
    m.handler = set(f.handler.clone(), "Handler", loc);
    m.role_ref = set(f.role.clone(), "Role", loc);
    m.kms_key = set(f.kms_key.clone(), "KMSKeyArn", loc);
    m.code_signing = set(f.code_signing.clone(), "CodeSigningConfigArn", loc);
    m.dead_letter = match (&f.dead_letter, &f.on_failure) {
        (Some(d), _) => Attr::Set(d.clone(), loc.pos(arn, Some("DeadLetterConfig.TargetArn"))),
        (None, Some(d)) => Attr::Set(
            d.clone(),
            loc.pos(arn, Some("EventInvokeConfig.DestinationConfig.OnFailure")),
        ),
        (None, None) => Attr::Unset,
    };
    m.image = f.image;
    let num = |v: Option<i32>, field: &str, loc: &mut Locator| match v {
        Some(v) => Attr::Set(i64::from(v), loc.pos(arn, Some(field))),
        None => Attr::Unset,
    };
    m.timeout = num(f.timeout, "Timeout", loc);
    m.memory = num(f.memory, "MemorySize", loc);
    m.reserved_concurrency = num(
        f.reserved_concurrency,
        "Concurrency.ReservedConcurrentExecutions",
        loc,
    );
    m.provisioned_concurrency = num(
        f.provisioned_concurrency,
        "ProvisionedConcurrencyConfigs",
        loc,
    );
    // `PassThrough` is what a function gets when nothing asks for tracing: the same as a
    // template that does not set it, and reported with the same message.
    if f.tracing_active == Some(true) {
        m.tracing = Attr::Set(true, loc.pos(arn, Some("TracingConfig.Mode")));
    }
    if let Some((subnets, groups)) = &f.vpc {
        m.vpc = Attr::Set(
            VpcConfig {
                subnets: *subnets,
                security_groups: groups.clone(),
            },
            loc.pos(arn, Some("VpcConfig")),
        );
    }
    if !f.environment.is_empty() {
        m.environment_pos = Some(loc.pos(arn, Some("Environment.Variables")));
    }
    for (name, value) in &f.environment {
        let pos = loc.pos(arn, Some(&format!("Environment.Variables.{name}")));
        m.environment.push(EnvVar {
            name: name.clone(),
            value: Attr::Set(value.clone(), pos),
            pos,
        });
    }
    for u in &f.urls {
        let pos = loc.pos(&u.arn, Some("FunctionUrlConfig.AuthType"));
        let url = FunctionUrl {
            auth_type: Attr::Set(u.auth_type.clone(), pos),
            cors: u.has_cors.then(|| Cors {
                allow_origins: u.allow_origins.clone(),
                allow_credentials: u.allow_credentials,
                pos: loc.pos(&u.arn, Some("FunctionUrlConfig.Cors")),
            }),
            pos,
        };
        // `arn:aws:lambda:REGION:ACCOUNT:function:NAME[:ALIAS]`
        match u
            .arn
            .split(':')
            .nth(7)
            .filter(|q| !q.is_empty() && *q != "$LATEST")
        {
            Some(alias) => m.alias_urls.push((alias.to_string(), url)),
            None if m.url.is_none() => m.url = Some(url),
            None => {}
        }
    }
    m
}

fn role_model(r: &RoleData, loc: &mut Locator, errors: &mut Vec<CallError>) -> Role {
    let mut role = Role::new(r.arn.clone(), r.name.clone(), loc.pos(&r.arn, None));
    for (name, text) in &r.inline {
        let field = format!("RolePolicy.{name}");
        add_document(
            &mut role,
            text,
            &format!("inline policy {name}"),
            &r.arn,
            &field,
            loc,
            errors,
            "iam:GetRolePolicy",
        );
    }
    for (arn, document) in &r.attached {
        let pos = loc.pos(&r.arn, Some(&format!("AttachedPolicies.{arn}")));
        match document {
            // A managed policy whose document was fetched is judged from it, statement by
            // statement; the ones the serverless crate knows are judged from its table.
            Some(text) => {
                add_document(
                    &mut role,
                    text,
                    &format!("policy {arn}"),
                    &r.arn,
                    &format!("AttachedPolicies.{arn}"),
                    loc,
                    errors,
                    "iam:GetPolicyVersion",
                );
            }
            None => role.managed_policies.push(Spanned {
                value: arn.clone(),
                pos,
            }),
        }
    }
    if let Some((arn, document)) = &r.boundary {
        let pos = loc.pos(&r.arn, Some("PermissionsBoundary"));
        // A document that could not be read or parsed caps nothing: the policies are
        // judged alone, as when there is no boundary (the call's error says why).
        let statements = document.as_deref().and_then(|text| {
            let mut holder = Role::new(r.arn.clone(), r.name.clone(), pos);
            add_document(
                &mut holder,
                text,
                &format!("permissions boundary {arn}"),
                &r.arn,
                "PermissionsBoundary",
                loc,
                errors,
                "iam:GetPolicyVersion",
            )
            .then_some(holder.statements)
        });
        role.boundary = Some(Boundary {
            policy: Spanned {
                value: arn.clone(),
                pos,
            },
            statements,
        });
    }
    if let Some(a) = r.activity {
        role.usage = Some(RoleUsage {
            created: a.created,
            last_used: a.last_used,
            observed: a.observed,
            pos: loc.pos(&r.arn, Some("RoleLastUsed")),
        });
    }
    role
}

#[allow(clippy::too_many_arguments)]
fn add_document(
    role: &mut Role,
    text: &str,
    source: &str,
    role_arn: &str,
    field: &str,
    loc: &mut Locator,
    errors: &mut Vec<CallError>,
    action: &str,
) -> bool {
    match policy_doc::parse(text) {
        Ok(doc) => {
            for (i, mut st) in palisade_serverless::iam::statements(&doc, source)
                .into_iter()
                .enumerate()
            {
                let pos = loc.pos(role_arn, Some(&format!("{field}.Statement[{i}]")));
                st.pos = pos;
                for s in st
                    .actions
                    .iter_mut()
                    .chain(st.not_actions.iter_mut())
                    .chain(st.resources.iter_mut())
                    .chain(st.not_resources.iter_mut())
                {
                    s.pos = pos;
                }
                role.statements.push(st);
            }
            true
        }
        Err(e) => {
            errors.push(CallError::new(
                action,
                "global",
                Some(&role.name),
                CallErrorKind::Malformed,
                format!("{source} is not a policy document ({e}); the role is judged without it"),
            ));
            false
        }
    }
}

/// The statements of a function's (or an alias's: `arn`) resource-based policy as invoke
/// permissions.
fn permissions(doc: &Value, arn: &str, loc: &mut Locator) -> Vec<InvokePermission> {
    let mut out = Vec::new();
    let statements = doc
        .get("Statement")
        .map(Value::one_or_many)
        .unwrap_or_default();
    for (i, s) in statements.into_iter().enumerate() {
        let allow = s
            .get_ci("Effect")
            .and_then(Value::as_str)
            .is_none_or(|e| e.eq_ignore_ascii_case("allow"));
        if !allow {
            continue;
        }
        let sid = s
            .get_ci("Sid")
            .and_then(Value::as_text)
            .unwrap_or_else(|| i.to_string());
        let pos = loc.pos(arn, Some(&format!("Policy.Statement[{sid}].Principal")));
        let principal = match s.get_ci("Principal") {
            Some(p) if p.as_str().is_some() => p.as_str().map(str::to_string),
            Some(p) => p
                .get_ci("AWS")
                .or_else(|| p.get_ci("Service"))
                .and_then(|v| {
                    v.one_or_many()
                        .first()
                        .and_then(|x| x.as_str())
                        .map(str::to_string)
                }),
            None => None,
        };
        let mut keys: Vec<(String, Option<String>)> = Vec::new();
        if let Some(cond) = s.get_ci("Condition") {
            for (_, block) in cond.entries() {
                for (k, v) in block.entries() {
                    keys.push((
                        k.to_ascii_lowercase(),
                        v.one_or_many().first().and_then(|x| x.as_text()),
                    ));
                }
            }
        }
        let has = |name: &str| keys.iter().any(|(k, _)| k == name);
        out.push(InvokePermission {
            resource: arn.to_string(),
            principal: match principal {
                Some(p) => Attr::Set(p, pos),
                None => Attr::Unknown(pos),
            },
            source_arn: has("aws:sourcearn"),
            source_account: has("aws:sourceaccount"),
            principal_org: has("aws:principalorgid"),
            for_public_url: keys
                .iter()
                .any(|(k, v)| k == "lambda:functionurlauthtype" && v.as_deref() == Some("NONE")),
            pos,
        });
    }
    out
}

/// Whether a resource policy lets any account in: an `Allow` to Principal `*` (or
/// `{"AWS": "*"}`) without an `aws:PrincipalOrgID` condition.
fn is_public(doc: &Value) -> bool {
    let statements = doc
        .get("Statement")
        .map(Value::one_or_many)
        .unwrap_or_default();
    statements.into_iter().any(|s| {
        let allow = s
            .get_ci("Effect")
            .and_then(Value::as_str)
            .is_some_and(|e| e.eq_ignore_ascii_case("allow"));
        let anyone = match s.get_ci("Principal") {
            Some(p) if p.as_str().is_some() => p.as_str() == Some("*"),
            Some(p) => p
                .get_ci("AWS")
                .is_some_and(|v| v.one_or_many().iter().any(|x| x.as_str() == Some("*"))),
            None => false,
        };
        let org = s.get_ci("Condition").is_some_and(|c| {
            c.entries().iter().any(|(_, block)| {
                block
                    .entries()
                    .iter()
                    .any(|(k, _)| k.eq_ignore_ascii_case("aws:PrincipalOrgID"))
            })
        });
        allow && anyone && !org
    })
}

/// Services that invoke a function asynchronously, recognised by their principal in the
/// resource policy: their failed events need a dead-letter queue or on-failure destination.
fn async_trigger(p: &InvokePermission) -> Option<Trigger> {
    let Attr::Set(principal, pos) = &p.principal else {
        return None;
    };
    let service = principal.strip_suffix(".amazonaws.com")?;
    matches!(
        service,
        "s3" | "sns" | "events" | "iot" | "logs" | "ses" | "codecommit" | "config" | "scheduler"
    )
    .then(|| Trigger::new(TriggerKind::Async, service, *pos))
}

/// `arn:aws:kinesis:...` -> `kinesis`.
fn service_of(arn: &str) -> String {
    arn.split(':').nth(2).unwrap_or("unknown").to_string()
}

/// The function name in a Lambda ARN or an API Gateway integration URI
/// (`.../functions/arn:aws:lambda:r:a:function:NAME[:alias]/invocations`).
fn function_name_in(text: &str) -> Option<&str> {
    let rest = &text[text.find(":function:")? + ":function:".len()..];
    let end = rest.find([':', '/']).unwrap_or(rest.len());
    Some(&rest[..end]).filter(|n| !n.is_empty())
}

/// Account-level privilege escalation that template rules cannot see, because only the
/// live scan knows a function's own ARN: a role allowed to replace the code or change the
/// configuration of the very function it runs (reported under FN006; a grant on `*` is
/// FN006's own finding already).
pub(crate) fn self_modification_findings(inv: &Inventory, loc: &Locator) -> Vec<Finding> {
    let Some(rule) = palisade_serverless::rules()
        .into_iter()
        .find(|r| r.id == "FN006")
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for f in &inv.functions {
        let Some(role) = f.role.and_then(|i| inv.roles.get(i)) else {
            continue;
        };
        for st in role
            .statements
            .iter()
            .filter(|s| s.allow && !s.has_condition)
        {
            for action in [
                "lambda:UpdateFunctionCode",
                "lambda:UpdateFunctionConfiguration",
            ] {
                if !st
                    .actions
                    .iter()
                    .any(|a| palisade_serverless::iam::action_matches(&a.value, action))
                {
                    continue;
                }
                let own = st.resources.iter().any(|r| {
                    r.value != "*"
                        && palisade_core::text::wildcard_match(&r.value, &f.resource, false)
                });
                // A permissions boundary that does not allow it on the function takes it away.
                let allowed = role.boundary.as_ref().is_none_or(|b| {
                    b.reach(action, &[f.resource.as_str()])
                        != palisade_serverless::boundary::Reach::Blocked
                });
                let own = own && allowed;
                if own {
                    let mut location = Location::at(inv.path.clone(), st.pos.line.max(1), 1)
                        .with_resource(f.resource.clone());
                    loc.relocate(&mut location);
                    out.push(Finding::new(
                        rule,
                        format!(
                            "function {} can change itself: its role {} allows {action} on the function's own ARN",
                            f.name, role.name
                        ),
                        location,
                    ));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// moto keeps neither `KMSKeyArn` nor `DeadLetterConfig`; their mapping is checked here.
    #[test]
    fn kms_key_and_dead_letter_queue_silence_sec301_and_log004() {
        use crate::collect::RegionData;
        let function = |name: &str, protected: bool| {
            FunctionData {
            name: name.into(),
            arn: format!("arn:aws:lambda:us-east-1:1:function:{name}"),
            runtime: Some("python3.12".into()),
            environment: vec![("DB_PASSWORD".into(), "{{resolve:ssm:x}}".into())],
            kms_key: protected.then(|| "arn:aws:kms:us-east-1:1:key/k".into()),
            dead_letter: protected.then(|| "arn:aws:sqs:us-east-1:1:dlq".into()),
            policy: Some(
                r#"{"Statement":[{"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},
                    "Action":"lambda:InvokeFunction","Resource":"x",
                    "Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::b"}}}]}"#
                    .into(),
            ),
            ..FunctionData::default()
        }
        };
        let collected = Collected {
            account: "1".into(),
            regions: vec![RegionData {
                region: "us-east-1".into(),
                functions: vec![function("bare", false), function("protected", true)],
                ..RegionData::default()
            }],
            ..Collected::default()
        };
        let (inv, loc, errors) = build(&collected);
        assert!(errors.is_empty());
        let mut findings =
            palisade_serverless::check(&inv, &palisade_serverless::ServerlessSettings::default());
        for f in &mut findings {
            loc.relocate(&mut f.location);
        }
        let on = |rule: &str, name: &str| {
            findings
                .iter()
                .any(|f| f.rule_id == rule && f.location.path.ends_with(&format!(":{name}")))
        };
        assert!(
            on("SEC301", "bare") && on("LOG004", "bare"),
            "{findings:#?}"
        );
        assert!(
            !on("SEC301", "protected") && !on("LOG004", "protected"),
            "{findings:#?}"
        );
    }

    #[test]
    fn a_malformed_resource_policy_is_an_error_naming_the_call() {
        use crate::collect::RegionData;
        let collected = Collected {
            account: "1".into(),
            regions: vec![RegionData {
                region: "eu-west-1".into(),
                functions: vec![FunctionData {
                    name: "f".into(),
                    arn: "arn:aws:lambda:eu-west-1:1:function:f".into(),
                    policy: Some("{\"Statement\": [".into()),
                    ..FunctionData::default()
                }],
                ..RegionData::default()
            }],
            ..Collected::default()
        };
        let (inv, _, errors) = build(&collected);
        assert_eq!(inv.functions.len(), 1);
        assert_eq!(errors.len(), 1);
        let text = errors[0].to_string();
        assert!(
            text.starts_with("lambda:GetPolicy in eu-west-1 (f): unreadable response"),
            "{text}"
        );
    }

    /// An alias has its own resource policy: a statement there that lets anyone invoke
    /// `f:live` is reported on the alias, and the function's own policy stays judged too.
    #[test]
    fn an_alias_policy_open_to_anyone_is_reported_on_the_alias() {
        use crate::collect::RegionData;
        let function = "arn:aws:lambda:eu-west-1:111111111111:function:f";
        let alias = format!("{function}:live");
        let open = r#"{"Statement":[{"Sid":"anyone","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"x"}]}"#;
        let scoped = r#"{"Statement":[{"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"x",
            "Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::uploads"},"StringEquals":{"AWS:SourceAccount":"111111111111"}}}]}"#;
        let collected = Collected {
            account: "111111111111".into(),
            regions: vec![RegionData {
                region: "eu-west-1".into(),
                functions: vec![FunctionData {
                    name: "f".into(),
                    arn: function.into(),
                    policy: Some(scoped.into()),
                    alias_policies: vec![(alias.clone(), open.into())],
                    ..FunctionData::default()
                }],
                ..RegionData::default()
            }],
            ..Collected::default()
        };
        let (inv, loc, errors) = build(&collected);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(inv.permissions.len(), 2);
        let mut findings = palisade_serverless::check(&inv, &Default::default());
        for f in &mut findings {
            loc.relocate(&mut f.location);
        }
        let on_alias: Vec<_> = findings
            .iter()
            .filter(|f| f.location.path == alias)
            .map(|f| (f.rule_id.to_string(), f.location.field.clone()))
            .collect();
        assert_eq!(
            on_alias,
            [(
                "FN008".to_string(),
                Some("Policy.Statement[anyone].Principal".to_string())
            )],
            "{findings:#?}"
        );
        let fn008: Vec<_> = findings.iter().filter(|f| f.rule_id == "FN008").collect();
        assert_eq!(
            fn008.len(),
            1,
            "the scoped S3 permission is not FN008: {fn008:#?}"
        );
    }

    /// moto rewrites a layer ARN of another account to its own layer, so the cross-account
    /// case is checked here; and a policy limited to the organization is not public.
    #[test]
    fn layers_of_other_accounts_and_organization_policies() {
        use crate::collect::RegionData;
        let own = "arn:aws:lambda:eu-west-1:111111111111:layer:org-lib:3";
        let vendor = "arn:aws:lambda:eu-west-1:222222222222:layer:vendor-lib:7";
        let trusted = "arn:aws:lambda:eu-west-1:333333333333:layer:powertools:2";
        let collected = Collected {
            account: "111111111111".into(),
            regions: vec![RegionData {
                region: "eu-west-1".into(),
                functions: vec![FunctionData {
                    name: "f".into(),
                    arn: "arn:aws:lambda:eu-west-1:111111111111:function:f".into(),
                    layers: vec![own.into(), vendor.into(), trusted.into()],
                    ..FunctionData::default()
                }],
                layer_policies: [(
                    own.to_string(),
                    r#"{"Statement":[{"Sid":"org","Effect":"Allow","Principal":"*","Action":"lambda:GetLayerVersion","Resource":"x",
                        "Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc"}}}]}"#
                        .to_string(),
                )]
                .into(),
                ..RegionData::default()
            }],
            ..Collected::default()
        };
        let (inv, loc, errors) = build(&collected);
        assert!(errors.is_empty(), "{errors:?}");
        let layers = &inv.functions[0].layers;
        assert_eq!(layers.len(), 3);
        assert_eq!(layers[0].public, Some(false));
        assert_eq!(layers[1].public, None);
        let settings = palisade_serverless::ServerlessSettings {
            trusted_layer_accounts: vec!["333333333333".into()],
            ..palisade_serverless::ServerlessSettings::default()
        };
        let mut findings = palisade_serverless::check(&inv, &settings);
        for f in &mut findings {
            loc.relocate(&mut f.location);
        }
        let layer_findings: Vec<_> = findings
            .iter()
            .filter(|f| f.rule_id == "FN011" || f.rule_id == "FN012")
            .map(|f| {
                (
                    f.rule_id.to_string(),
                    f.location.field.clone(),
                    f.message.clone(),
                )
            })
            .collect();
        assert_eq!(
            layer_findings,
            [(
                "FN011".to_string(),
                Some("Layers[1]".to_string()),
                format!("function f runs layer {vendor} published by account 222222222222, not its own (111111111111)")
            )]
        );
        let doc = policy_doc::parse(
            r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":["*"]},"Action":"lambda:GetLayerVersion"}]}"#,
        )
        .unwrap();
        assert!(is_public(&doc));
    }

    /// moto does not implement URLs on aliases (nor ListFunctionUrlConfigs): the mapping of
    /// what AWS answers is checked here.
    #[test]
    fn an_alias_url_is_judged_like_the_function_url() {
        use crate::collect::{RegionData, UrlData};
        let arn = "arn:aws:lambda:us-east-1:1:function:f";
        let url = |arn: String, auth: &str| UrlData {
            arn,
            auth_type: auth.into(),
            ..UrlData::default()
        };
        let collected = Collected {
            account: "1".into(),
            regions: vec![RegionData {
                region: "us-east-1".into(),
                functions: vec![FunctionData {
                    name: "f".into(),
                    arn: arn.into(),
                    urls: vec![
                        url(arn.into(), "AWS_IAM"),
                        url(format!("{arn}:live"), "NONE"),
                    ],
                    ..FunctionData::default()
                }],
                ..RegionData::default()
            }],
            ..Collected::default()
        };
        let (inv, loc, _) = build(&collected);
        let f = &inv.functions[0];
        assert_eq!(
            f.url
                .as_ref()
                .and_then(|u| u.auth_type.value())
                .map(String::as_str),
            Some("AWS_IAM")
        );
        assert_eq!(f.alias_urls.len(), 1);
        assert_eq!(f.alias_urls[0].0, "live");
        let mut findings =
            palisade_serverless::check(&inv, &palisade_serverless::ServerlessSettings::default());
        for x in &mut findings {
            loc.relocate(&mut x.location);
        }
        let auth003: Vec<_> = findings.iter().filter(|x| x.rule_id == "AUTH003").collect();
        assert_eq!(auth003.len(), 1, "{findings:#?}");
        assert_eq!(
            auth003[0].message,
            "function f (alias live) has a public URL with AuthType NONE"
        );
        assert_eq!(auth003[0].location.path, format!("{arn}:live"));
    }

    /// A boundary document that is not one is an error naming the call, and caps nothing:
    /// the role's `*` stays critical.
    #[test]
    fn a_malformed_boundary_is_reported_and_caps_nothing() {
        use crate::collect::RegionData;
        let role = "arn:aws:iam::1:role/r";
        let collected = Collected {
            account: "1".into(),
            regions: vec![RegionData {
                region: "us-east-1".into(),
                functions: vec![FunctionData {
                    name: "f".into(),
                    arn: "arn:aws:lambda:us-east-1:1:function:f".into(),
                    role: Some(role.into()),
                    ..FunctionData::default()
                }],
                ..RegionData::default()
            }],
            roles: [(
                role.to_string(),
                RoleData {
                    arn: role.into(),
                    name: "r".into(),
                    inline: vec![(
                        "wide".into(),
                        r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#.into(),
                    )],
                    boundary: Some((
                        "arn:aws:iam::1:policy/edge".into(),
                        Some("{\"Statement\": [".into()),
                    )),
                    complete: true,
                    ..RoleData::default()
                },
            )]
            .into(),
            ..Collected::default()
        };
        let (inv, _, errors) = build(&collected);
        assert_eq!(errors.len(), 1, "{errors:?}");
        let text = errors[0].to_string();
        assert!(
            text.starts_with("iam:GetPolicyVersion in global (r): unreadable response: permissions boundary arn:aws:iam::1:policy/edge is not a policy document"),
            "{text}"
        );
        let boundary = inv.roles[0]
            .boundary
            .as_ref()
            .expect("the boundary is named");
        assert!(boundary.statements.is_none());
        let findings =
            palisade_serverless::check(&inv, &palisade_serverless::ServerlessSettings::default());
        let fn001: Vec<_> = findings.iter().filter(|f| f.rule_id == "FN001").collect();
        assert_eq!(fn001.len(), 1);
        assert_eq!(fn001[0].severity, palisade_core::Severity::Critical);
    }

    #[test]
    fn finds_function_names_in_integration_uris() {
        assert_eq!(
            function_name_in("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:api/invocations"),
            Some("api")
        );
        assert_eq!(
            function_name_in("arn:aws:lambda:us-east-1:123456789012:function:api:live"),
            Some("api")
        );
        assert_eq!(function_name_in("https://example.com"), None);
    }

    #[test]
    fn public_principal_and_its_conditions() {
        let doc = policy_doc::parse(
            r#"{"Statement":[
              {"Sid":"open","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"x"},
              {"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"x",
               "Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::b"}}},
              {"Sid":"url","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl","Resource":"x",
               "Condition":{"StringEquals":{"lambda:FunctionUrlAuthType":"NONE"}}}]}"#,
        )
        .unwrap();
        let f = FunctionData {
            arn: "arn:aws:lambda:us-east-1:1:function:f".into(),
            ..FunctionData::default()
        };
        let mut loc = Locator::default();
        let p = permissions(&doc, &f.arn, &mut loc);
        assert_eq!(p.len(), 3);
        assert_eq!(p[0].principal.value().map(String::as_str), Some("*"));
        assert!(!p[0].source_arn && !p[0].for_public_url);
        assert!(p[1].source_arn);
        assert_eq!(
            async_trigger(&p[1]).map(|t| t.source),
            Some("s3".to_string())
        );
        assert!(p[2].for_public_url);
    }
}
