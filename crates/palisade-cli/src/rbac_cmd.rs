//! `palisade rbac`: who-can, can and graph, answered from manifests plus the API server's
//! default roles, or from the roles and bindings of a live cluster (`--cluster`).

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};
use palisade_iac::kubernetes::K8sObject;
use palisade_rbac::{graph::RbacGraph, RbacModel, Subject};

use crate::manifests::{self, Input};

/// The kinds an RBAC question reads from a live cluster.
const RBAC_KINDS: &[&str] = &["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"];

#[derive(Debug, Args)]
pub struct RbacArgs {
    #[command(subcommand)]
    pub command: RbacCommand,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AnswerFormat {
    Table,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PictureFormat {
    Dot,
    Html,
}

#[derive(Debug, Subcommand)]
pub enum RbacCommand {
    /// Who can VERB RESOURCE (like `kubectl auth can-i` asked for every subject).
    ///
    /// RESOURCE is `pods`, `pods/exec`, `deployments.apps`, or a non-resource URL such as
    /// `/metrics`. Without -n only cluster-wide grants count.
    WhoCan {
        /// Verb of the request: get, list, watch, create, update, patch, delete, escalate, bind, impersonate or `*`.
        verb: String,
        /// Resource of the request (see above), optionally with a subresource: `pods/exec`.
        resource: String,
        /// Namespace of the request.
        #[arg(short, long)]
        namespace: Option<String>,
        /// Name of the object (matters for roles with resourceNames).
        #[arg(long)]
        name: Option<String>,
        /// Output: a table for people or JSON for scripts.
        #[arg(short, long, value_enum, default_value_t = AnswerFormat::Table)]
        format: AnswerFormat,
        #[command(flatten)]
        input: Input,
        /// Print no warnings and no errors about unreadable input on standard error.
        #[arg(short, long)]
        quiet: bool,
    },
    /// Everything SUBJECT can do (like `kubectl auth can-i --list --as SUBJECT`).
    ///
    /// SUBJECT is `serviceaccount:NS:NAME`, `system:serviceaccount:NS:NAME`, `user:NAME` or
    /// `group:NAME`.
    Can {
        /// The subject whose permissions are listed (see above).
        subject: String,
        /// Only grants effective in this namespace (and cluster-wide ones).
        #[arg(short, long)]
        namespace: Option<String>,
        /// Output: a table for people or JSON for scripts.
        #[arg(short, long, value_enum, default_value_t = AnswerFormat::Table)]
        format: AnswerFormat,
        #[command(flatten)]
        input: Input,
        /// Print no warnings and no errors about unreadable input on standard error.
        #[arg(short, long)]
        quiet: bool,
    },
    /// Subjects → bindings → roles → sensitive permissions, as DOT or a self-contained HTML page.
    Graph {
        /// Output: Graphviz DOT or a self-contained HTML page.
        #[arg(short, long, value_enum, default_value_t = PictureFormat::Dot)]
        format: PictureFormat,
        /// Write to FILE instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        #[command(flatten)]
        input: Input,
        /// Print no warnings and no errors about unreadable input on standard error.
        #[arg(short, long)]
        quiet: bool,
    },
}

/// The RBAC model of the input, and the exit status its problems give.
fn model(input: &Input, quiet: bool) -> anyhow::Result<(RbacModel, u8)> {
    let loaded = manifests::load(input, RBAC_KINDS)?;
    let objects: Vec<&K8sObject> = loaded
        .manifests
        .iter()
        .flat_map(|m| m.objects.iter())
        .collect();
    let model = RbacModel::build(objects);
    let mut problems = loaded.problems;
    problems.extend(model.errors.iter().map(ToString::to_string));
    if loaded.manifests.is_empty() && !quiet {
        eprintln!(
            "warning: no Kubernetes manifests ({}): only the built-in subjects and roles are known",
            loaded.read
        );
    }
    let code = manifests::report_problems(&problems);
    Ok((model, code))
}

pub fn run(args: RbacArgs) -> anyhow::Result<u8> {
    let status;
    match args.command {
        RbacCommand::WhoCan {
            verb,
            resource,
            namespace,
            name,
            format,
            input,
            quiet,
        } => {
            let (m, code) = model(&input, quiet)?;
            status = code;
            let answer =
                palisade_rbac::who_can(&m, &verb, &resource, namespace.as_deref(), name.as_deref());
            let text = match format {
                AnswerFormat::Table => answer.to_table(),
                AnswerFormat::Json => serde_json::to_string_pretty(&answer)? + "\n",
            };
            manifests::emit(&text, None)?;
        }
        RbacCommand::Can {
            subject,
            namespace,
            format,
            input,
            quiet,
        } => {
            let subject = Subject::parse(&subject).ok_or_else(|| {
                anyhow::anyhow!("`{subject}` is not a subject: use serviceaccount:NS:NAME, user:NAME or group:NAME")
            })?;
            let (m, code) = model(&input, quiet)?;
            status = code;
            let answer = palisade_rbac::can(&m, &subject, namespace.as_deref());
            let text = match format {
                AnswerFormat::Table => answer.to_table(),
                AnswerFormat::Json => serde_json::to_string_pretty(&answer)? + "\n",
            };
            manifests::emit(&text, None)?;
        }
        RbacCommand::Graph {
            format,
            output,
            input,
            quiet,
        } => {
            let (m, code) = model(&input, quiet)?;
            status = code;
            let g = RbacGraph::build(&m);
            let text = match format {
                PictureFormat::Dot => g.to_dot(),
                PictureFormat::Html => g.to_html(),
            };
            manifests::emit(&text, output.as_deref())?;
        }
    }
    Ok(status)
}
