//! The resources around functions: function URLs, invoke permissions, API Gateway methods
//! and routes, stages' access logging, log groups and security groups.

use crate::model::*;
use crate::value::{Pos, Value};

use super::builder::Builder;
use super::{attr_i64, attr_str, cors_of, Resource};

impl Builder<'_> {
    pub(super) fn url(&mut self, r: &Resource) {
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

    pub(super) fn permission(&mut self, r: &Resource) {
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

    pub(super) fn rest_method(&mut self, r: &Resource) {
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

    pub(super) fn http_route(&mut self, r: &Resource) {
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

    pub(super) fn log_group(&mut self, r: &Resource) {
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

    pub(super) fn security_group(&mut self, r: &Resource) {
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

pub(super) fn sg_rules(v: &Value, direction: Direction, resource: &str) -> Vec<SecurityGroupRule> {
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

pub(super) fn logging_attr(v: Option<&Value>, pos: Pos) -> Attr<bool> {
    match v {
        None => Attr::Set(false, pos),
        Some(v) if v.is_unknown() => Attr::Unknown(v.pos),
        Some(v) => Attr::Set(v.get("DestinationArn").is_some(), v.pos),
    }
}
