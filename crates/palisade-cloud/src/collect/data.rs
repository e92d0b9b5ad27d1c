//! What the calls bring back, kept as plain data for [`crate::map`].

use std::collections::BTreeMap;

use crate::error::CallError;

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
    /// The resource-based policies of the function's aliases: (alias ARN, JSON text). An
    /// alias has its own policy, which the function's does not cover.
    pub alias_policies: Vec<(String, String)>,
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
