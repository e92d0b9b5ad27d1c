//! Deployed AWS serverless resources for Palisade: reads the Lambda functions of an account
//! (their configuration, execution roles with inline and attached policies, resource
//! policies, function URLs, API Gateway REST and HTTP routes, log groups, event source
//! mappings, the SQS queues and SNS topics failed events go to) through the AWS SDK for Rust, read-only, and maps them into the serverless
//! crate's [`palisade_serverless::Inventory`], so the FN, AUTH, SEC, LOG, COLD and NET rules
//! judge a live function exactly as they judge one written in a template.
//!
//! It is for one account at a time: [`scan_account`] in, an [`AccountScan`] (inventory,
//! findings located by ARN and field, what could not be read) out. It does not render
//! reports or parse command lines; the CLI does that. [`AccountScan::inventory`] can be
//! compared with a template's
//! (through [`palisade_serverless::drift`]). [`REQUIRED_ACTIONS`] is every API action it calls.

mod collect;
mod error;
mod locate;
mod map;
mod policy_doc;

use std::time::Duration;

use palisade_core::Finding;
use palisade_serverless::{Inventory, ServerlessSettings};

pub use error::{CallError, CallErrorKind};

/// Every IAM action `palisade cloud aws` calls: the minimal policy it needs. All are
/// read-only (List/Get/Describe).
pub const REQUIRED_ACTIONS: &[&str] = &[
    "apigateway:GET",
    "iam:GetPolicy",
    "iam:GetPolicyVersion",
    "iam:GetRole",
    "iam:GetRolePolicy",
    "iam:ListAttachedRolePolicies",
    "iam:ListRolePolicies",
    "lambda:GetFunctionCodeSigningConfig",
    "lambda:GetFunctionConcurrency",
    "lambda:GetFunctionEventInvokeConfig",
    "lambda:GetFunctionUrlConfig",
    "lambda:GetLayerVersionPolicy",
    "lambda:GetPolicy",
    "lambda:ListAliases",
    "lambda:ListEventSourceMappings",
    "lambda:ListFunctionEventInvokeConfigs",
    "lambda:ListFunctionUrlConfigs",
    "lambda:ListFunctions",
    "lambda:ListProvisionedConcurrencyConfigs",
    "logs:DescribeLogGroups",
    "sns:GetTopicAttributes",
    "sqs:GetQueueAttributes",
    "sqs:GetQueueUrl",
    "sts:GetCallerIdentity",
];

/// The minimal IAM policy document for a scan, as JSON text.
pub fn required_policy() -> String {
    let doc = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "PalisadeCloudAwsReadOnly",
            "Effect": "Allow",
            "Action": REQUIRED_ACTIONS,
            "Resource": "*",
        }],
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

/// The commercial-partition regions where Lambda runs, scanned by `--all-regions`.
/// A static list, so that listing regions needs neither EC2 nor Account permissions;
/// opt-in regions not enabled for the account answer with an error, reported per region.
pub const ALL_REGIONS: &[&str] = &[
    "af-south-1",
    "ap-east-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
];

/// What to scan and how patiently.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// Named profile of the shared config files; `None` is the standard chain's choice.
    pub profile: Option<String>,
    /// Regions to scan; empty means the region the credential chain configures.
    pub regions: Vec<String>,
    /// Endpoint for every service (moto, LocalStack, a private endpoint); `None` lets the
    /// chain decide (`AWS_ENDPOINT_URL` included).
    pub endpoint_url: Option<String>,
    /// Regions scanned at the same time.
    pub region_concurrency: usize,
    /// Per-function calls in flight at the same time, per region.
    pub call_concurrency: usize,
    /// Longest one attempt of a call may take.
    pub attempt_timeout: Duration,
    /// Longest one call may take, retries included.
    pub operation_timeout: Duration,
    /// Attempts per call (throttling and transient errors are retried with backoff).
    pub max_attempts: u32,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            profile: None,
            regions: Vec::new(),
            endpoint_url: None,
            region_concurrency: 4,
            call_concurrency: 16,
            attempt_timeout: Duration::from_secs(10),
            operation_timeout: Duration::from_secs(30),
            max_attempts: 5,
        }
    }
}

/// Everything one account scan produced.
#[derive(Debug)]
pub struct AccountScan {
    pub account: String,
    pub regions: Vec<String>,
    /// The deployed resources in the serverless model (one inventory for the account:
    /// IAM roles are global, and a role shared across regions is still shared).
    pub inventory: Inventory,
    /// Rule findings, each located by the ARN it is about and the field.
    pub findings: Vec<Finding>,
    /// Calls that failed after their retries; what they would have read is missing.
    pub errors: Vec<CallError>,
    /// Calls made, for the cost of a scan.
    pub calls: u64,
    /// Time spent on Palisade's own work once everything was read: the mapping into the
    /// model, the rules and the account-level findings (the rest is waiting for the API).
    pub analysis: std::time::Duration,
    locator: locate::Locator,
}

impl AccountScan {
    /// FN009 findings: how the live functions differ from the functions of `templates`
    /// (inventories from the serverless front-ends), located by ARN and field.
    pub fn drift(&self, templates: &[Inventory]) -> Vec<Finding> {
        let mut findings = palisade_serverless::drift::compare(&self.inventory, templates);
        for f in &mut findings {
            self.locator.relocate(&mut f.location);
        }
        findings
    }
}

/// Errors that stop a scan before any region is read.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error(
        "no region: pass --region or --all-regions, or set one in the AWS profile or AWS_REGION"
    )]
    NoRegion,
    #[error("cannot start the async runtime: {0}")]
    Runtime(#[from] std::io::Error),
    #[error("{0}")]
    Account(CallError),
}

/// Reads the account's serverless resources in every requested region and runs the
/// serverless rules on them.
pub fn scan_account(
    options: &ScanOptions,
    settings: &ServerlessSettings,
) -> Result<AccountScan, ScanError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let collected = runtime.block_on(collect::collect(options))?;
    let started = std::time::Instant::now();
    let (inventory, mut locator, malformed) = map::build(&collected);
    let mut findings = palisade_serverless::check(&inventory, settings);
    findings.extend(map::self_modification_findings(&inventory, &locator));
    findings.extend(map::target_findings(&collected, &inventory, &mut locator));
    for f in &mut findings {
        locator.relocate(&mut f.location);
    }
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    Ok(AccountScan {
        account: collected.account.clone(),
        regions: collected.regions.iter().map(|r| r.region.clone()).collect(),
        inventory,
        findings,
        errors: collected.errors.iter().cloned().chain(malformed).collect(),
        calls: collected.calls,
        analysis: started.elapsed(),
        locator,
    })
}
