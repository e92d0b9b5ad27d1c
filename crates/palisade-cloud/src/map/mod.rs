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

mod account;
mod resource_policy;
mod role;
mod targets;
#[cfg(test)]
mod tests;

pub(crate) use account::self_modification_findings;
use resource_policy::{async_trigger, function_name_in, is_public, permissions, service_of};
use role::role_model;
pub(crate) use targets::target_findings;

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
