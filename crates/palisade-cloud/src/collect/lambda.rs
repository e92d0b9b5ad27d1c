//! Lambda reads: function configurations, the per-function calls (concurrency, resource
//! policy, URLs, async destinations, code signing), layer version policies, event source
//! mappings, and the `/aws/lambda/` log groups.

use std::collections::{BTreeMap, BTreeSet};

use super::data::{FunctionData, MappingData, UrlData};
use super::tally::Tally;

pub(super) fn function_data(c: &aws_sdk_lambda::types::FunctionConfiguration) -> FunctionData {
    let mut environment: Vec<(String, String)> = c
        .environment()
        .and_then(|e| e.variables())
        .map(|v| v.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    environment.sort();
    FunctionData {
        name: c.function_name().unwrap_or_default().to_string(),
        arn: c.function_arn().unwrap_or_default().to_string(),
        runtime: c.runtime().map(|r| r.as_str().to_string()),
        handler: c.handler().map(str::to_string),
        image: c
            .package_type()
            .is_some_and(|p| p.as_str().eq_ignore_ascii_case("Image")),
        role: c.role().map(str::to_string),
        timeout: c.timeout(),
        memory: c.memory_size(),
        environment,
        kms_key: c
            .kms_key_arn()
            .filter(|k| !k.is_empty())
            .map(str::to_string),
        tracing_active: c
            .tracing_config()
            .and_then(|t| t.mode())
            .map(|m| m.as_str().eq_ignore_ascii_case("Active")),
        dead_letter: c
            .dead_letter_config()
            .and_then(|d| d.target_arn())
            .filter(|t| !t.is_empty())
            .map(str::to_string),
        layers: c
            .layers()
            .iter()
            .filter_map(|l| l.arn())
            .map(str::to_string)
            .collect(),
        vpc: c
            .vpc_config()
            .filter(|v| !v.subnet_ids().is_empty())
            .map(|v| (v.subnet_ids().len(), v.security_group_ids().to_vec())),
        ..FunctionData::default()
    }
}

fn url_data(
    arn: &str,
    auth: &aws_sdk_lambda::types::FunctionUrlAuthType,
    cors: Option<&aws_sdk_lambda::types::Cors>,
) -> UrlData {
    UrlData {
        arn: arn.to_string(),
        auth_type: auth.as_str().to_string(),
        allow_origins: cors.map(|c| c.allow_origins().to_vec()).unwrap_or_default(),
        allow_credentials: cors.and_then(|c| c.allow_credentials()).unwrap_or(false),
        has_cors: cors.is_some(),
    }
}

/// The per-function calls: concurrency, resource policy, URLs, async destinations, code
/// signing.
pub(super) async fn function_details(
    lambda: &aws_sdk_lambda::Client,
    region: &str,
    tally: &Tally,
    mut f: FunctionData,
) -> FunctionData {
    let name = f.name.clone();
    let subject = Some(name.as_str());
    if let Some(out) = tally.single(
        "lambda:GetFunctionConcurrency",
        region,
        subject,
        lambda
            .get_function_concurrency()
            .function_name(&name)
            .send()
            .await,
    ) {
        f.reserved_concurrency = out.reserved_concurrent_executions();
    }
    let (pages, _) = tally
        .pages(
            "lambda:ListProvisionedConcurrencyConfigs",
            region,
            subject,
            lambda
                .list_provisioned_concurrency_configs()
                .function_name(&name)
                .into_paginator()
                .send(),
        )
        .await;
    let configs: Vec<_> = pages
        .iter()
        .flat_map(|p| p.provisioned_concurrency_configs())
        .collect();
    if !configs.is_empty() {
        f.provisioned_concurrency = Some(
            configs
                .iter()
                .filter_map(|c| c.requested_provisioned_concurrent_executions())
                .fold(0i32, i32::saturating_add),
        );
    }
    if let Some(out) = tally.single(
        "lambda:GetPolicy",
        region,
        subject,
        lambda.get_policy().function_name(&name).send().await,
    ) {
        f.policy = out.policy().map(str::to_string);
    }
    // Each alias's own resource policy: invoking `NAME:ALIAS` is allowed by it, not by the
    // function's.
    let (pages, _) = tally
        .pages(
            "lambda:ListAliases",
            region,
            subject,
            lambda
                .list_aliases()
                .function_name(&name)
                .into_paginator()
                .send(),
        )
        .await;
    for alias in pages.iter().flat_map(|p| p.aliases()) {
        let (Some(alias_name), Some(alias_arn)) = (alias.name(), alias.alias_arn()) else {
            continue;
        };
        if let Some(out) = tally.single(
            "lambda:GetPolicy",
            region,
            subject,
            lambda
                .get_policy()
                .function_name(&name)
                .qualifier(alias_name)
                .send()
                .await,
        ) {
            if let Some(policy) = out.policy() {
                f.alias_policies
                    .push((alias_arn.to_string(), policy.to_string()));
            }
        }
    }
    // Every URL of the function and its aliases in one listing; an endpoint without that
    // call (moto) is asked for the unqualified function's URL instead, and warned about once.
    const LIST_URLS: &str = "lambda:ListFunctionUrlConfigs";
    let mut listed = false;
    if !tally.is_unsupported(LIST_URLS, region) {
        let (pages, ok) = tally
            .pages(
                LIST_URLS,
                region,
                subject,
                lambda
                    .list_function_url_configs()
                    .function_name(&name)
                    .into_paginator()
                    .send(),
            )
            .await;
        listed = ok;
        f.urls.extend(
            pages
                .iter()
                .flat_map(|p| p.function_url_configs())
                .map(|u| url_data(u.function_arn(), u.auth_type(), u.cors())),
        );
    }
    if !listed && tally.is_unsupported(LIST_URLS, region) {
        if let Some(u) = tally.single(
            "lambda:GetFunctionUrlConfig",
            region,
            subject,
            lambda
                .get_function_url_config()
                .function_name(&name)
                .send()
                .await,
        ) {
            f.urls
                .push(url_data(u.function_arn(), u.auth_type(), u.cors()));
        }
    }
    // The event invoke configs of the function and of each alias and version in one
    // listing; an endpoint without that call is asked for the unqualified function's.
    const LIST_CONFIGS: &str = "lambda:ListFunctionEventInvokeConfigs";
    let mut listed = false;
    if !tally.is_unsupported(LIST_CONFIGS, region) {
        let (pages, ok) = tally
            .pages(
                LIST_CONFIGS,
                region,
                subject,
                lambda
                    .list_function_event_invoke_configs()
                    .function_name(&name)
                    .into_paginator()
                    .send(),
            )
            .await;
        listed = ok;
        for c in pages.iter().flat_map(|p| p.function_event_invoke_configs()) {
            let on_failure = on_failure_of(c.destination_config());
            match qualifier_of(c.function_arn().unwrap_or_default()) {
                Some(_) => f
                    .qualified_invoke_configs
                    .push((c.function_arn().unwrap_or_default().to_string(), on_failure)),
                None => f.on_failure = on_failure,
            }
        }
    }
    if !listed && tally.is_unsupported(LIST_CONFIGS, region) {
        if let Some(out) = tally.single(
            "lambda:GetFunctionEventInvokeConfig",
            region,
            subject,
            lambda
                .get_function_event_invoke_config()
                .function_name(&name)
                .send()
                .await,
        ) {
            f.on_failure = on_failure_of(out.destination_config());
        }
    }
    if let Some(out) = tally.single(
        "lambda:GetFunctionCodeSigningConfig",
        region,
        subject,
        lambda
            .get_function_code_signing_config()
            .function_name(&name)
            .send()
            .await,
    ) {
        let arn = out.code_signing_config_arn();
        if !arn.is_empty() {
            f.code_signing = Some(arn.to_string());
        }
    }
    f
}

fn on_failure_of(d: Option<&aws_sdk_lambda::types::DestinationConfig>) -> Option<String> {
    d.and_then(|d| d.on_failure())
        .and_then(|o| o.destination())
        .filter(|d| !d.is_empty())
        .map(str::to_string)
}

/// The alias or version of a qualified function ARN
/// (`arn:aws:lambda:REGION:ACCOUNT:function:NAME:QUALIFIER`); `None` for the function
/// itself and for `$LATEST`, which is the unqualified function.
pub(crate) fn qualifier_of(arn: &str) -> Option<&str> {
    arn.split(':')
        .nth(7)
        .filter(|q| !q.is_empty() && *q != "$LATEST")
}

/// The resource policies of layer versions (`arn:...:layer:NAME:VERSION`), by ARN.
pub(super) async fn layer_policies(
    lambda: &aws_sdk_lambda::Client,
    region: &str,
    tally: &Tally,
    arns: BTreeSet<String>,
) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for arn in arns {
        let mut parts = arn.rsplitn(2, ':');
        let (Some(version), Some(layer)) = (parts.next(), parts.next()) else {
            continue;
        };
        let Ok(version) = version.parse::<i64>() else {
            continue;
        };
        let name = layer.rsplit(':').next().unwrap_or(layer);
        if let Some(policy) = tally
            .single(
                "lambda:GetLayerVersionPolicy",
                region,
                Some(&arn),
                lambda
                    .get_layer_version_policy()
                    .layer_name(name)
                    .version_number(version)
                    .send()
                    .await,
            )
            .and_then(|o| o.policy().map(str::to_string))
        {
            out.insert(arn, policy);
        }
    }
    out
}

pub(super) async fn event_source_mappings(
    lambda: &aws_sdk_lambda::Client,
    region: &str,
    tally: &Tally,
) -> Vec<MappingData> {
    let (pages, _) = tally
        .pages(
            "lambda:ListEventSourceMappings",
            region,
            None,
            lambda.list_event_source_mappings().into_paginator().send(),
        )
        .await;
    pages
        .iter()
        .flat_map(|p| p.event_source_mappings())
        .map(|m| MappingData {
            arn: m
                .event_source_mapping_arn()
                .or(m.uuid())
                .unwrap_or_default()
                .to_string(),
            function_arn: m.function_arn().unwrap_or_default().to_string(),
            source_arn: m.event_source_arn().unwrap_or_default().to_string(),
            on_failure: m
                .destination_config()
                .and_then(|d| d.on_failure())
                .and_then(|o| o.destination())
                .filter(|d| !d.is_empty())
                .map(str::to_string),
        })
        .collect()
}

pub(super) async fn log_groups(
    logs: &aws_sdk_cloudwatchlogs::Client,
    region: &str,
    tally: &Tally,
) -> BTreeMap<String, (String, Option<i32>)> {
    let (pages, _) = tally
        .pages(
            "logs:DescribeLogGroups",
            region,
            None,
            logs.describe_log_groups()
                .log_group_name_prefix("/aws/lambda/")
                .into_paginator()
                .send(),
        )
        .await;
    let mut out = BTreeMap::new();
    for g in pages.iter().flat_map(|p| p.log_groups()) {
        let name = g.log_group_name().unwrap_or_default().to_string();
        let arn = g
            .arn()
            .map(|a| a.trim_end_matches(":*").to_string())
            .unwrap_or_else(|| format!("log-group:{name}"));
        out.insert(name, (arn, g.retention_in_days()));
    }
    out
}
