//! `palisade cloud aws`: the Lambda functions an AWS account runs, read live through the
//! SDK (palisade-cloud) and judged by the same serverless rules as templates, reported in
//! the scan formats; `--compare` adds FN009 drift findings against templates.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;
use clap::{Args, Subcommand};
use palisade_core::{ScanError, ScanReport};
use palisade_engine::{Engine, Scanners, Settings};

use crate::cli::OutputFormat;

#[derive(Debug, Subcommand)]
pub enum CloudCommand {
    /// Scan the Lambda functions deployed in an AWS account.
    ///
    /// Reads, read-only, every function of the chosen regions with its configuration,
    /// execution role (inline policies and the default version of attached policies),
    /// resource-based policy, function URL, API Gateway REST and HTTP routes, log group,
    /// event source mappings, event invoke configs (of the function and its aliases) and
    /// code signing, and the SQS queues and SNS topics that dead-letter configs and
    /// on-failure destinations name (whether they exist, their encryption and policy), and
    /// runs the FN, AUTH, SEC, LOG, COLD and NET rules on them, with the same ids and
    /// messages as for templates. Findings are located by ARN and API field. A function
    /// whose role may update its own code or configuration is reported under FN006; a
    /// dead-letter queue or destination that is gone or that its role may not send to,
    /// under LOG004.
    ///
    /// Credentials come from the standard AWS chain (environment, shared config and
    /// credentials files, --profile, SSO cache, container and instance metadata);
    /// --endpoint-url or AWS_ENDPOINT_URL sends every call elsewhere (moto, LocalStack, a
    /// private endpoint). `--print-policy` prints the IAM policy with the exact actions
    /// called.
    ///
    /// Drift (--compare TEMPLATE, repeatable): each deployed function is matched by name
    /// with a function of the SAM, CloudFormation or Serverless Framework templates (the
    /// same name, or a name generated from the logical id such as `stack-Name-RANDOM` or
    /// `service-stage-name`), and every difference is an FN009 finding on the live
    /// function: role actions the template's role does not grant, environment variable
    /// names added or missing, a URL or URL AuthType the template does not declare,
    /// timeout, memory and runtime. Settings a template leaves unset are not compared.
    ///
    /// A call that fails after its retries (access denied, throttling, no answer within
    /// --timeout, a malformed policy document) is reported as an error naming the call and
    /// region; everything else is still scanned. Exit status: 2 when something could not
    /// be read, else 1 when a finding reaches --fail-on, else 0.
    Aws(AwsArgs),
}

#[derive(Debug, Args)]
pub struct AwsArgs {
    /// How the report is written and when it fails the run.
    #[command(flatten)]
    pub report: crate::cli::ReportArgs,

    /// Print the minimal IAM policy the scan needs and exit.
    #[arg(long)]
    pub print_policy: bool,

    /// Named profile from the shared AWS config and credentials files.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,

    /// Region to scan (repeatable); default: the region of the profile or AWS_REGION.
    #[arg(long = "region", value_name = "REGION", conflicts_with = "all_regions")]
    pub regions: Vec<String>,

    /// Scan every commercial region where Lambda runs.
    #[arg(long)]
    pub all_regions: bool,

    /// Send every API call to this endpoint (also AWS_ENDPOINT_URL).
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,

    /// SAM, CloudFormation or Serverless Framework template to compare the deployed
    /// functions with (repeatable): differences are FN009 findings.
    #[arg(long, value_name = "TEMPLATE")]
    pub compare: Vec<PathBuf>,

    /// Longest one API call may take, retries included, in seconds; each attempt gets at
    /// most a third of it (and at most 10 s).
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    pub timeout: u64,

    /// Attempts per call: throttling and transient errors are retried with exponential
    /// backoff.
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub max_attempts: u32,

    /// Regions scanned at the same time.
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub region_concurrency: usize,

    /// Report format.
    #[arg(short, long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,

    /// Configuration file (default: palisade.toml in the current directory, if present).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// No warnings or notes on standard error (errors are always shown).
    #[arg(short, long)]
    pub quiet: bool,
}

/// Largest template read for --compare.
const MAX_TEMPLATE_BYTES: u64 = 64 << 20;

pub fn run(cmd: CloudCommand) -> anyhow::Result<u8> {
    match cmd {
        CloudCommand::Aws(args) => aws(args),
    }
}

fn aws(args: AwsArgs) -> anyhow::Result<u8> {
    if args.print_policy {
        crate::emit(&palisade_cloud::required_policy())?;
        return Ok(0);
    }
    let config = palisade_engine::load_config(args.config.as_deref(), &[])?;
    let engine = Engine::new(Settings {
        config,
        scanners: Scanners {
            misconfig: true,
            secret: false,
            vuln: false,
        },
        min_severity: args.report.min_severity,
        ..Settings::default()
    })?;
    let mut templates = Vec::new();
    let mut errors = Vec::new();
    for path in &args.compare {
        let display = path.display().to_string();
        let text = palisade_core::fsio::read_to_string_limited(path, MAX_TEMPLATE_BYTES)
            .map_err(|e| anyhow::anyhow!("cannot read {display}: {}", e.reason()))?;
        let scan =
            palisade_serverless::scan_template(&display, &text, engine.serverless_settings());
        errors.extend(scan.errors);
        if scan.inventories.iter().all(|i| i.functions.is_empty()) {
            anyhow::bail!("{display} declares no function to compare with (a SAM, CloudFormation or Serverless Framework template was expected)");
        }
        templates.extend(scan.inventories);
    }
    let attempt = Duration::from_secs((args.timeout / 3).clamp(1, 10));
    let options = palisade_cloud::ScanOptions {
        profile: args.profile.clone(),
        regions: if args.all_regions {
            palisade_cloud::ALL_REGIONS
                .iter()
                .map(|r| r.to_string())
                .collect()
        } else {
            args.regions.clone()
        },
        endpoint_url: args.endpoint_url.clone(),
        region_concurrency: args.region_concurrency.max(1),
        attempt_timeout: attempt,
        operation_timeout: Duration::from_secs(args.timeout.max(1)),
        max_attempts: args.max_attempts.max(1),
        ..palisade_cloud::ScanOptions::default()
    };
    let scan = palisade_cloud::scan_account(&options, engine.serverless_settings())
        .map_err(|e| anyhow::anyhow!("{}", clean(&e.to_string())))
        .context("cannot scan the AWS account")?;
    let mut report = ScanReport {
        targets: vec![format!(
            "aws:{} ({})",
            scan.account,
            scan.regions.join(", ")
        )],
        findings: scan.findings.clone(),
        ..ScanReport::default()
    };
    if !templates.is_empty() {
        report.findings.extend(scan.drift(&templates));
    }
    report.errors = errors;
    for e in &scan.errors {
        let text = clean(&e.to_string());
        if e.kind.is_warning() {
            report.warnings.push(format!("aws:{}: {text}", e.region));
        } else {
            report
                .errors
                .push(ScanError::new(format!("aws:{}", e.region), None, text));
        }
    }
    engine.finish(&mut report);
    let functions = scan.inventory.functions.len();
    if !args.quiet {
        eprintln!(
            "note: {} function(s) in {} region(s) of account {}, {} API calls ({:.1} per function); mapping and rules took {} ms",
            functions,
            scan.regions.len(),
            clean(&scan.account),
            scan.calls,
            scan.calls as f64 / functions.max(1) as f64,
            scan.analysis.as_millis()
        );
    }
    crate::scan::finish(&report, &args.report.to(args.format, args.quiet))
}

/// Text from an API response on its way to a terminal: secrets redacted, control
/// characters escaped.
fn clean(text: &str) -> String {
    palisade_core::text::printable(&palisade_secrets::redact(text)).into_owned()
}
