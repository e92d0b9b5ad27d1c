//! `palisade cluster`: the objects of a running cluster, read through its API (or, with
//! `--from-dump`, as `kubectl get -o json|yaml` wrote them), scanned with the same rules as
//! manifests (every object together, so RBAC and NetworkPolicy rules see the whole
//! cluster), located by object and field path, and reported in the scan formats or as
//! PolicyReports.

use std::collections::BTreeSet;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use palisade_core::{Json, ScanError};
use palisade_engine::image::{fleet, ImageSettings};
use palisade_engine::{Engine, Scanners, Settings, VulnerabilitySettings};
use palisade_report::policyreport::{self, ResourceRef};

use crate::cli::OutputFormat;

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

/// The options of `palisade cluster` (its help text is on `cli::Command::Cluster`).
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ClusterArgs {
    #[command(subcommand)]
    pub command: Option<ClusterCommand>,

    /// How the report is written and when it fails the run.
    #[command(flatten)]
    pub report: crate::cli::ReportArgs,

    /// Read `kubectl get ... -o json` or `-o yaml` output instead of a live cluster: a
    /// List, one object or a YAML stream (several files are one cluster).
    #[arg(long, value_name = "FILE", num_args = 1.., conflicts_with_all = ["kubeconfig", "context", "page_size", "timeout", "print_role", "strict"])]
    pub from_dump: Vec<PathBuf>,

    #[command(flatten)]
    pub connection: Connection,

    /// Only objects in these namespaces (cluster-scoped objects are always read, since
    /// RBAC rules need them). Live, namespaced resources are then listed per namespace.
    #[arg(short, long, value_name = "NS")]
    pub namespace: Vec<String>,

    /// A resource the credentials may not list is an error (exit status 2), not a warning.
    #[arg(long)]
    pub strict: bool,

    /// Print the ClusterRole (read-only) that `palisade cluster` needs, and exit.
    #[arg(long)]
    pub print_role: bool,

    /// Report format.
    #[arg(short, long, value_enum, default_value_t = ClusterFormat::Table)]
    pub format: ClusterFormat,

    /// Policies checked over the cluster's objects like the built-in rules (files or
    /// folders, repeatable): Gatekeeper ConstraintTemplates and constraints,
    /// ValidatingAdmissionPolicies with their bindings, Kyverno ValidatingPolicies and
    /// `validate.cel` ClusterPolicies; violations are rules `POL:<policy>/...`.
    #[arg(long, value_name = "PATH")]
    pub policy: Vec<PathBuf>,

    /// Configuration file (default: palisade.toml in the current directory, if present).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// No warnings on standard error (errors are always shown); with --watch, no log line
    /// per re-evaluation either.
    #[arg(short, long)]
    pub quiet: bool,

    /// Write the results into the cluster instead of printing them: a
    /// `wgpolicyk8s.io/v1alpha2` PolicyReport named `palisade` in each namespace with
    /// findings and a ClusterPolicyReport `palisade`, applied with server-side apply (field
    /// manager `palisade`); reports Palisade wrote before that no longer hold a result are
    /// deleted. Needs the permissions of `palisade cluster manifests`. Without --watch,
    /// writes once and exits: 0, or 2 when a list or a write failed (each is named on
    /// standard error).
    #[arg(long, conflicts_with_all = ["from_dump", "print_role", "format"])]
    pub write_reports: bool,

    /// Keep the reports up to date: after the first write, watch every kind read (resuming
    /// after disconnects, listing again when the server's history has moved on) and, for
    /// each burst of changes, re-evaluate only the namespaces changed (the whole cluster
    /// when RBAC or a cluster-scoped object changed) and apply the reports that changed.
    /// Logs one JSON line per re-evaluation on standard error. Runs until SIGTERM or
    /// SIGINT, then exits 0. Meant to run in the cluster (`palisade cluster manifests`).
    #[arg(long, requires = "write_reports")]
    pub watch: bool,

    /// With --watch, how long a burst of changes may go quiet before it is evaluated, in
    /// milliseconds (a burst is cut after ten times this).
    #[arg(long, value_name = "MS", default_value_t = 300, requires = "watch",
          value_parser = clap::value_parser!(u64).range(1..=60_000))]
    pub debounce: u64,

    /// Also scan every image the cluster runs, like `palisade image`: the images of the
    /// pods' containers, init containers and ephemeral containers, by the digest the
    /// kubelet reports (`status.containerStatuses[].imageID`, so replicas of a tag are
    /// grouped by what actually runs), each pulled and analysed once, --concurrency at a
    /// time. A workload none of whose pods was read (a dump of controllers only) counts
    /// with the images of its pod template. Findings are located at `IMAGE` or
    /// `IMAGE!/path/in/image` and name the workloads that run the image (JSON `evidence`:
    /// `run by Deployment/shop/web`). Reports of images pinned by digest are kept in a cache
    /// under Palisade's cache folder ($XDG_CACHE_HOME/palisade/images, else
    /// ~/.cache/palisade/images), reused while the vulnerability database, the rules and
    /// these options are the same, and removed after a week. An image that cannot be pulled is an error naming it and
    /// its workloads (exit status 2); the others are still scanned.
    #[arg(long)]
    pub images: bool,

    /// Print the images the cluster runs (as --images collects them: deduplicated by
    /// digest, sorted), one reference per line, and exit: the list that `palisade image
    /// --shard I/N FILE` and `palisade cluster manifests --images-job` read.
    #[arg(long, conflicts_with_all = ["images", "print_role"])]
    pub list_images: bool,

    /// With --images: how many images are pulled and analysed at the same time.
    #[arg(long, value_name = "N", default_value_t = 4, requires = "images", conflicts_with = "list_images",
          value_parser = clap::value_parser!(u16).range(1..=256))]
    pub concurrency: u16,

    /// With --images: the vulnerability database (default: $PALISADE_DB, else the user's
    /// cache dir).
    #[arg(
        long,
        value_name = "PATH",
        requires = "images",
        conflicts_with = "list_images"
    )]
    pub db: Option<PathBuf>,

    /// With --images: do not report vulnerabilities that have no fixed version yet.
    #[arg(long, requires = "images", conflicts_with = "list_images")]
    pub ignore_unfixed: bool,

    /// With --images: which image of a multi-platform index, e.g. `linux/arm64` (default:
    /// this machine's).
    #[arg(
        long,
        value_name = "OS/ARCH[/VARIANT]",
        requires = "images",
        conflicts_with = "list_images"
    )]
    pub platform: Option<String>,

    /// With --images: talk to registries over plain HTTP (test registries only).
    #[arg(long, requires = "images", conflicts_with = "list_images")]
    pub insecure_registry: bool,

    /// With --images: seconds a Docker credential helper (`docker-credential-*`) may take
    /// to answer before it is stopped and the next source of credentials is tried.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 30,
        value_parser = clap::value_parser!(u64).range(1..),
        requires = "images",
        conflicts_with = "list_images"
    )]
    pub credential_helper_timeout: u64,

    /// With --images: neither read nor write the image result cache.
    #[arg(long, requires = "images", conflicts_with = "list_images")]
    pub no_cache: bool,
}

/// What `palisade cluster` does besides scanning.
#[derive(Debug, clap::Subcommand)]
pub enum ClusterCommand {
    /// Write the Kubernetes manifests that run Palisade inside the cluster (for `kubectl
    /// apply -f -`). By default, what keeps its PolicyReports up to date: a Namespace, a
    /// ServiceAccount, a ClusterRole (the read-only role of --print-role plus `watch`,
    /// without Secrets, whose `list` would grant their values, so SEC203 is not evaluated;
    /// and get/list/create/patch/delete on policyreports and clusterpolicyreports of
    /// wgpolicyk8s.io, nothing else), its ClusterRoleBinding, a NetworkPolicy (no ingress,
    /// egress to the API server's ports) and a Deployment of `palisade cluster --watch
    /// --write-reports` (non-root, read-only root filesystem, no capabilities,
    /// RuntimeDefault seccomp, resource limits); the PolicyReport CRDs
    /// (wgpolicyk8s.io/v1alpha2) must be installed, as Kyverno or Policy Reporter do. With a
    /// configuration (--config, or palisade.toml in the current directory), also a
    /// ConfigMap holding it, which the Deployment mounts and runs with, and the kinds of
    /// its `[kubernetes] pod_template_paths` in the ClusterRole. With --images-job, the
    /// Indexed Job that scans a list of images in shards. The manifests pass Palisade's
    /// own rules.
    Manifests(crate::cluster_manifests::ManifestsArgs),
}

/// How to reach a live cluster: the options `cluster`, `rbac ... --cluster` and
/// `netpol ... --cluster` share.
#[derive(Debug, Args)]
pub struct Connection {
    /// Kubeconfig file (default: $KUBECONFIG, else ~/.kube/config, else in-cluster).
    #[arg(long, value_name = "FILE")]
    pub kubeconfig: Option<PathBuf>,

    /// Kubeconfig context (default: the current context).
    #[arg(long, value_name = "NAME")]
    pub context: Option<String>,

    /// Objects per page of each list request (`limit`; default: 500).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub page_size: Option<u32>,

    /// Seconds each API request may take: connect, send and response (default: 30).
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: Option<u64>,
}

impl Connection {
    /// The client options that list `kinds` (in `namespaces`, or everywhere when empty).
    pub fn options(
        &self,
        namespaces: &[String],
        kinds: Vec<palisade_cluster::Kind>,
    ) -> palisade_cluster::Options {
        let defaults = palisade_cluster::Options::default();
        palisade_cluster::Options {
            kubeconfig: self.kubeconfig.clone(),
            context: self.context.clone(),
            namespaces: namespaces.to_vec(),
            page_size: self.page_size.unwrap_or(defaults.page_size),
            timeout: self
                .timeout
                .map_or(defaults.timeout, std::time::Duration::from_secs),
            kinds,
            ..defaults
        }
    }

    /// The first option given, as typed (`--context`), if any.
    pub fn first_given(&self) -> Option<&'static str> {
        [
            (self.kubeconfig.is_some(), "--kubeconfig"),
            (self.context.is_some(), "--context"),
            (self.page_size.is_some(), "--page-size"),
            (self.timeout.is_some(), "--timeout"),
        ]
        .into_iter()
        .find_map(|(given, flag)| given.then_some(flag))
    }
}

/// Largest dump file read.
const MAX_DUMP_BYTES: u64 = 1 << 30;

pub fn run(mut args: ClusterArgs) -> anyhow::Result<u8> {
    if let Some(ClusterCommand::Manifests(manifests)) = args.command.take() {
        return crate::cluster_manifests::run(manifests);
    }
    let engine = engine(&args)?;
    if args.print_role {
        crate::manifests::emit(
            &palisade_cluster::manifests::reader_role(&engine.pod_template_kinds()),
            args.report.output.as_deref(),
        )?;
        return Ok(0);
    }
    if args.write_reports {
        return crate::cluster_watch::run(&args, &engine);
    }
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut withheld = BTreeSet::new();
    let (mut objects, targets) = if args.from_dump.is_empty() {
        let live = live_objects(&args, &engine, &mut errors, &mut warnings)?;
        withheld = live.withheld;
        (live.objects, vec![live.server])
    } else {
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
        let targets = args
            .from_dump
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        (objects, targets)
    };
    if !args.namespace.is_empty() {
        objects.retain(|o| {
            let ns = o
                .pointer("/metadata/namespace")
                .and_then(Json::as_str)
                .unwrap_or("");
            ns.is_empty() || args.namespace.iter().any(|n| n == ns)
        });
    }
    // Read from the pods, before they are judged through their controllers.
    let images = if args.images || args.list_images {
        fleet::running_images(&objects)
    } else {
        Vec::new()
    };
    if args.list_images {
        return list_images(&images, &errors, &warnings, &args);
    }
    // The rules on what runs (pod status, what refers to what) read the pods themselves.
    let live = engine.scan_live(&objects);
    let through = palisade_engine::judge_through_controllers(&mut objects);
    if through > 0 && !args.quiet {
        warnings.push(format!(
            "{through} pods, ReplicaSets and Jobs were judged through the controllers that own them"
        ));
    }
    // What a PolicyReport names of each object, kept so the objects themselves can go.
    let refs: Vec<ResourceRef> = if args.format == ClusterFormat::Policyreport {
        objects.iter().map(ResourceRef::of).collect()
    } else {
        Vec::new()
    };
    let count = objects.len();
    let scan = engine.scan_objects_owned(objects);
    let mut report = scan.report;
    report.findings.extend(live.findings);
    report.suppressed.extend(live.suppressed);
    report.sort();
    report
        .findings
        .retain(|f| !withheld.contains(f.rule_id.as_ref()));
    report
        .suppressed
        .retain(|f| !withheld.contains(f.rule_id.as_ref()));
    report.targets = targets;
    report.errors.splice(0..0, errors);
    report.warnings.splice(0..0, warnings);
    if count == 0 {
        if !args.from_dump.is_empty() {
            report
                .warnings
                .push("the dump holds no Kubernetes objects".to_string());
        } else if report.errors.is_empty() {
            report
                .warnings
                .push("the cluster holds no objects Palisade reads".to_string());
        }
    }
    if args.images {
        let image_engine = Engine::new(Settings {
            config: palisade_engine::load_config(args.config.as_deref(), &[])?,
            vulnerabilities: VulnerabilitySettings {
                db: args.db.clone(),
                ignore_unfixed: args.ignore_unfixed,
                require_db: false,
            },
            min_severity: args.report.min_severity,
            ..Settings::default()
        })?;
        let settings = ImageSettings {
            platform: args.platform.clone(),
            insecure: args.insecure_registry,
            timeout_secs: 60,
            credential_helper_timeout_secs: Some(args.credential_helper_timeout),
        };
        let reports = crate::image_cmd::scan_images(
            &image_engine,
            &images,
            &settings,
            usize::from(args.concurrency),
            !args.no_cache,
            args.quiet,
        );
        report = palisade_report::merge(std::iter::once(report).chain(reports));
    }
    let format = match args.format {
        ClusterFormat::Table => OutputFormat::Table,
        ClusterFormat::Json => OutputFormat::Json,
        ClusterFormat::Sarif => OutputFormat::Sarif,
        ClusterFormat::Junit => OutputFormat::Junit,
        ClusterFormat::Policyreport => {
            return write_policy_reports(&report, &scan.names, &refs, &args);
        }
    };
    crate::scan::finish(&report, &args.report.to(format, args.quiet))
}

/// The engine of a cluster scan: the Kubernetes rules (and `--policy`) over API objects.
fn engine(args: &ClusterArgs) -> anyhow::Result<Engine> {
    let config = palisade_engine::load_config(args.config.as_deref(), &[])?;
    Ok(Engine::new(Settings {
        config,
        // Objects from an API hold no lockfiles; their secrets are judged by the
        // Kubernetes rules (Secrets in env, ConfigMaps), not by the file secret scanner.
        scanners: Scanners {
            misconfig: true,
            secret: false,
            vuln: false,
        },
        min_severity: args.report.min_severity,
        policies: (!args.policy.is_empty())
            .then(|| std::sync::Arc::new(palisade_policy::PolicySet::load(&args.policy))),
        ..Settings::default()
    })?)
}

/// `--list-images`: the references, one per line; what could not be read on standard
/// error, and exit status 2 when something could not be read (the list may lack images).
fn list_images(
    images: &[fleet::FleetImage],
    errors: &[ScanError],
    warnings: &[String],
    args: &ClusterArgs,
) -> anyhow::Result<u8> {
    let text: String = images
        .iter()
        .map(|i| format!("{}\n", palisade_core::text::printable(&i.reference)))
        .collect();
    crate::manifests::emit(&text, args.report.output.as_deref())?;
    if !args.quiet {
        for w in warnings {
            eprintln!("warning: {}", palisade_core::text::printable(w));
        }
    }
    for e in errors {
        eprintln!("error: {e}");
    }
    Ok(if errors.is_empty() {
        0
    } else {
        crate::EXIT_ERROR
    })
}

/// What was read from the live cluster.
struct Live {
    objects: Vec<Json>,
    server: String,
    /// Rules whose findings would rest on objects that could not be read.
    withheld: BTreeSet<&'static str>,
}

/// The objects of the live cluster. A resource the credentials may not list is a warning
/// that names the rules it leaves not fully evaluated and those whose findings are
/// withheld (an error with `--strict`); every other list failure is an error, and so is a
/// cluster of which nothing could be read.
fn live_objects(
    args: &ClusterArgs,
    engine: &Engine,
    errors: &mut Vec<ScanError>,
    warnings: &mut Vec<String>,
) -> anyhow::Result<Live> {
    let options = scan_options(args, engine);
    let collected = palisade_cluster::collect(&options)?;
    let withheld = list_problems(&collected, args.strict, errors, warnings);
    Ok(Live {
        objects: collected.objects,
        server: collected.server,
        withheld,
    })
}

/// The client options of a scan: every kind the rules judge, and the custom resources
/// with pod templates (built in, and declared in `[kubernetes] pod_template_paths`) that
/// the cluster serves.
pub(crate) fn scan_options(args: &ClusterArgs, engine: &Engine) -> palisade_cluster::Options {
    palisade_cluster::Options {
        custom_kinds: engine.pod_template_kinds(),
        ..args
            .connection
            .options(&args.namespace, palisade_cluster::KINDS.to_vec())
    }
}

/// What the lists that failed mean for the scan: warnings (a resource that may not be
/// listed, unless `strict`) and errors, and the rules whose findings are withheld.
pub(crate) fn list_problems(
    collected: &palisade_cluster::Collected,
    strict: bool,
    errors: &mut Vec<ScanError>,
    warnings: &mut Vec<String>,
) -> BTreeSet<&'static str> {
    let printable = |text: &str| palisade_core::text::printable(text).into_owned();
    let mut withheld = BTreeSet::new();
    if let Some(reason) = &collected.discovery_failed {
        // Their pods were not read: the rules on pods may miss them, and those that
        // conclude from an absence (a Secret nothing mounts) are withheld.
        let misled = palisade_engine::rules_misled_without("Pod");
        withheld.extend(misled.iter().copied());
        let text = printable(&format!(
            "cannot discover the custom resources the cluster serves ({reason}): custom resources with pod templates were not read"
        ));
        if strict {
            errors.push(ScanError::new(&collected.server, None, text));
        } else {
            warnings.push(format!("{text}; {}", unevaluated("Pod", misled)));
        }
    }
    for problem in &collected.problems {
        if problem.kind == palisade_cluster::ProblemKind::NotServed {
            // An API the cluster does not serve holds no objects to judge.
            continue;
        }
        // A custom resource is read for its pods: the rules on pods miss them.
        let kind = if problem.listed.custom {
            "Pod"
        } else {
            problem.listed.kind
        };
        let misled = palisade_engine::rules_misled_without(kind);
        withheld.extend(misled.iter().copied());
        if problem.kind == palisade_cluster::ProblemKind::Forbidden && !strict {
            warnings.push(printable(&format!(
                "{problem}; {}",
                unevaluated(kind, misled)
            )));
        } else {
            errors.push(ScanError::new(
                &collected.server,
                None,
                printable(&problem.to_string()),
            ));
        }
    }
    if collected.objects.is_empty() && !collected.problems.is_empty() {
        errors.push(ScanError::new(
            &collected.server,
            None,
            "no Kubernetes objects could be read from the cluster: nothing was scanned",
        ));
    }
    withheld
}

/// What a kind Palisade could not list leaves unjudged: the rules that read it, which
/// may still report what the objects they could see show (a binding to the built-in
/// cluster-admin is known without listing ClusterRoles) but may miss the rest, and among
/// them those that conclude from an absence, whose findings are withheld.
fn unevaluated(kind: &str, misled: &[&str]) -> String {
    let mut text = match palisade_engine::rules_reading(kind) {
        [] => return "no rule reads them, every rule was evaluated".to_string(),
        rules => format!("not fully evaluated: {}", rules.join(", ")),
    };
    if !misled.is_empty() {
        text.push_str(&format!(
            "; findings of {} withheld, since they would rest on the objects not read",
            misled.join(", ")
        ));
    }
    text
}

/// Reads a dump: a regular file (a FIFO or device is refused), at most [`MAX_DUMP_BYTES`].
fn read_dump(path: &std::path::Path) -> anyhow::Result<String> {
    palisade_core::fsio::read_to_string_limited(path, MAX_DUMP_BYTES)
        .map_err(|e| anyhow::anyhow!("cannot read: {}", e.reason()))
}

/// The findings as PolicyReports place them: a finding in an image (`--images`) once on
/// each workload that runs the image, its message naming the image.
fn on_workloads(findings: &[palisade_core::Finding]) -> Vec<palisade_core::Finding> {
    let mut placed = Vec::with_capacity(findings.len());
    for f in findings {
        let workloads: Vec<&str> = f
            .evidence
            .iter()
            .filter_map(|e| e.label.strip_prefix(palisade_core::Evidence::RUN_BY))
            .collect();
        if workloads.is_empty() {
            placed.push(f.clone());
            continue;
        }
        for workload in workloads {
            let mut on = f.clone();
            on.message = format!("{} (image {})", f.message, f.location.path);
            on.location.path = workload.to_string();
            placed.push(on);
        }
    }
    placed
}

fn write_policy_reports(
    report: &palisade_core::ScanReport,
    names: &[String],
    refs: &[ResourceRef],
    args: &ClusterArgs,
) -> anyhow::Result<u8> {
    let by_name: std::collections::HashMap<&str, &ResourceRef> =
        names.iter().map(String::as_str).zip(refs.iter()).collect();
    let resource =
        |f: &palisade_core::Finding| by_name.get(f.location.path.as_str()).map(|r| (*r).clone());
    let findings = on_workloads(&report.findings);
    let (doc, _) =
        policyreport::policy_reports(&findings, &resource, chrono::Utc::now().timestamp());
    let text = serde_json::to_string_pretty(&doc)? + "\n";
    crate::manifests::emit(&text, args.report.output.as_deref())?;
    if !args.quiet {
        for w in &report.warnings {
            eprintln!("warning: {}", palisade_core::text::printable(w));
        }
    }
    for e in &report.errors {
        eprintln!("error: {e}");
    }
    Ok(if report.errors.is_empty() {
        0
    } else {
        crate::EXIT_ERROR
    })
}
