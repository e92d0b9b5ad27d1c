//! API Gateway reads: REST API methods and HTTP API routes that integrate with a Lambda
//! function, with their stages.

use std::collections::BTreeMap;

use super::data::{ApiKind, RouteData, StageData};
use super::tally::Tally;

pub(super) async fn rest_apis(
    apigw: &aws_sdk_apigateway::Client,
    region: &str,
    tally: &Tally,
) -> (Vec<RouteData>, Vec<StageData>) {
    let (mut routes, mut stages) = (Vec::new(), Vec::new());
    let (pages, listed) = tally
        .pages(
            "apigateway:GET",
            region,
            Some("GetRestApis"),
            apigw.get_rest_apis().into_paginator().send(),
        )
        .await;
    if !listed {
        return (routes, stages);
    }
    let apis: Vec<String> = pages
        .iter()
        .flat_map(|p| p.items())
        .filter_map(|a| a.id().map(str::to_string))
        .collect();
    for api in apis {
        let api_arn = format!("arn:aws:apigateway:{region}::/restapis/{api}");
        let (pages, _) = tally
            .pages(
                "apigateway:GET",
                region,
                Some("GetResources"),
                apigw
                    .get_resources()
                    .rest_api_id(&api)
                    .embed("methods")
                    .into_paginator()
                    .send(),
            )
            .await;
        for r in pages.iter().flat_map(|p| p.items()) {
            let path = r.path().unwrap_or("/");
            let Some(methods) = r.resource_methods() else {
                continue;
            };
            let mut methods: Vec<_> = methods.iter().collect();
            methods.sort_by(|a, b| a.0.cmp(b.0));
            for (verb, m) in methods {
                if verb.eq_ignore_ascii_case("OPTIONS") {
                    continue;
                }
                routes.push(RouteData {
                    kind: ApiKind::Rest,
                    arn: format!(
                        "{api_arn}/resources/{}/methods/{verb}",
                        r.id().unwrap_or_default()
                    ),
                    route: format!("{verb} {path}"),
                    authorization: m.authorization_type().unwrap_or("NONE").to_string(),
                    api_key_required: m.api_key_required().unwrap_or(false),
                    integration_uri: m
                        .method_integration()
                        .and_then(|i| i.uri())
                        .map(str::to_string),
                });
            }
        }
        if let Some(out) = tally.single(
            "apigateway:GET",
            region,
            Some("GetStages"),
            apigw.get_stages().rest_api_id(&api).send().await,
        ) {
            for s in out.item() {
                stages.push(StageData {
                    kind: ApiKind::Rest,
                    arn: format!("{api_arn}/stages/{}", s.stage_name().unwrap_or_default()),
                    access_logging: s
                        .access_log_settings()
                        .and_then(|a| a.destination_arn())
                        .is_some_and(|d| !d.is_empty()),
                });
            }
        }
    }
    (routes, stages)
}

pub(super) async fn http_apis(
    apigw: &aws_sdk_apigatewayv2::Client,
    region: &str,
    tally: &Tally,
) -> (Vec<RouteData>, Vec<StageData>) {
    let (mut routes, mut stages) = (Vec::new(), Vec::new());
    let (pages, listed) = tally
        .token_pages(
            "apigateway:GET",
            region,
            Some("GetApis"),
            |token| apigw.get_apis().set_next_token(token).send(),
            |o| o.next_token(),
        )
        .await;
    if !listed {
        return (routes, stages);
    }
    let apis: Vec<String> = pages
        .iter()
        .flat_map(|p| p.items())
        .filter(|a| a.protocol_type().is_none_or(|p| p.as_str() == "HTTP"))
        .filter_map(|a| a.api_id().map(str::to_string))
        .collect();
    for api in apis {
        let api_arn = format!("arn:aws:apigateway:{region}::/apis/{api}");
        let (pages, _) = tally
            .token_pages(
                "apigateway:GET",
                region,
                Some("GetIntegrations"),
                |token| {
                    apigw
                        .get_integrations()
                        .api_id(&api)
                        .set_next_token(token)
                        .send()
                },
                |o| o.next_token(),
            )
            .await;
        let integrations: BTreeMap<&str, &str> = pages
            .iter()
            .flat_map(|p| p.items())
            .filter_map(|i| Some((i.integration_id()?, i.integration_uri()?)))
            .collect();
        let (pages, _) = tally
            .token_pages(
                "apigateway:GET",
                region,
                Some("GetRoutes"),
                |token| apigw.get_routes().api_id(&api).set_next_token(token).send(),
                |o| o.next_token(),
            )
            .await;
        for r in pages.iter().flat_map(|p| p.items()) {
            let target = r
                .target()
                .and_then(|t| t.strip_prefix("integrations/"))
                .and_then(|id| integrations.get(id))
                .map(|u| u.to_string());
            routes.push(RouteData {
                kind: ApiKind::Http,
                arn: format!("{api_arn}/routes/{}", r.route_id().unwrap_or_default()),
                route: r.route_key().unwrap_or_default().to_string(),
                authorization: r
                    .authorization_type()
                    .map(|a| a.as_str().to_string())
                    .unwrap_or_else(|| "NONE".to_string()),
                api_key_required: r.api_key_required().unwrap_or(false),
                integration_uri: target,
            });
        }
        if let Some(out) = tally.single(
            "apigateway:GET",
            region,
            Some("GetStages"),
            apigw.get_stages().api_id(&api).send().await,
        ) {
            for s in out.items() {
                stages.push(StageData {
                    kind: ApiKind::Http,
                    arn: format!("{api_arn}/stages/{}", s.stage_name().unwrap_or_default()),
                    access_logging: s
                        .access_log_settings()
                        .and_then(|a| a.destination_arn())
                        .is_some_and(|d| !d.is_empty()),
                });
            }
        }
    }
    (routes, stages)
}
