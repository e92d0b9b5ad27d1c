//! The read-only API calls: one task per region (bounded), per-function calls in parallel
//! (bounded), IAM roles once for the account. What comes back is kept as plain data
//! ([`Collected`]); [`crate::map`] turns it into the serverless model.
//!
//! - `data`: the plain data kept from the calls;
//! - `tally`: call counting, failures kept, pagination;
//! - `lambda`: functions, their per-function calls, layers, event source mappings, log
//!   groups;
//! - `apis`: API Gateway REST APIs and HTTP APIs that integrate with functions;
//! - `iam`: execution roles and their policies;
//! - `targets`: the SQS queues and SNS topics that dead-letter configs and on-failure
//!   destinations name.

mod apis;
mod data;
mod iam;
mod lambda;
mod tally;
mod targets;

pub(crate) use data::{
    ApiKind, Collected, FunctionData, RegionData, RoleData, TargetData, TargetKind,
};
pub(crate) use lambda::qualifier_of;

// Named by the tests of `crate::map`.
#[cfg(test)]
pub(crate) use data::{MappingData, UrlData};

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::error::{CallError, CallErrorKind};
use crate::{ScanError, ScanOptions};

use apis::{http_apis, rest_apis};
use iam::read_roles;
use lambda::{event_source_mappings, function_data, function_details, layer_policies, log_groups};
use tally::Tally;

/// The HTTPS client of every service: hyper on rustls with ring (no aws-lc build).
fn http_client() -> aws_smithy_runtime_api::client::http::SharedHttpClient {
    use aws_smithy_http_client::tls;
    aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(
            tls::rustls_provider::CryptoMode::Ring,
        ))
        .build_https()
}

async fn base_config(options: &ScanOptions) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .http_client(http_client())
        .retry_config(RetryConfig::standard().with_max_attempts(options.max_attempts.max(1)))
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(options.attempt_timeout)
                .read_timeout(options.attempt_timeout)
                .operation_attempt_timeout(options.attempt_timeout)
                .operation_timeout(options.operation_timeout)
                .build(),
        );
    if let Some(p) = &options.profile {
        loader = loader.profile_name(p);
    }
    if let Some(u) = &options.endpoint_url {
        loader = loader.endpoint_url(u);
    }
    loader.load().await
}

pub(crate) async fn collect(options: &ScanOptions) -> Result<Collected, ScanError> {
    let base = base_config(options).await;
    let regions: Vec<String> = if options.regions.is_empty() {
        match base.region() {
            Some(r) => vec![r.to_string()],
            None => return Err(ScanError::NoRegion),
        }
    } else {
        let mut seen = BTreeSet::new();
        options
            .regions
            .iter()
            .filter(|r| seen.insert(r.as_str()))
            .cloned()
            .collect()
    };
    let tally = Tally {
        calls: Arc::new(AtomicU64::new(0)),
        errors: Arc::new(Mutex::new(Vec::new())),
        unsupported: Arc::default(),
    };
    // IAM and STS are global: one client, in the first region (moto and private endpoints
    // need a region to sign with too).
    let global = base
        .to_builder()
        .region(Region::new(regions[0].clone()))
        .build();
    let sts = aws_sdk_sts::Client::new(&global);
    tally.count();
    let account = match sts.get_caller_identity().send().await {
        Ok(out) => out.account().unwrap_or_default().to_string(),
        // Without an identity nothing else will answer either: stop with the reason.
        Err(e) => {
            return Err(ScanError::Account(CallError::from_sdk(
                "sts:GetCallerIdentity",
                "global",
                None,
                &e,
            )))
        }
    };

    let limit = Arc::new(Semaphore::new(options.region_concurrency.max(1)));
    let mut tasks = JoinSet::new();
    for (order, region) in regions.iter().enumerate() {
        let config = base
            .to_builder()
            .region(Region::new(region.clone()))
            .build();
        let (tally, limit, region, account) = (
            tally.clone(),
            limit.clone(),
            region.clone(),
            account.clone(),
        );
        let per_call = options.call_concurrency.max(1);
        tasks.spawn(async move {
            let _permit = limit.acquire_owned().await;
            (
                order,
                scan_region(config, region, &account, tally, per_call).await,
            )
        });
    }
    let mut by_order = Vec::new();
    while let Some(done) = tasks.join_next().await {
        match done {
            Ok(r) => by_order.push(r),
            Err(e) => tally.push(CallError::new(
                "scan",
                "",
                None,
                CallErrorKind::Service,
                format!("a region's task stopped: {e}"),
            )),
        }
    }
    by_order.sort_by_key(|(order, _)| *order);
    let region_data: Vec<RegionData> = by_order.into_iter().map(|(_, r)| r).collect();

    let role_arns: BTreeSet<String> = region_data
        .iter()
        .flat_map(|r| r.functions.iter())
        .filter_map(|f| f.role.clone())
        .collect();
    let iam = aws_sdk_iam::Client::new(&global);
    let roles = read_roles(iam, role_arns, &tally, options.call_concurrency.max(1)).await;
    let targets = targets::read_targets(
        &base,
        &account,
        targets::target_arns(&region_data),
        &tally,
        options.call_concurrency.max(1),
    )
    .await;

    let mut errors = tally.errors.lock().map(|e| e.clone()).unwrap_or_default();
    errors.sort_by(|a, b| {
        (&a.region, &a.action, &a.subject).cmp(&(&b.region, &b.action, &b.subject))
    });
    errors.dedup();
    Ok(Collected {
        account,
        regions: region_data,
        roles,
        targets,
        errors,
        calls: tally.calls.load(Ordering::Relaxed),
    })
}

async fn scan_region(
    config: SdkConfig,
    region: String,
    account: &str,
    tally: Tally,
    per_call: usize,
) -> RegionData {
    let lambda = aws_sdk_lambda::Client::new(&config);
    let mut data = RegionData {
        region: region.clone(),
        ..RegionData::default()
    };
    let (pages, listed) = tally
        .pages(
            "lambda:ListFunctions",
            &region,
            None,
            lambda.list_functions().into_paginator().send(),
        )
        .await;
    data.functions = pages
        .iter()
        .flat_map(|p| p.functions())
        .map(function_data)
        .collect();
    data.functions_partial = !listed;
    // A region that did not list its functions (no answer, denied, not enabled) is
    // reported once; asking its other services would only wait out more timeouts.
    if !listed {
        return data;
    }

    // Layers are shared by many functions: each version's policy is read once.
    let own_layers: BTreeSet<String> = data
        .functions
        .iter()
        .flat_map(|f| &f.layers)
        .filter(|l| palisade_serverless::model::arn_account(l) == Some(account))
        .cloned()
        .collect();
    let limit = Arc::new(Semaphore::new(per_call));
    let mut tasks = JoinSet::new();
    for (i, f) in std::mem::take(&mut data.functions).into_iter().enumerate() {
        let (lambda, tally, region, limit) =
            (lambda.clone(), tally.clone(), region.clone(), limit.clone());
        tasks.spawn(async move {
            let _permit = limit.acquire_owned().await;
            (i, function_details(&lambda, &region, &tally, f).await)
        });
    }
    let region_wide = async {
        let mappings = event_source_mappings(&lambda, &region, &tally).await;
        let logs = log_groups(
            &aws_sdk_cloudwatchlogs::Client::new(&config),
            &region,
            &tally,
        )
        .await;
        let (mut routes, mut stages) =
            rest_apis(&aws_sdk_apigateway::Client::new(&config), &region, &tally).await;
        let (r2, s2) =
            http_apis(&aws_sdk_apigatewayv2::Client::new(&config), &region, &tally).await;
        routes.extend(r2);
        stages.extend(s2);
        let layer_policies = layer_policies(&lambda, &region, &tally, own_layers).await;
        (mappings, logs, routes, stages, layer_policies)
    };
    let joined = async {
        let mut done = Vec::new();
        while let Some(r) = tasks.join_next().await {
            if let Ok(r) = r {
                done.push(r);
            }
        }
        done.sort_by_key(|(i, _)| *i);
        done.into_iter().map(|(_, f)| f).collect::<Vec<_>>()
    };
    let ((mappings, logs, routes, stages, layer_policies), functions) =
        tokio::join!(region_wide, joined);
    data.functions = functions;
    data.layer_policies = layer_policies;
    data.mappings = mappings;
    data.log_groups = logs;
    data.routes = routes;
    data.stages = stages;
    data
}
