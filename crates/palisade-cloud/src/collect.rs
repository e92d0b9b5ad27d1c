//! The read-only API calls: one task per region (bounded), per-function calls in parallel
//! (bounded), IAM roles once for the account. What comes back is kept as plain data
//! ([`Collected`]); [`crate::map`] turns it into the serverless model.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_smithy_async::future::pagination_stream::PaginationStream;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::http::Response as HttpResponse;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::error::{is_not_found, CallError, CallErrorKind};
use crate::{ScanError, ScanOptions};

/// Everything read from one account.
#[derive(Debug, Default)]
pub(crate) struct Collected {
    pub account: String,
    pub regions: Vec<RegionData>,
    /// Execution roles by ARN.
    pub roles: BTreeMap<String, RoleData>,
    pub errors: Vec<CallError>,
    pub calls: u64,
}

#[derive(Debug, Default)]
pub(crate) struct RegionData {
    pub region: String,
    pub functions: Vec<FunctionData>,
    pub routes: Vec<RouteData>,
    pub stages: Vec<StageData>,
    /// Log group name -> (ARN, retention in days).
    pub log_groups: BTreeMap<String, (String, Option<i32>)>,
    pub mappings: Vec<MappingData>,
    /// The resource policies of the account's own layer versions the functions use, by
    /// layer version ARN (a version without a policy has no entry).
    pub layer_policies: BTreeMap<String, String>,
}

#[derive(Debug, Default, Clone)]
pub(crate) struct FunctionData {
    pub name: String,
    pub arn: String,
    pub runtime: Option<String>,
    pub handler: Option<String>,
    pub image: bool,
    pub role: Option<String>,
    pub timeout: Option<i32>,
    pub memory: Option<i32>,
    pub environment: Vec<(String, String)>,
    pub kms_key: Option<String>,
    pub tracing_active: Option<bool>,
    pub dead_letter: Option<String>,
    pub vpc: Option<(usize, Vec<String>)>,
    pub reserved_concurrency: Option<i32>,
    pub provisioned_concurrency: Option<i32>,
    /// The resource-based policy, as JSON text.
    pub policy: Option<String>,
    pub urls: Vec<UrlData>,
    pub on_failure: Option<String>,
    pub code_signing: Option<String>,
    /// Layer version ARNs, in order.
    pub layers: Vec<String>,
}

#[derive(Debug, Default, Clone)]
pub(crate) struct UrlData {
    /// The function's ARN, with the alias for an alias's URL.
    pub arn: String,
    pub auth_type: String,
    pub allow_origins: Vec<String>,
    pub allow_credentials: bool,
    pub has_cors: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ApiKind {
    Rest,
    Http,
}

/// A REST API method or HTTP API route that integrates with a Lambda function.
#[derive(Debug, Clone)]
pub(crate) struct RouteData {
    pub kind: ApiKind,
    /// ARN of the method or route, for locations.
    pub arn: String,
    /// `GET /users`.
    pub route: String,
    /// `NONE`, `AWS_IAM`, `CUSTOM`, `COGNITO_USER_POOLS`, `JWT`.
    pub authorization: String,
    pub api_key_required: bool,
    /// The integration's URI (it names the function's ARN).
    pub integration_uri: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct StageData {
    pub kind: ApiKind,
    pub arn: String,
    pub access_logging: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct MappingData {
    pub arn: String,
    pub function_arn: String,
    pub source_arn: String,
    pub on_failure: Option<String>,
}

#[derive(Debug, Default, Clone)]
pub(crate) struct RoleData {
    pub arn: String,
    pub name: String,
    /// Inline policies: (name, URL-decoded JSON document).
    pub inline: Vec<(String, String)>,
    /// Attached managed policies: (ARN, default version's document when it was fetched).
    pub attached: Vec<(String, Option<String>)>,
    /// The permissions boundary: (policy ARN, its default version's document when read).
    pub boundary: Option<(String, Option<String>)>,
    /// When the role was created and last used, from `iam:GetRole`.
    pub activity: Option<RoleActivity>,
    /// False when some of the role's policies could not be read.
    pub complete: bool,
}

/// Role creation and last use, in seconds since the Unix epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RoleActivity {
    pub created: i64,
    /// `None`: not used within IAM's tracking period (400 days) or ever.
    pub last_used: Option<i64>,
    /// When it was read.
    pub observed: i64,
}

/// Counts calls and keeps the failed ones; shared by every task of a scan.
#[derive(Clone)]
struct Tally {
    calls: Arc<AtomicU64>,
    errors: Arc<Mutex<Vec<CallError>>>,
    /// (action, region) pairs the endpoint answered as not implemented.
    unsupported: Arc<Mutex<BTreeSet<(String, String)>>>,
}

impl Tally {
    /// Whether the endpoint answered `action` in `region` as not implemented.
    fn is_unsupported(&self, action: &str, region: &str) -> bool {
        self.unsupported
            .lock()
            .is_ok_and(|u| u.contains(&(action.to_string(), region.to_string())))
    }

    fn count(&self) {
        self.calls.fetch_add(1, Ordering::Relaxed);
    }

    fn push(&self, mut e: CallError) {
        // One warning per region for an operation the endpoint lacks, not one per function.
        if e.kind == CallErrorKind::Unsupported {
            e.subject = None;
            if let Ok(mut u) = self.unsupported.lock() {
                u.insert((e.action.clone(), e.region.clone()));
            }
        }
        if let Ok(mut errors) = self.errors.lock() {
            errors.push(e);
        }
    }

    fn fail<E>(
        &self,
        action: &str,
        region: &str,
        subject: Option<&str>,
        err: &SdkError<E, HttpResponse>,
    ) where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        self.push(CallError::from_sdk(action, region, subject, err));
    }

    /// The result of a single call: `Some` on success, `None` (and the error kept) on
    /// failure, `None` silently when the service says the thing does not exist.
    fn single<T, E>(
        &self,
        action: &str,
        region: &str,
        subject: Option<&str>,
        result: Result<T, SdkError<E, HttpResponse>>,
    ) -> Option<T>
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        self.count();
        match result {
            Ok(v) => Some(v),
            Err(e) if is_not_found(&e) => None,
            Err(e) => {
                self.fail(action, region, subject, &e);
                None
            }
        }
    }
}

impl Tally {
    /// Every page of an SDK paginator, counted. On a failure the pages read so far come back
    /// with `false` and the error is kept; "not found" ends the listing quietly.
    async fn pages<T, E>(
        &self,
        action: &str,
        region: &str,
        subject: Option<&str>,
        mut stream: PaginationStream<Result<T, SdkError<E, HttpResponse>>>,
    ) -> (Vec<T>, bool)
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let mut out = Vec::new();
        while let Some(page) = stream.next().await {
            self.count();
            match page {
                Ok(p) => out.push(p),
                Err(e) if is_not_found(&e) => break,
                Err(e) => {
                    self.fail(action, region, subject, &e);
                    return (out, false);
                }
            }
        }
        (out, true)
    }

    /// Every page of a call paged by hand with `NextToken` (API Gateway v2 has no SDK
    /// paginators). A token seen before ends the listing: a response cannot loop the scan.
    async fn token_pages<T, E, F, Fut>(
        &self,
        action: &str,
        region: &str,
        subject: Option<&str>,
        mut call: F,
        next_token: fn(&T) -> Option<&str>,
    ) -> (Vec<T>, bool)
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
        F: FnMut(Option<String>) -> Fut,
        Fut: std::future::Future<Output = Result<T, SdkError<E, HttpResponse>>>,
    {
        let mut out = Vec::new();
        let mut seen = BTreeSet::new();
        let mut token: Option<String> = None;
        loop {
            self.count();
            let page = match call(token.take()).await {
                Ok(p) => p,
                Err(e) if is_not_found(&e) => return (out, true),
                Err(e) => {
                    self.fail(action, region, subject, &e);
                    return (out, false);
                }
            };
            token = next_token(&page)
                .filter(|t| !t.is_empty())
                .map(str::to_string);
            out.push(page);
            match &token {
                Some(t) if seen.insert(t.clone()) => {}
                _ => return (out, true),
            }
        }
    }
}

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

    let mut errors = tally.errors.lock().map(|e| e.clone()).unwrap_or_default();
    errors.sort_by(|a, b| {
        (&a.region, &a.action, &a.subject).cmp(&(&b.region, &b.action, &b.subject))
    });
    errors.dedup();
    Ok(Collected {
        account,
        regions: region_data,
        roles,
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

fn function_data(c: &aws_sdk_lambda::types::FunctionConfiguration) -> FunctionData {
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
async fn function_details(
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
        f.on_failure = out
            .destination_config()
            .and_then(|d| d.on_failure())
            .and_then(|o| o.destination())
            .filter(|d| !d.is_empty())
            .map(str::to_string);
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

/// The resource policies of layer versions (`arn:...:layer:NAME:VERSION`), by ARN.
async fn layer_policies(
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

async fn event_source_mappings(
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

async fn log_groups(
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

async fn rest_apis(
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

async fn http_apis(
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

/// Reads every execution role's inline policies and attached policies (the default
/// version's document), roles in parallel.
async fn read_roles(
    iam: aws_sdk_iam::Client,
    arns: BTreeSet<String>,
    tally: &Tally,
    per_call: usize,
) -> BTreeMap<String, RoleData> {
    let limit = Arc::new(Semaphore::new(per_call));
    let mut tasks = JoinSet::new();
    for arn in arns {
        let (iam, tally, limit) = (iam.clone(), tally.clone(), limit.clone());
        tasks.spawn(async move {
            let _permit = limit.acquire_owned().await;
            read_role(&iam, &tally, arn).await
        });
    }
    let mut out = BTreeMap::new();
    while let Some(r) = tasks.join_next().await {
        if let Ok(role) = r {
            out.insert(role.arn.clone(), role);
        }
    }
    // Boundaries are often one policy for many roles: each document is read once.
    let boundaries: BTreeSet<String> = out
        .values()
        .filter_map(|r| r.boundary.as_ref().map(|b| b.0.clone()))
        .collect();
    let mut documents = BTreeMap::new();
    for arn in boundaries {
        let document = policy_document(&iam, tally, &arn).await;
        documents.insert(arn, document);
    }
    for role in out.values_mut() {
        if let Some((arn, document)) = &mut role.boundary {
            *document = documents.get(arn.as_str()).cloned().flatten();
        }
    }
    out
}

async fn read_role(iam: &aws_sdk_iam::Client, tally: &Tally, arn: String) -> RoleData {
    let name = arn.rsplit('/').next().unwrap_or(&arn).to_string();
    let mut role = RoleData {
        arn: arn.clone(),
        name: name.clone(),
        complete: true,
        ..RoleData::default()
    };
    let subject = Some(name.as_str());
    // The role itself: its permissions boundary and when it was last used.
    match tally.single(
        "iam:GetRole",
        "global",
        subject,
        iam.get_role().role_name(&name).send().await,
    ) {
        Some(out) => {
            if let Some(r) = out.role() {
                role.boundary = r
                    .permissions_boundary()
                    .and_then(|b| b.permissions_boundary_arn())
                    .filter(|b| !b.is_empty())
                    .map(|b| (b.to_string(), None));
                role.activity = Some(RoleActivity {
                    created: r.create_date().secs(),
                    last_used: r
                        .role_last_used()
                        .and_then(|u| u.last_used_date())
                        .map(|d| d.secs()),
                    observed: std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX)),
                });
            }
        }
        None => role.complete = false,
    }
    let (pages, listed) = tally
        .pages(
            "iam:ListRolePolicies",
            "global",
            subject,
            iam.list_role_policies()
                .role_name(&name)
                .into_paginator()
                .send(),
        )
        .await;
    role.complete &= listed;
    let names: Vec<String> = pages
        .iter()
        .flat_map(|p| p.policy_names())
        .cloned()
        .collect();
    for policy in names {
        match tally.single(
            "iam:GetRolePolicy",
            "global",
            subject,
            iam.get_role_policy()
                .role_name(&name)
                .policy_name(&policy)
                .send()
                .await,
        ) {
            Some(out) => role
                .inline
                .push((policy, crate::policy_doc::url_decode(out.policy_document()))),
            None => role.complete = false,
        }
    }
    let (pages, listed) = tally
        .pages(
            "iam:ListAttachedRolePolicies",
            "global",
            subject,
            iam.list_attached_role_policies()
                .role_name(&name)
                .into_paginator()
                .send(),
        )
        .await;
    role.complete &= listed;
    let attached: Vec<String> = pages
        .iter()
        .flat_map(|p| p.attached_policies())
        .filter_map(|a| a.policy_arn().map(str::to_string))
        .collect();
    for policy_arn in attached {
        // AWS managed policies the serverless crate already knows are judged from its
        // table, as for templates; only the others are fetched.
        if palisade_serverless::managed_policies::aws_managed_policy_name(&policy_arn)
            .is_some_and(palisade_serverless::managed_policies::is_known)
            || palisade_serverless::iam::managed_policy_risk(&policy_arn).is_some()
        {
            role.attached.push((policy_arn, None));
            continue;
        }
        let document = policy_document(iam, tally, &policy_arn).await;
        if document.is_none() {
            role.complete = false;
        }
        role.attached.push((policy_arn, document));
    }
    role
}

/// The default version's document of a managed policy (URL-decoded JSON text).
async fn policy_document(iam: &aws_sdk_iam::Client, tally: &Tally, arn: &str) -> Option<String> {
    let subject = Some(arn);
    let version = tally
        .single(
            "iam:GetPolicy",
            "global",
            subject,
            iam.get_policy().policy_arn(arn).send().await,
        )?
        .policy()
        .and_then(|p| p.default_version_id())
        .map(str::to_string)?;
    tally
        .single(
            "iam:GetPolicyVersion",
            "global",
            subject,
            iam.get_policy_version()
                .policy_arn(arn)
                .version_id(version)
                .send()
                .await,
        )?
        .policy_version()
        .and_then(|v| v.document())
        .map(crate::policy_doc::url_decode)
}
