//! The normalized serverless model every front-end produces and every rule reads.
//!
//! A Lambda function from CloudFormation, SAM, the Serverless Framework or Terraform, an
//! Azure function or a Google Cloud Function all become one [`Function`]; roles, endpoints,
//! resource policies, security groups, API stages and log groups sit beside them in an
//! [`Inventory`] (one per template). Settings the template does not state are
//! [`Attr::Unset`]; settings it states in a way we cannot evaluate are [`Attr::Unknown`], and
//! rules skip those rather than guess.

use crate::value::Pos;

/// A setting of a resource: not written, written but not knowable, or known.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Attr<T> {
    #[default]
    Unset,
    Unknown(Pos),
    Set(T, Pos),
}

impl<T> Attr<T> {
    pub fn value(&self) -> Option<&T> {
        match self {
            Attr::Set(v, _) => Some(v),
            _ => None,
        }
    }

    pub fn pos(&self) -> Option<Pos> {
        match self {
            Attr::Set(_, p) | Attr::Unknown(p) => Some(*p),
            Attr::Unset => None,
        }
    }

    pub fn is_unset(&self) -> bool {
        matches!(self, Attr::Unset)
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Attr::Unknown(_))
    }

    /// Keeps `self` unless it is unset (how SAM Globals and provider settings apply).
    pub fn or(self, fallback: Attr<T>) -> Attr<T> {
        match self {
            Attr::Unset => fallback,
            other => other,
        }
    }
}

/// Which template language a resource came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    CloudFormation,
    Sam,
    ServerlessFramework,
    Terraform,
    AzureFunctions,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::CloudFormation => "CloudFormation",
            Format::Sam => "SAM",
            Format::ServerlessFramework => "Serverless Framework",
            Format::Terraform => "Terraform",
            Format::AzureFunctions => "Azure Functions",
        }
    }
}

/// Cloud the function runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cloud {
    Aws,
    Azure,
    Google,
}

/// A name or value with where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub pos: Pos,
}

/// One environment variable of a function.
#[derive(Debug, Clone, PartialEq)]
pub struct EnvVar {
    pub name: String,
    /// The literal value; `Unknown` for references (`!Ref`, `${ssm:...}`, `var.x` without default).
    pub value: Attr<String>,
    pub pos: Pos,
}

/// Network placement of a function.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct VpcConfig {
    pub subnets: usize,
    pub security_groups: Vec<String>,
}

/// A function URL (Lambda) and its auth.
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionUrl {
    /// `NONE` or `AWS_IAM`.
    pub auth_type: Attr<String>,
    pub cors: Option<Cors>,
    pub pos: Pos,
}

/// CORS settings of an endpoint or URL.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Cors {
    pub allow_origins: Vec<String>,
    pub allow_credentials: bool,
    pub pos: Pos,
}

/// What invokes a function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TriggerKind {
    /// Synchronous HTTP (API Gateway, function URL, Azure HTTP trigger).
    Http,
    /// Asynchronous push (S3, SNS, EventBridge, schedules, IoT...): failures need a DLQ.
    Async,
    /// Polled streams and queues (SQS, Kinesis, DynamoDB): failures are retried by the poller.
    Poll,
    Other,
}

/// One event source of a function.
#[derive(Debug, Clone, PartialEq)]
pub struct Trigger {
    pub kind: TriggerKind,
    /// Source type as written: `S3`, `sns`, `Api`, `schedule`...
    pub source: String,
    pub pos: Pos,
    /// A Kinesis or DynamoDB stream poller: a batch that keeps failing blocks its shard
    /// until the records expire and are dropped, unless the mapping has an on-failure
    /// destination.
    pub stream: bool,
    /// The poller's own on-failure destination (`DestinationConfig.OnFailure` of an event
    /// source mapping); asynchronous triggers use the function's [`Function::dead_letter`].
    pub on_failure: Attr<String>,
}

impl Trigger {
    pub fn new(kind: TriggerKind, source: impl Into<String>, pos: Pos) -> Self {
        Trigger {
            kind,
            source: source.into(),
            pos,
            stream: false,
            on_failure: Attr::Unset,
        }
    }
}

/// A deployable function.
#[derive(Debug, Clone, PartialEq)]
pub struct Function {
    /// Resource id for findings: `AWS::Lambda::Function/MyFunc`, `aws_lambda_function.x`...
    pub resource: String,
    /// Logical name (the key in the template).
    pub name: String,
    pub cloud: Cloud,
    pub pos: Pos,
    pub runtime: Attr<String>,
    pub handler: Attr<String>,
    /// Container-image functions have no managed runtime.
    pub image: bool,
    /// Index into [`Inventory::roles`] when the role is defined in the template.
    pub role: Option<usize>,
    /// What the role setting says, for sharing detection: a resource name or an ARN.
    pub role_ref: Attr<String>,
    pub environment: Vec<EnvVar>,
    pub environment_pos: Option<Pos>,
    pub kms_key: Attr<String>,
    pub timeout: Attr<i64>,
    pub memory: Attr<i64>,
    pub reserved_concurrency: Attr<i64>,
    pub provisioned_concurrency: Attr<i64>,
    /// `true` when active tracing (X-Ray) is on.
    pub tracing: Attr<bool>,
    /// Dead-letter queue or on-failure destination of async invocations.
    pub dead_letter: Attr<String>,
    pub vpc: Attr<VpcConfig>,
    pub code_signing: Attr<String>,
    /// Layers, in order: their version ARNs and, when known, whether anyone may read them.
    pub layers: Vec<LayerRef>,
    /// The URL of the unqualified function (`$LATEST`).
    pub url: Option<FunctionUrl>,
    /// URLs of the function's aliases: (alias name, URL).
    pub alias_urls: Vec<(String, FunctionUrl)>,
    pub triggers: Vec<Trigger>,
    pub log_retention_days: Attr<i64>,
    /// Resources the function talks to that live only inside a VPC (RDS, ElastiCache...).
    pub vpc_only_targets: Vec<Spanned<String>>,
    /// The App Service site hosting an Azure function app (transport, platform auth,
    /// identity, telemetry); `None` for every other function.
    pub site: Option<AppServiceSite>,
}

/// Settings of the App Service site an Azure function app runs on. What the template does
/// not write is [`Attr::Unset`] and means the provider's default.
#[derive(Debug, Clone, PartialEq)]
pub struct AppServiceSite {
    /// `https_only`; unset means plain HTTP is served too.
    pub https_only: Attr<bool>,
    /// `site_config.minimum_tls_version` (`min_tls_version` in `azurerm_function_app`);
    /// unset means 1.2.
    pub min_tls_version: Attr<String>,
    /// `site_config.scm_minimum_tls_version` (the deployment endpoint).
    pub scm_min_tls_version: Attr<String>,
    /// `site_config.ftps_state`: `AllAllowed`, `FtpsOnly` or `Disabled`.
    pub ftps_state: Attr<String>,
    /// An unset `ftps_state` means `AllAllowed` (the legacy `azurerm_function_app` and its
    /// slot); the newer resources default to `Disabled`.
    pub ftp_allowed_by_default: bool,
    /// App Service authentication: `auth_settings.enabled` or `auth_settings_v2.auth_enabled`.
    pub platform_auth: Attr<bool>,
    /// A system- or user-assigned managed identity (`identity` block).
    pub managed_identity: Attr<bool>,
    /// An Application Insights connection (site config or `APPINSIGHTS_*` app settings).
    pub app_insights: Attr<bool>,
    /// The Functions host version (`functions_extension_version`, the legacy `version`, or
    /// the `FUNCTIONS_EXTENSION_VERSION` app setting): `~4`, `~3`...
    pub functions_version: Attr<String>,
    pub pos: Pos,
}

impl Function {
    /// The account the function runs in, when known: from its own ARN (a deployed
    /// function) or from the literal ARN of its role (a template that names the role so).
    pub fn account(&self) -> Option<&str> {
        arn_account(&self.resource).or_else(|| self.role_ref.value().and_then(|r| arn_account(r)))
    }

    pub fn new(resource: String, name: String, cloud: Cloud, pos: Pos) -> Self {
        Function {
            resource,
            name,
            cloud,
            pos,
            runtime: Attr::Unset,
            handler: Attr::Unset,
            image: false,
            role: None,
            role_ref: Attr::Unset,
            environment: Vec::new(),
            environment_pos: None,
            kms_key: Attr::Unset,
            timeout: Attr::Unset,
            memory: Attr::Unset,
            reserved_concurrency: Attr::Unset,
            provisioned_concurrency: Attr::Unset,
            tracing: Attr::Unset,
            dead_letter: Attr::Unset,
            vpc: Attr::Unset,
            code_signing: Attr::Unset,
            layers: Vec::new(),
            url: None,
            alias_urls: Vec::new(),
            triggers: Vec::new(),
            log_retention_days: Attr::Unset,
            vpc_only_targets: Vec::new(),
            site: None,
        }
    }

    /// Every URL of the function: `(None, url)` for the function itself, `(Some(alias), url)`
    /// for an alias.
    pub fn urls(&self) -> impl Iterator<Item = (Option<&str>, &FunctionUrl)> {
        self.url.iter().map(|u| (None, u)).chain(
            self.alias_urls
                .iter()
                .map(|(alias, u)| (Some(alias.as_str()), u)),
        )
    }
}

/// A layer a function runs with.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerRef {
    /// The layer version ARN (`arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION`).
    pub arn: Spanned<String>,
    /// `Some(true)` when the layer version's policy lets any account read it (Principal `*`
    /// without an organization condition); `None` when the policy was not read (a layer of
    /// another account, or a template).
    pub public: Option<bool>,
}

/// Links the layers functions of a template name to the template's own layer versions:
/// a layer given as a reference to one of `template_layers` (a logical id or an address)
/// is readable by any account when `public` (the layers a permission opens to `*`)
/// names it, and private otherwise; a literal layer ARN is public when `public` names it
/// and not known otherwise.
pub fn link_layers(
    functions: &mut [Function],
    template_layers: &std::collections::HashSet<String>,
    public: &std::collections::HashSet<String>,
) {
    for layer in functions.iter_mut().flat_map(|f| f.layers.iter_mut()) {
        if template_layers.contains(&layer.arn.value) {
            layer.public = Some(public.contains(&layer.arn.value));
        } else if public.contains(&layer.arn.value) {
            layer.public = Some(true);
        }
    }
}

/// The account of an ARN (`arn:PARTITION:SERVICE:REGION:ACCOUNT:...`), when it names one.
pub fn arn_account(arn: &str) -> Option<&str> {
    let mut parts = arn.split(':');
    (parts.next()? == "arn").then_some(())?;
    let account = parts.nth(3)?;
    (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())).then_some(account)
}

/// One IAM policy statement with positions of what rules point at.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PolicyStatement {
    pub allow: bool,
    pub actions: Vec<Spanned<String>>,
    pub not_actions: Vec<Spanned<String>>,
    pub resources: Vec<Spanned<String>>,
    pub not_resources: Vec<Spanned<String>>,
    /// Some of the actions or resources could not be evaluated.
    pub has_unknown: bool,
    pub has_condition: bool,
    /// Where the policy came from: the policy name, SAM policy template, managed policy.
    pub source: String,
    pub pos: Pos,
}

/// An execution role with its effective policy statements.
#[derive(Debug, Clone, PartialEq)]
pub struct Role {
    pub resource: String,
    pub name: String,
    pub pos: Pos,
    pub statements: Vec<PolicyStatement>,
    /// Managed policy ARNs or names attached to the role.
    pub managed_policies: Vec<Spanned<String>>,
    /// The role's permissions boundary, when it has one.
    pub boundary: Option<Boundary>,
    /// When a deployed role was created and last used (live scans only).
    pub usage: Option<RoleUsage>,
}

/// A deployed role's use, in seconds since the Unix epoch, as IAM reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoleUsage {
    pub created: i64,
    /// `None`: not used within IAM's tracking period (400 days), or never.
    pub last_used: Option<i64>,
    /// When the role was read: the scan compares with this, not with a clock of its own.
    pub observed: i64,
    /// Where findings about it point.
    pub pos: Pos,
}

impl Role {
    pub fn new(resource: String, name: String, pos: Pos) -> Self {
        Role {
            resource,
            name,
            pos,
            statements: Vec::new(),
            managed_policies: Vec::new(),
            boundary: None,
            usage: None,
        }
    }
}

/// A permissions boundary: the managed policy that caps what a role's policies can grant
/// (see [`crate::boundary`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Boundary {
    /// The boundary policy's ARN or template name, where the role names it.
    pub policy: Spanned<String>,
    /// The boundary policy's statements; `None` when its document is not known (an ARN of
    /// a policy outside the template), and then it caps nothing the rules can see.
    pub statements: Option<Vec<PolicyStatement>>,
}

/// Kind of HTTP endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndpointKind {
    /// API Gateway REST API method (v1).
    RestApi,
    /// API Gateway HTTP API route (v2).
    HttpApi,
    /// Azure Functions HTTP trigger.
    AzureHttp,
    /// Google Cloud Function / Cloud Run invoker binding.
    GoogleInvoker,
}

/// How an endpoint authenticates callers.
#[derive(Debug, Clone, PartialEq)]
pub enum EndpointAuth {
    /// Anyone can call it.
    None,
    /// An API key is required (REST APIs), no identity.
    ApiKey,
    /// An authorizer, IAM, Cognito, JWT or Azure function/admin key.
    Authorizer(String),
}

/// An HTTP entry point to a function.
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    pub kind: EndpointKind,
    pub resource: String,
    /// `GET /users`, or the member (`allUsers`) for Google.
    pub route: String,
    pub auth: Attr<EndpointAuth>,
    pub cors: Option<Cors>,
    /// Index into [`Inventory::functions`] when known.
    pub function: Option<usize>,
    pub pos: Pos,
}

/// A resource-based policy statement letting someone invoke a function.
#[derive(Debug, Clone, PartialEq)]
pub struct InvokePermission {
    pub resource: String,
    pub principal: Attr<String>,
    pub source_arn: bool,
    pub source_account: bool,
    pub principal_org: bool,
    /// Permissions for `lambda:InvokeFunctionUrl` with `FunctionUrlAuthType: NONE` are how
    /// public function URLs are made; AUTH003 reports those, not FN008.
    pub for_public_url: bool,
    pub pos: Pos,
}

/// An API stage (REST or HTTP API) and its logging.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiStage {
    pub resource: String,
    pub kind: EndpointKind,
    pub access_logging: Attr<bool>,
    pub pos: Pos,
}

/// A CloudWatch log group.
#[derive(Debug, Clone, PartialEq)]
pub struct LogGroup {
    pub resource: String,
    pub retention_days: Attr<i64>,
    pub pos: Pos,
}

/// Traffic direction of a security group rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Ingress,
    Egress,
}

/// One security group rule, with its own resource id when it is a separate resource.
#[derive(Debug, Clone, PartialEq)]
pub struct SecurityGroupRule {
    pub resource: String,
    pub direction: Direction,
    pub cidr: String,
    /// `-1`/`all` is normalised to `None` (all protocols).
    pub protocol: Option<String>,
    pub from_port: Option<i64>,
    pub to_port: Option<i64>,
    pub pos: Pos,
}

impl SecurityGroupRule {
    pub fn all_ports(&self) -> bool {
        self.protocol.is_none()
            || (matches!(self.from_port, Some(0) | Some(-1) | None)
                && matches!(self.to_port, Some(65535) | Some(-1) | None))
    }

    pub fn covers_port(&self, port: i64) -> bool {
        if self.protocol.is_none() {
            return true;
        }
        match (self.from_port, self.to_port) {
            (Some(-1), _) | (_, Some(-1)) => true,
            (Some(f), Some(t)) => f <= port && port <= t,
            (Some(f), None) => f == port,
            (None, Some(t)) => t == port,
            (None, None) => true,
        }
    }

    pub fn open_to_world(&self) -> bool {
        matches!(self.cidr.as_str(), "0.0.0.0/0" | "::/0")
    }
}

/// A security group and every rule that applies to it.
#[derive(Debug, Clone, PartialEq)]
pub struct SecurityGroup {
    pub resource: String,
    pub pos: Pos,
    pub rules: Vec<SecurityGroupRule>,
}

/// Everything one template declares that the serverless rules look at.
#[derive(Debug, Clone, PartialEq)]
pub struct Inventory {
    pub path: String,
    pub format: Format,
    pub functions: Vec<Function>,
    pub roles: Vec<Role>,
    pub endpoints: Vec<Endpoint>,
    pub permissions: Vec<InvokePermission>,
    pub stages: Vec<ApiStage>,
    pub log_groups: Vec<LogGroup>,
    pub security_groups: Vec<SecurityGroup>,
    /// Function URLs whose function is not in this template: `(resource, url)`.
    pub detached_urls: Vec<(String, FunctionUrl)>,
    /// Networks, data stores, clusters, registries and identities around the functions.
    pub platform: crate::platform::Platform,
}

impl Inventory {
    pub fn new(path: impl Into<String>, format: Format) -> Self {
        Inventory {
            path: path.into(),
            format,
            functions: Vec::new(),
            roles: Vec::new(),
            endpoints: Vec::new(),
            permissions: Vec::new(),
            stages: Vec::new(),
            log_groups: Vec::new(),
            security_groups: Vec::new(),
            detached_urls: Vec::new(),
            platform: crate::platform::Platform::default(),
        }
    }

    /// Whether the template declares anything the serverless rules read.
    pub fn is_empty(&self) -> bool {
        self.functions.is_empty()
            && self.roles.is_empty()
            && self.endpoints.is_empty()
            && self.permissions.is_empty()
            && self.stages.is_empty()
            && self.log_groups.is_empty()
            && self.security_groups.is_empty()
            && self.detached_urls.is_empty()
            && self.platform.is_empty()
    }

    /// The functions that use role `index`.
    pub fn functions_of_role(&self, index: usize) -> impl Iterator<Item = &Function> {
        self.functions.iter().filter(move |f| f.role == Some(index))
    }
}
