//! API Gateway around functions: execution logging of stages (from the stage itself or
//! the method settings that name it) and the TLS policy of REST custom domains. Access
//! logging of stages belongs to the serverless model (LOG003).

use std::collections::HashMap;

use super::model::*;
use super::{attr_str, blocks, SourceResource};
use crate::model::Attr;
use crate::value::{Pos, Value, ValueKind};

pub(super) const TERRAFORM_TYPES: &[&str] = &[
    "aws_api_gateway_stage",
    "aws_api_gateway_method_settings",
    "aws_apigatewayv2_api",
    "aws_apigatewayv2_stage",
    "aws_api_gateway_domain_name",
    "aws_api_gateway_rest_api",
    "aws_wafv2_web_acl_association",
    "aws_wafregional_web_acl_association",
];

pub(super) const CFN_TYPES: &[&str] = &[
    "AWS::ApiGateway::Stage",
    "AWS::ApiGatewayV2::Api",
    "AWS::ApiGatewayV2::Stage",
    "AWS::ApiGateway::DomainName",
];

pub(super) fn terraform(resources: &[SourceResource], p: &mut Platform) {
    web_acls(resources, p);
    // Method settings by the stage they name; `None` when they cannot be tied to one.
    let mut settings: HashMap<&str, Vec<Attr<String>>> = HashMap::new();
    let mut unlinked = false;
    let stages: Vec<&SourceResource> = resources
        .iter()
        .filter(|r| r.rtype == "aws_api_gateway_stage")
        .collect();
    for r in resources
        .iter()
        .filter(|r| r.rtype == "aws_api_gateway_method_settings")
    {
        let b = r.body;
        let level = match blocks(b, "settings").first() {
            Some(s) => level(s.get("logging_level"), s.pos),
            None => Attr::Set("OFF".to_string(), r.pos),
        };
        let stage = match b.get("stage_name") {
            Some(v) => match (&v.kind, v.ref_target()) {
                (_, Some(t)) => stages.iter().find(|s| s.key == t).map(|s| s.key),
                (ValueKind::Str(name), None) => {
                    let api = b.get("rest_api_id").map(Value::display);
                    let same: Vec<&&SourceResource> = stages
                        .iter()
                        .filter(|s| {
                            s.body.get("stage_name").and_then(Value::as_str) == Some(name)
                                && s.body.get("rest_api_id").map(Value::display) == api
                        })
                        .collect();
                    match same.as_slice() {
                        [only] => Some(only.key),
                        _ => None,
                    }
                }
                _ => None,
            },
            None => None,
        };
        match stage {
            Some(key) => settings.entry(key).or_default().push(level),
            None => unlinked = true,
        }
    }
    let websocket: Vec<&str> = resources
        .iter()
        .filter(|r| {
            r.rtype == "aws_apigatewayv2_api"
                && r.body
                    .get("protocol_type")
                    .and_then(Value::as_str)
                    .is_some_and(|t| t.eq_ignore_ascii_case("WEBSOCKET"))
        })
        .map(|r| r.key)
        .collect();
    for r in resources {
        let b = r.body;
        match r.rtype {
            "aws_api_gateway_stage" => {
                let logging_level = match settings.get(r.key) {
                    Some(levels) => strongest(levels),
                    None if unlinked => Attr::Unknown(r.pos),
                    None => Attr::Set("OFF".to_string(), r.pos),
                };
                p.api_stages.push(ApiStageLogging {
                    resource: r.id.clone(),
                    pos: r.pos,
                    logging_level,
                });
            }
            "aws_apigatewayv2_stage" => {
                let api = b.get("api_id").and_then(Value::ref_target);
                if !api.is_some_and(|a| websocket.contains(&a)) {
                    continue;
                }
                let logging_level = match blocks(b, "default_route_settings").first() {
                    Some(s) => level(s.get("logging_level"), s.pos),
                    None => Attr::Set("OFF".to_string(), r.pos),
                };
                p.api_stages.push(ApiStageLogging {
                    resource: r.id.clone(),
                    pos: r.pos,
                    logging_level,
                });
            }
            "aws_api_gateway_domain_name" => p.api_domains.push(ApiDomain {
                resource: r.id.clone(),
                pos: r.pos,
                security_policy: attr_str(b.get("security_policy")),
            }),
            _ => {}
        }
    }
}

pub(super) fn cfn(resources: &[SourceResource], p: &mut Platform) {
    let websocket: Vec<&str> = resources
        .iter()
        .filter(|r| {
            r.rtype == "AWS::ApiGatewayV2::Api"
                && r.body
                    .get("ProtocolType")
                    .and_then(Value::as_str)
                    .is_some_and(|t| t.eq_ignore_ascii_case("WEBSOCKET"))
        })
        .map(|r| r.key)
        .collect();
    for r in resources {
        let b = r.body;
        match r.rtype {
            "AWS::ApiGateway::Stage" => {
                let logging_level = match b.get("MethodSettings") {
                    None => Attr::Set("OFF".to_string(), r.pos),
                    Some(list) if list.is_unknown() => Attr::Unknown(list.pos),
                    Some(list) => {
                        // A list per the schema; a single map is read as one entry.
                        let levels: Vec<Attr<String>> = list
                            .one_or_many()
                            .into_iter()
                            .map(|m| level(m.get("LoggingLevel"), m.pos))
                            .collect();
                        if levels.is_empty() {
                            Attr::Set("OFF".to_string(), list.pos)
                        } else {
                            strongest(&levels)
                        }
                    }
                };
                p.api_stages.push(ApiStageLogging {
                    resource: r.id.clone(),
                    pos: r.pos,
                    logging_level,
                });
            }
            "AWS::ApiGatewayV2::Stage" => {
                let api = b.get("ApiId").and_then(Value::ref_target);
                if !api.is_some_and(|a| websocket.contains(&a)) {
                    continue;
                }
                let logging_level = match b.get("DefaultRouteSettings") {
                    None => Attr::Set("OFF".to_string(), r.pos),
                    Some(s) if s.is_unknown() => Attr::Unknown(s.pos),
                    Some(s) => level(s.get("LoggingLevel"), s.pos),
                };
                p.api_stages.push(ApiStageLogging {
                    resource: r.id.clone(),
                    pos: r.pos,
                    logging_level,
                });
            }
            "AWS::ApiGateway::DomainName" => p.api_domains.push(ApiDomain {
                resource: r.id.clone(),
                pos: r.pos,
                security_policy: attr_str(b.get("SecurityPolicy")),
            }),
            _ => {}
        }
    }
}

/// A logging level as written, in upper case; unwritten or empty means `OFF`.
fn level(v: Option<&Value>, fallback: Pos) -> Attr<String> {
    match attr_str(v) {
        Attr::Set(l, pos) if l.trim().is_empty() => Attr::Set("OFF".to_string(), pos),
        Attr::Set(l, pos) => Attr::Set(l.trim().to_ascii_uppercase(), pos),
        Attr::Unset => Attr::Set("OFF".to_string(), fallback),
        Attr::Unknown(pos) => Attr::Unknown(pos),
    }
}

/// The level of a stage with several method settings: logging is on when any settings
/// turn it on, unknown when one cannot be evaluated and none turns it on.
fn strongest(levels: &[Attr<String>]) -> Attr<String> {
    if let Some(on) = levels
        .iter()
        .find(|l| l.value().is_some_and(|v| v != "OFF"))
    {
        return on.clone();
    }
    if let Some(unknown) = levels.iter().find(|l| l.is_unknown()) {
        return unknown.clone();
    }
    levels[0].clone()
}

/// REST API stages that face the internet (their API is in the module and not `PRIVATE`)
/// and whether a web ACL association of the module names them. An association whose
/// target cannot be resolved may protect any stage: then none is judged.
fn web_acls(resources: &[SourceResource], p: &mut Platform) {
    let mut protected: Vec<&str> = Vec::new();
    let mut unresolved = false;
    for r in resources.iter().filter(|r| {
        r.rtype == "aws_wafv2_web_acl_association"
            || r.rtype == "aws_wafregional_web_acl_association"
    }) {
        match r
            .body
            .get("resource_arn")
            .map(|v| (&v.kind, v.ref_target()))
        {
            Some((_, Some(target))) => protected.push(target),
            // A literal ARN names a stage outside the module.
            Some((ValueKind::Str(_), None)) | None => {}
            Some(_) => unresolved = true,
        }
    }
    for r in resources
        .iter()
        .filter(|r| r.rtype == "aws_api_gateway_stage")
    {
        let public = match r.body.get("rest_api_id").and_then(Value::ref_target) {
            Some(api) => match resources
                .iter()
                .find(|a| a.key == api && a.rtype == "aws_api_gateway_rest_api")
            {
                Some(a) => rest_api_public(a.body),
                None => Attr::Unknown(r.pos),
            },
            None => Attr::Unknown(r.pos),
        };
        if !matches!(public, Attr::Set(true, _)) {
            continue;
        }
        let waf = if protected.contains(&r.key) {
            Attr::Set(true, r.pos)
        } else if unresolved {
            Attr::Unknown(r.pos)
        } else {
            Attr::Set(false, r.pos)
        };
        p.api_stage_waf.push(ApiStageWaf {
            resource: r.id.clone(),
            pos: r.pos,
            web_acl: waf,
        });
    }
}

/// A REST API is reachable from the internet unless its only endpoint type is `PRIVATE`
/// (`EDGE` is the default).
fn rest_api_public(api: &Value) -> Attr<bool> {
    let Some(config) = blocks(api, "endpoint_configuration").first().copied() else {
        return Attr::Set(true, api.pos);
    };
    let Some(types) = config.get("types") else {
        return Attr::Set(true, config.pos);
    };
    if types.is_unknown() {
        return Attr::Unknown(types.pos);
    }
    let mut any_public = false;
    for t in types.one_or_many() {
        match t.as_str() {
            Some(kind) if kind.eq_ignore_ascii_case("PRIVATE") => {}
            Some(_) => any_public = true,
            None => return Attr::Unknown(t.pos),
        }
    }
    Attr::Set(any_public, types.pos)
}
