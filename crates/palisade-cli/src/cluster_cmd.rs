//! `palisade cluster --from-dump`: the objects of a cluster, as `kubectl get -o json|yaml`
//! wrote them, scanned with the same rules as manifests (every object together, so RBAC
//! and NetworkPolicy rules see the whole cluster), located by object and field path, and
//! reported in the scan formats or as PolicyReports.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use palisade_core::{ScanError, Severity};
use palisade_engine::{Engine, Scanners, Settings};
use palisade_report::policyreport::{self, ResourceRef};

use crate::cli::{ColorChoice, FailOn, OutputFormat};
use crate::scan::Output;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ClusterFormat {
    Table,
    Json,
    Sarif,
    Junit,
    /// `wgpolicyk8s.io/v1alpha2` PolicyReports (one per namespace) and a
    /// ClusterPolicyReport, as a `List` that `kubectl apply -f` accepts.
    Policyreport,
}

/// Scans the objects of a cluster from a dump, offline.
///
/// Make the dump with, for example:
/// `kubectl get pods,deployments,daemonsets,statefulsets,jobs,cronjobs,services,networkpolicies,serviceaccounts,roles,rolebindings,clusterroles,clusterrolebindings,namespaces -A -o json > cluster.json`
#[derive(Debug, Args)]
pub struct ClusterArgs {
    /// `kubectl get ... -o json` or `-o yaml` output: a List, one object or a YAML stream
    /// (several files are one cluster).
    #[arg(long, value_name = "FILE", required = true, num_args = 1..)]
    pub from_dump: Vec<PathBuf>,

    /// Only objects in these namespaces (cluster-scoped objects are always read, since
    /// RBAC rules need them).
    #[arg(short, long, value_name = "NS")]
    pub namespace: Vec<String>,

    /// Report format.
    #[arg(short, long, value_enum, default_value_t = ClusterFormat::Table)]
    pub format: ClusterFormat,

    /// Write the report to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Only report findings at or above this severity (critical, high, medium, low, info).
    #[arg(long, value_name = "SEVERITY", value_parser = parse_severity, default_value = "info")]
    pub min_severity: Severity,

    /// Exit with status 1 when a finding is at or above this severity (or `never`).
    #[arg(long, value_name = "SEVERITY", value_parser = crate::cli::parse_fail_on, default_value = "low")]
    pub fail_on: FailOn,

    /// Configuration file (default: palisade.toml in the current directory, if present).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Also list findings silenced by annotations or palisade.toml.
    #[arg(long)]
    pub show_suppressed: bool,

    /// Colour in the table report.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// No warnings on standard error (errors are always shown).
    #[arg(short, long)]
    pub quiet: bool,
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    s.parse::<Severity>().map_err(|e| e.to_string())
}

/// Largest dump file read.
const MAX_DUMP_BYTES: u64 = 1 << 30;

pub fn run(args: ClusterArgs) -> anyhow::Result<u8> {
    let config = palisade_engine::load_config(args.config.as_deref(), &[])?;
    let engine = Engine::new(Settings {
        config,
        // Objects from an API hold no lockfiles; their secrets are judged by the
        // Kubernetes rules (Secrets in env, ConfigMaps), not by the file secret scanner.
        scanners: Scanners {
            misconfig: true,
            secret: false,
            vuln: false,
        },
        min_severity: args.min_severity,
        ..Settings::default()
    })?;
    let mut errors = Vec::new();
    let mut objects = Vec::new();
    for path in &args.from_dump {
        let display = path.display().to_string();
        let text = match read_dump(path) {
            Ok(text) => text,
            Err(e) => {
                errors.push(ScanError::new(&display, None, format!("{e:#}")));
                continue;
            }
        };
        match palisade_engine::objects_from_dump(&display, &text) {
            Ok(found) => objects.extend(found),
            Err(e) => errors.push(e),
        }
    }
    if !args.namespace.is_empty() {
        objects.retain(|o| {
            let ns = o
                .pointer("/metadata/namespace")
                .and_then(|n| n.as_str())
                .unwrap_or("");
            ns.is_empty() || args.namespace.iter().any(|n| n == ns)
        });
    }
    let scan = engine.scan_objects(&objects);
    let mut report = scan.report;
    report.targets = args
        .from_dump
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    report.errors.splice(0..0, errors);
    if objects.is_empty() {
        report
            .warnings
            .push("the dump holds no Kubernetes objects".to_string());
    }
    let format = match args.format {
        ClusterFormat::Table => OutputFormat::Table,
        ClusterFormat::Json => OutputFormat::Json,
        ClusterFormat::Sarif => OutputFormat::Sarif,
        ClusterFormat::Junit => OutputFormat::Junit,
        ClusterFormat::Policyreport => {
            return write_policy_reports(&report, &scan.names, &objects, &args);
        }
    };
    crate::scan::finish(
        &report,
        &Output {
            format,
            path: args.output.as_deref(),
            color: args.color,
            show_suppressed: args.show_suppressed,
            quiet: args.quiet,
            fail_on: args.fail_on,
        },
    )
}

/// Reads a dump: a regular file (a FIFO or device is refused), at most [`MAX_DUMP_BYTES`].
fn read_dump(path: &std::path::Path) -> anyhow::Result<String> {
    palisade_core::fsio::read_to_string_limited(path, MAX_DUMP_BYTES)
        .map_err(|e| anyhow::anyhow!("cannot read: {}", e.reason()))
}

/// The findings as PolicyReports, each result naming its object (with its uid).
fn write_policy_reports(
    report: &palisade_core::ScanReport,
    names: &[String],
    objects: &[serde_json::Value],
    args: &ClusterArgs,
) -> anyhow::Result<u8> {
    let by_name: std::collections::HashMap<&str, &serde_json::Value> = names
        .iter()
        .map(String::as_str)
        .zip(objects.iter())
        .collect();
    let resource = |f: &palisade_core::Finding| {
        let o = by_name.get(f.location.path.as_str())?;
        let text = |p: &str| o.pointer(p).and_then(|v| v.as_str()).map(str::to_string);
        Some(ResourceRef {
            api_version: text("/apiVersion").unwrap_or_default(),
            kind: text("/kind").unwrap_or_default(),
            namespace: text("/metadata/namespace"),
            name: text("/metadata/name").unwrap_or_default(),
            uid: text("/metadata/uid"),
        })
    };
    let (doc, _) =
        policyreport::policy_reports(&report.findings, &resource, chrono::Utc::now().timestamp());
    let text = serde_json::to_string_pretty(&doc)? + "\n";
    crate::manifests::emit(&text, args.output.as_deref())?;
    for e in &report.errors {
        eprintln!("error: {e}");
    }
    Ok(if report.errors.is_empty() {
        0
    } else {
        crate::EXIT_ERROR
    })
}
