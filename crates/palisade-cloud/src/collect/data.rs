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
    /// The SQS queues and SNS topics that dead-letter configs and on-failure destinations
    /// name, by ARN, each read once (other kinds of target are not read); a target that
    /// could not be read has no entry (the call's error says why).
    pub targets: BTreeMap<String, TargetData>,
}

#[derive(Debug, Default)]
pub(crate) struct RegionData {
    pub region: String,
    pub functions: Vec<FunctionData>,
    /// `ListFunctions` failed (at once or part-way): a function missing from `functions`
    /// may still exist.
    pub functions_partial: bool,
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
    /// The on-failure destination of the unqualified function's event invoke config.
    pub on_failure: Option<String>,
    /// The event invoke configs of the function's aliases and versions: (qualified ARN,
    /// on-failure destination). They replace the function's for invocations through them.
    pub qualified_invoke_configs: Vec<(String, Option<String>)>,
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

/// What a dead-letter queue or on-failure destination is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TargetKind {
    Queue,
    Topic,
    Function,
    EventBus,
    Bucket,
}

impl TargetKind {
    /// The kind of a target from its ARN's service (and resource type for functions and
    /// event buses); `None` for anything Lambda cannot deliver failed events to.
    pub fn of(arn: &str) -> Option<TargetKind> {
        let mut it = arn.splitn(6, ':');
        let service = it.nth(2)?;
        let resource = it.nth(2).unwrap_or_default();
        match service {
            "sqs" => Some(TargetKind::Queue),
            "sns" => Some(TargetKind::Topic),
            "lambda" if resource.starts_with("function:") => Some(TargetKind::Function),
            "events" if resource.starts_with("event-bus/") => Some(TargetKind::EventBus),
            "s3" if !resource.is_empty() => Some(TargetKind::Bucket),
            _ => None,
        }
    }

    /// Whether the target itself is read (SQS and SNS). Functions are judged against the
    /// inventory; event buses and buckets are not read, which would take two more SDK
    /// crates for one call each.
    pub fn is_read(self) -> bool {
        matches!(self, TargetKind::Queue | TargetKind::Topic)
    }

    /// `SQS queue`, `SNS topic`...: the words of the template rules' messages.
    pub fn name(self) -> &'static str {
        match self {
            TargetKind::Queue => "SQS queue",
            TargetKind::Topic => "SNS topic",
            TargetKind::Function => "Lambda function",
            TargetKind::EventBus => "EventBridge event bus",
            TargetKind::Bucket => "S3 bucket",
        }
    }

    /// What the function's role must be allowed to deliver a failed event to it.
    pub fn send_action(self) -> &'static str {
        match self {
            TargetKind::Queue => "sqs:SendMessage",
            TargetKind::Topic => "sns:Publish",
            TargetKind::Function => "lambda:InvokeFunction",
            TargetKind::EventBus => "events:PutEvents",
            TargetKind::Bucket => "s3:PutObject",
        }
    }
}

/// A dead-letter queue or on-failure destination as read from SQS or SNS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TargetData {
    /// It exists; its encryption settings and resource policy.
    Found {
        /// `KmsMasterKeyId`, when set and not empty.
        kms_key: Option<String>,
        /// `SqsManagedSseEnabled` (queues only).
        managed_sse: bool,
        /// The resource policy, as JSON text.
        policy: Option<String>,
    },
    /// The service says it does not exist (its message).
    Missing(String),
}
