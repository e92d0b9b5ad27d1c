//! Command-line definitions.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use palisade_core::{Practice, Severity};

/// Palisade checks container images, Kubernetes manifests, infrastructure templates and
/// source trees against ten security practices, offline.
#[derive(Debug, Parser)]
#[command(name = "palisade", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan files and directories (or `-` for standard input) for security problems.
    ///
    /// Exit status: 0 when no finding reaches --fail-on, 1 when some do, 2 on usage errors
    /// or when some input could not be read (everything else is still scanned and reported).
    ///
    /// Kustomizations (kustomization.yaml, kustomization.yml, Kustomization) found under a
    /// directory are rendered natively and their output is scanned instead of the files
    /// they read; only kustomizations no other one refers to are rendered, so a shared base
    /// is judged through its overlays. Findings point at the base resource or patch line
    /// that wrote the field (JSON `location.rendered` / SARIF `renderedFrom` give the place
    /// in `palisade render DIR` output). A kustomization that cannot be rendered is an
    /// error (exit status 2); the rest is still scanned.
    ///
    /// Helm charts (Chart.yaml folders and .tgz archives) are rendered natively the same way,
    /// as `helm template` with the --helm-* options, and their output is scanned instead of
    /// the raw templates; findings point at the template file. A chart that cannot be
    /// rendered is an error naming the template and line (exit status 2).
    Scan(ScanArgs),
    /// Scan a container image: a docker-archive or oci-archive tar, an OCI layout directory
    /// (`DIR[:tag]`), a registry reference, or an unpacked root filesystem (`--rootfs DIR`);
    /// or, with --list or --shard, every image of a list.
    ///
    /// Reports the base OS and its end of life, image-configuration problems (IMG100-IMG149)
    /// and what the other engines find in every layer. Exit status as for `scan`.
    ///
    /// With --list FILE (one reference per line, as `palisade cluster --list-images` prints
    /// it) each image is pulled and analysed once, --concurrency at a time, and one report
    /// holds them all: findings at `IMAGE` or `IMAGE!/path/in/image`. --shard I/N takes
    /// only its part of the sorted list (the images at positions I, I+N, I+2N...), for an
    /// Indexed Job (`palisade cluster manifests --images-job`); `palisade merge` joins the
    /// shards' JSON reports. An image that cannot be pulled is an error naming it (exit
    /// status 2); the others are still scanned.
    Image(ImageArgs),
    /// List the rules, optionally of some practices.
    Rules(RulesArgs),
    /// Show one rule's documentation: what it checks, why it matters, how to fix it.
    Rule(RuleArgs),
    /// Kubernetes RBAC questions: who-can, can, graph; from manifests, offline, or from a
    /// live cluster with --cluster.
    ///
    /// With --cluster only Roles, ClusterRoles, RoleBindings and ClusterRoleBindings are
    /// listed (the `list` verb on each is the permission needed), with the connection
    /// options of `palisade cluster`. A list that fails is an error naming the resource and
    /// the permission, the answer is given on what could be read, and the exit status is 2.
    Rbac(crate::rbac_cmd::RbacArgs),
    /// Kubernetes NetworkPolicy reachability: matrix, explain; from manifests, offline, or
    /// from a live cluster with --cluster.
    ///
    /// With --cluster the NetworkPolicies, Namespaces, Services, Ingresses, Pods and the
    /// workload controllers that own pods are listed (the `list` verb on each is the
    /// permission needed), and pods count through their Deployment, StatefulSet, DaemonSet
    /// or Job, as in manifests. A list that fails is an error naming the resource and the
    /// permission, the answer is given on what could be read, and the exit status is 2.
    Netpol(crate::netpol_cmd::NetpolArgs),
    /// Manage the local OSV vulnerability database (update, import, status).
    #[command(subcommand)]
    Db(DbCommand),
    /// Write a software bill of materials: for the lockfiles under a directory, or for a
    /// container image (the same references as `palisade image`, or `--rootfs DIR`).
    Sbom(SbomArgs),
    /// Scan a running cluster's objects through its API (or a `kubectl get -A -o json|yaml`
    /// dump, offline) with the same rules as manifests; report as a table, JSON, SARIF,
    /// JUnit or PolicyReports.
    ///
    /// The cluster is the current context of `KUBECONFIG` (or `~/.kube/config`), or the
    /// pod's service account when run inside a cluster. Palisade only lists (`--print-role`
    /// prints the ClusterRole it needs), unless --write-reports is given; Secrets are read
    /// as metadata only, never their data. Pods, ReplicaSets and Jobs whose controller was read are judged through it, so
    /// a finding names the Deployment or CronJob. Custom resources that carry pods (Argo
    /// Rollouts and Workflows, Tekton, Knative Serving, OpenKruise, KEDA ScaledJobs,
    /// OpenShift DeploymentConfigs, and the kinds of `[kubernetes] pod_template_paths`) are
    /// listed too when discovery finds the cluster serving them.
    ///
    /// A resource the credentials may not list (HTTP 403) is a warning naming the resource,
    /// the permission it needs and the rules it leaves not fully evaluated; findings of the
    /// rules that conclude from an absence (NET001 without NetworkPolicies, RBAC015 without
    /// roles) are withheld. The rest is scanned and the exit status follows the findings, as
    /// for a scan without a vulnerability database.
    /// With --strict such a resource is an error. Any other list failure (refused
    /// credentials, no answer in time, a server error), or a cluster of which nothing could
    /// be read, is an error.
    ///
    /// Exit status: 0 when no finding reaches --fail-on, 1 when some do, 2 on usage errors
    /// and on the errors above (everything readable is still scanned and reported).
    ///
    /// With --write-reports the results become PolicyReports in the cluster, once or, with
    /// --watch, kept up to date as objects change; `palisade cluster manifests` writes the
    /// Deployment and roles that run this inside the cluster.
    ///
    /// Make a dump with, for example: `kubectl get
    /// pods,deployments,daemonsets,statefulsets,jobs,cronjobs,services,networkpolicies,serviceaccounts,roles,rolebindings,clusterroles,clusterrolebindings,namespaces
    /// -A -o json > cluster.json`
    #[command(args_conflicts_with_subcommands = true)]
    Cluster(crate::cluster_cmd::ClusterArgs),
    /// Run the admission webhook: judge objects entering a cluster with the same rules (and,
    /// with --mutate, add safe security defaults to pods and pod templates).
    Serve(crate::webhook_cmd::ServeArgs),
    /// Admission webhook setup: `palisade webhook manifests`.
    #[command(subcommand)]
    Webhook(crate::webhook_cmd::WebhookCommand),
    /// User policies: `policy test DIR` runs Gatekeeper suite.yaml files like `gator verify`
    /// and Kyverno kyverno-test.yaml files like `kyverno test`.
    Policy(crate::policy_cmd::PolicyArgs),
    /// Print what `palisade scan` reads from a kustomization directory (its rendered
    /// objects, like `kubectl kustomize DIR`) or what a Helm chart renders to (like
    /// `helm template [NAME] CHART` with helm's flags), natively: no kubectl, no helm, no
    /// network.
    ///
    /// Remote kustomize resources are not fetched: each is a warning on standard error. A
    /// kustomization or chart that cannot be rendered is an error naming the file (the
    /// chart's template) and line, and the exit status is 2. Values a secret rule
    /// recognises are printed redacted, as in every Palisade output.
    Render(crate::render_cmd::RenderArgs),
    /// Join JSON reports written by Palisade (`-f json`) into one, as one run over all their
    /// targets would have written it: findings deduplicated by fingerprint, errors and
    /// warnings kept, in any report format.
    ///
    /// The shards of `palisade image --shard I/N` merge into the same JSON report, byte for
    /// byte, as `palisade image --list` of the whole list. A pod's log (`kubectl logs` of a
    /// shard of `palisade cluster manifests --images-job`: the report, then its `error:` and
    /// `warning:` lines) is read too. A file that cannot be read or is not a Palisade JSON
    /// report is an error naming it (exit status 2); the others are still merged. Exit
    /// status otherwise as for `scan`.
    Merge(MergeArgs),
    /// Deployed cloud functions, read live and judged by the serverless rules:
    /// `palisade cloud aws`.
    #[command(subcommand)]
    Cloud(crate::cloud_cmd::CloudCommand),
}

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Download the OSV archives of the ecosystems and rebuild the database atomically.
    ///
    /// A mirror that stalls for 60 s, or takes 15 minutes for one archive, is an error;
    /// `PALISADE_NETWORK_TIMEOUT=SECONDS` changes the stall limit (and the whole-archive
    /// limit with it, fifteen times as long).
    Update(DbUpdateArgs),
    /// Load a zip archive, a folder of OSV JSON/YAML records, or one record (air-gapped use).
    ///
    /// An import in which no record could be read is an error and leaves the database as
    /// it was.
    Import(DbImportArgs),
    /// Where the database is, how old, and how many advisories per ecosystem.
    Status(DbPathArg),
}

#[derive(Debug, Args)]
pub struct DbPathArg {
    /// Database file (default: $PALISADE_DB, else the user's cache dir).
    #[arg(long, value_name = "PATH")]
    pub db: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct DbUpdateArgs {
    #[command(flatten)]
    pub db: DbPathArg,
    /// Ecosystems to download (comma-separated OSV names); the common ones by default.
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    pub ecosystems: Vec<String>,
    /// Base URL of the archives (`<URL>/<ecosystem>/all.zip`).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// No progress bars.
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct DbImportArgs {
    #[command(flatten)]
    pub db: DbPathArg,
    /// Zip archive, folder or file of OSV records.
    pub source: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SbomFormat {
    Cyclonedx,
    SpdxJson,
}

/// Where an image comes from: the options `palisade image` and `palisade sbom` share.
#[derive(Debug, Args)]
pub struct ImageSource {
    /// Which image of a multi-platform index, e.g. `linux/arm64` (default: this machine's).
    #[arg(long, value_name = "OS/ARCH[/VARIANT]")]
    pub platform: Option<String>,

    /// Talk to the registry over plain HTTP.
    #[arg(long)]
    pub insecure: bool,

    /// Seconds a registry may leave a read waiting; connecting may take at most 10 s of
    /// that, and a whole request ten times as long (a layer also gets one more second per
    /// 256 KiB of its declared size).
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub timeout: u64,

    /// Seconds a Docker credential helper (`docker-credential-*`, from `credHelpers` or
    /// `credsStore`) may take to answer; one still running then is stopped, with what it
    /// started, and the next source of credentials is tried.
    #[arg(long, value_name = "SECONDS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
    pub credential_helper_timeout: u64,
}

#[derive(Debug, Args)]
pub struct SbomArgs {
    /// Directory or lockfile to inventory, or an image: `app.tar`, `./oci-layout:tag`,
    /// `oci-archive:img.tar`, `registry.example.com/team/app:1.4`. A directory holding an
    /// OCI layout, a file that is not a lockfile, and a name that is not a path are images.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Treat PATH as an image even when it is a directory of lockfiles.
    #[arg(long)]
    pub image: bool,
    /// Inventory an unpacked root filesystem as an image (OS packages with their distro).
    #[arg(long, value_name = "DIR", conflicts_with = "image")]
    pub rootfs: Option<PathBuf>,
    #[command(flatten)]
    pub source: ImageSource,
    /// SBOM format.
    #[arg(short, long, value_enum, default_value_t = SbomFormat::Cyclonedx)]
    pub format: SbomFormat,
    /// Write the SBOM to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Table,
    Json,
    Sarif,
    Junit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Which scanners run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, ValueEnum)]
pub enum Scanner {
    /// Misconfigurations in Kubernetes manifests and Dockerfiles.
    Misconfig,
    /// Vulnerable dependencies in lockfiles and manifests (OSV database).
    Vuln,
    /// Hard-coded secrets in every text file.
    Secret,
}

/// Severity threshold for `--fail-on`, with `never` to always exit 0 on findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    At(Severity),
    Never,
}

pub(crate) fn parse_fail_on(s: &str) -> Result<FailOn, String> {
    if s.eq_ignore_ascii_case("never") {
        return Ok(FailOn::Never);
    }
    s.parse::<Severity>()
        .map(FailOn::At)
        .map_err(|e| format!("{e}, or never"))
}

pub(crate) fn parse_severity(s: &str) -> Result<Severity, String> {
    s.parse::<Severity>().map_err(|e| e.to_string())
}

fn parse_practice(s: &str) -> Result<Practice, String> {
    s.parse::<Practice>().map_err(|e| e.to_string())
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// How the report is written and when it fails the run.
    #[command(flatten)]
    pub report: crate::cli::ReportArgs,

    /// Files or directories to scan; `-` reads one document stream from standard input.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,

    /// Report format.
    #[arg(short, long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,

    /// Only report these practices (comma-separated: ISO,IMG,SEC...).
    #[arg(long, value_delimiter = ',', value_parser = parse_practice, value_name = "CODES")]
    pub practice: Vec<Practice>,

    /// Scanners to run (comma-separated). All by default.
    #[arg(long, value_enum, value_delimiter = ',', value_name = "NAMES")]
    pub scanners: Vec<Scanner>,

    /// Skip directories matching these globs (matched against the path below the scan root
    /// and against the directory name), e.g. `--skip-dirs 'vendor,**/testdata'`.
    #[arg(long, value_delimiter = ',', value_name = "GLOBS")]
    pub skip_dirs: Vec<String>,

    /// Skip files matching these globs (path below the scan root, or file name).
    #[arg(long, value_delimiter = ',', value_name = "GLOBS")]
    pub skip_files: Vec<String>,

    /// Configuration file (default: palisade.toml at the first scan root, if present).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Secret rules file: only its `[[rules]]` run, instead of the built-in secret rules.
    #[arg(long, value_name = "FILE")]
    pub secret_config: Option<PathBuf>,

    /// Follow symbolic links while walking (loops are detected and reported).
    #[arg(long)]
    pub follow_symlinks: bool,

    /// No progress bar and no warnings on standard error (errors are always shown).
    #[arg(short, long)]
    pub quiet: bool,

    /// Vulnerability database (default: $PALISADE_DB, else the user's cache dir).
    #[arg(long, value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// Do not report vulnerabilities that have no fixed version yet.
    #[arg(long)]
    pub ignore_unfixed: bool,

    /// Fail (exit 2) when dependencies cannot be checked because there is no usable
    /// vulnerability database, instead of a warning (also `[vulnerabilities] require_db`).
    #[arg(long)]
    pub require_db: bool,

    /// Policies (files or folders, repeatable) checked over the manifests like the built-in
    /// rules: Gatekeeper ConstraintTemplates and constraints (Rego, or CEL when a template
    /// has only K8sNativeValidation), ValidatingAdmissionPolicies with their bindings and
    /// parameter objects, Kyverno ValidatingPolicies and ClusterPolicies with `validate.cel`
    /// rules (Pod policies also judge the pod templates of controllers, as Kyverno's
    /// autogen does). Violations are rules `POL:<kind>/<constraint>`, `POL:<policy>/<binding
    /// or rule>` or `POL:<policy>`.
    #[arg(long, value_name = "PATH")]
    pub policy: Vec<PathBuf>,

    /// Helm charts found in the scan (`Chart.yaml`) are rendered with these values files
    /// (helm's `-f`); repeatable, later files win.
    #[arg(long = "helm-values", value_name = "FILE")]
    pub helm_values: Vec<PathBuf>,

    /// Helm charts are rendered with this value (helm's `--set a.b=c`); repeatable.
    #[arg(long = "helm-set", value_name = "KEY=VAL")]
    pub helm_set: Vec<String>,

    /// The release name Helm charts are rendered with (default `release-name`).
    #[arg(long = "helm-release", value_name = "NAME")]
    pub helm_release: Option<String>,

    /// The namespace Helm charts are rendered in (default `default`).
    #[arg(long = "helm-namespace", value_name = "NS")]
    pub helm_namespace: Option<String>,

    /// The Kubernetes version Helm charts see in `.Capabilities.KubeVersion` (default 1.20).
    #[arg(long = "kube-version", value_name = "VERSION")]
    pub kube_version: Option<String>,

    /// Render Helm charts without checking their values against `values.schema.json`
    /// (helm's `--skip-schema-validation`); by default values the schema refuses make the
    /// chart an error, as they make `helm template` fail.
    #[arg(long = "helm-skip-schema-validation")]
    pub helm_skip_schema_validation: bool,
}

/// How a report is written and when it fails the run: the same options for `scan`,
/// `image`, `cluster` and `cloud`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Write the report to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Only report findings at or above this severity (critical, high, medium, low, info).
    #[arg(long, value_name = "SEVERITY", value_parser = parse_severity, default_value = "info")]
    pub min_severity: Severity,

    /// Exit with status 1 when a finding is at or above this severity (or `never`).
    #[arg(long, value_name = "SEVERITY", value_parser = parse_fail_on, default_value = "low")]
    pub fail_on: FailOn,

    /// Also list findings silenced by comments, annotations or palisade.toml.
    #[arg(long)]
    pub show_suppressed: bool,

    /// Colour in the table report.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

impl ReportArgs {
    /// Where and how to write a report in `format`.
    pub fn to(&self, format: OutputFormat, quiet: bool) -> crate::scan::Output<'_> {
        crate::scan::Output {
            format,
            path: self.output.as_deref(),
            color: self.color,
            show_suppressed: self.show_suppressed,
            quiet,
            fail_on: self.fail_on,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Table,
    Markdown,
    Json,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Only rules of these practices (comma-separated: ISO,IMG...).
    #[arg(long, value_delimiter = ',', value_parser = parse_practice, value_name = "CODES")]
    pub practice: Vec<Practice>,

    /// `markdown` prints the document kept as docs/rules.md.
    #[arg(short, long, value_enum, default_value_t = RulesFormat::Table)]
    pub format: RulesFormat,

    /// Only the rules `palisade serve` applies at admission: those that judge one
    /// Kubernetes object (Kubernetes, RBAC, NetworkPolicy and secret rules), without those
    /// that need the rest of the cluster (NetworkPolicy coverage, service-account
    /// permissions, bindings to missing roles), which run only with `serve --cluster`.
    /// Secret rules are not applied to Secret objects themselves.
    #[arg(long)]
    pub admission: bool,

    /// With --admission: the rules `palisade serve --cluster` applies, the rules that need
    /// the rest of the cluster included.
    #[arg(long, requires = "admission")]
    pub cluster: bool,
}

#[derive(Debug, Args)]
pub struct RuleArgs {
    /// Rule id, e.g. ISO003.
    pub id: String,
}

#[derive(Debug, Args)]
pub struct ImageArgs {
    /// How the report is written and when it fails the run.
    #[command(flatten)]
    pub report: crate::cli::ReportArgs,

    /// The image: `app.tar`, `./oci-layout:tag`, `oci-archive:img.tar`,
    /// `registry.example.com/team/app:1.4`, `docker://...`; with --list or --shard, the
    /// file that lists the images (`-` for standard input).
    #[arg(required_unless_present = "rootfs", conflicts_with = "rootfs")]
    pub image: Option<String>,

    /// IMAGE is a file that lists images, one reference per line (blank lines and `#`
    /// comments are skipped, repeats are scanned once): scan them all into one report.
    #[arg(long, conflicts_with_all = ["rootfs", "list_packages"])]
    pub list: bool,

    /// Scan only shard I of N of the list in IMAGE (implies --list): the images at
    /// positions I, I+N, I+2N... of the sorted list, I from 0. `--shard N` alone takes I
    /// from $JOB_COMPLETION_INDEX, which an Indexed Job sets in each pod.
    #[arg(long, value_name = "I/N", conflicts_with_all = ["rootfs", "list_packages"])]
    pub shard: Option<String>,

    /// With --list or --shard: how many images are pulled and analysed at the same time.
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub concurrency: u16,

    /// With --list or --shard: neither read nor write the image result cache (reports of
    /// images pinned by digest, kept under Palisade's cache folder).
    #[arg(long)]
    pub no_cache: bool,

    /// Scan an unpacked root filesystem (a chroot, a mounted VM disk, a build output).
    #[arg(long, value_name = "DIR")]
    pub rootfs: Option<PathBuf>,

    #[command(flatten)]
    pub source: ImageSource,

    /// Report format.
    #[arg(short, long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,

    /// Configuration file (default: palisade.toml in the current directory, if present).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Print the OS package inventory (name, version, layer) to standard error.
    #[arg(long)]
    pub list_packages: bool,

    /// Vulnerability database (default: $PALISADE_DB, else the user's cache dir).
    #[arg(long, value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// Do not report vulnerabilities that have no fixed version yet.
    #[arg(long)]
    pub ignore_unfixed: bool,

    /// Fail (exit 2) when dependencies cannot be checked because there is no usable
    /// vulnerability database, instead of a warning (also `[vulnerabilities] require_db`).
    #[arg(long)]
    pub require_db: bool,

    /// No progress and no summary on standard error.
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// How the merged report is written and when it fails the run.
    #[command(flatten)]
    pub report: crate::cli::ReportArgs,

    /// JSON reports written by Palisade (`-f json`).
    #[arg(required = true, value_name = "REPORT")]
    pub reports: Vec<PathBuf>,

    /// Format of the merged report.
    #[arg(short, long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,

    /// No warnings on standard error (errors are always shown).
    #[arg(short, long)]
    pub quiet: bool,
}
