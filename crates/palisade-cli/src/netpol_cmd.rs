//! `palisade netpol`: the reachability matrix between workloads (and the internet), and the
//! explanation of one connection, from NetworkPolicies in manifests or in a live cluster
//! (`--cluster`).

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};
use palisade_iac::kubernetes::K8sObject;
use palisade_netpol::{picture, Engine, NetworkModel, Protocol};

use crate::manifests::{self, Input};

/// The kinds a reachability question reads from a live cluster: the policies, the
/// namespaces their selectors match, what exposes workloads, and the workloads with the
/// controllers of their pods (so the matrix names the Deployment, not each pod).
const NETWORK_KINDS: &[&str] = &[
    "Namespace",
    "NetworkPolicy",
    "Service",
    "Ingress",
    "Pod",
    "Deployment",
    "DaemonSet",
    "StatefulSet",
    "ReplicaSet",
    "ReplicationController",
    "Job",
    "CronJob",
];

#[derive(Debug, Args)]
pub struct NetpolArgs {
    #[command(subcommand)]
    pub command: NetpolCommand,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MatrixFormat {
    Table,
    Json,
    Dot,
    Html,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    Table,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum NetpolCommand {
    /// Which workloads can reach which, on which ports (plus `internet` and `NS/*`, any new pod).
    Matrix {
        /// Output: a table, JSON, Graphviz DOT or a self-contained HTML page.
        #[arg(short, long, value_enum, default_value_t = MatrixFormat::Table)]
        format: MatrixFormat,
        /// Write to FILE instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        #[command(flatten)]
        input: Input,
        /// Print no warnings and no errors about unreadable input on standard error.
        #[arg(short, long)]
        quiet: bool,
    },
    /// Whether one connection is allowed, and the policies and rules that decide it.
    Explain {
        /// Source: NAMESPACE/WORKLOAD, NAMESPACE/KIND/WORKLOAD, NAMESPACE/* or internet.
        #[arg(long)]
        from: String,
        /// Destination, in the same forms.
        #[arg(long)]
        to: String,
        /// Destination port of the connection.
        #[arg(long)]
        port: u16,
        /// TCP, UDP or SCTP.
        #[arg(long, default_value = "TCP")]
        protocol: String,
        /// Output: a table for people or JSON for scripts.
        #[arg(short, long, value_enum, default_value_t = ExplainFormat::Table)]
        format: ExplainFormat,
        #[command(flatten)]
        input: Input,
        /// Print no warnings and no errors about unreadable input on standard error.
        #[arg(short, long)]
        quiet: bool,
    },
}

/// The network model of the input, the options of its configuration, and the exit
/// status its problems give.
fn load(
    input: &Input,
    quiet: bool,
) -> anyhow::Result<(NetworkModel, palisade_netpol::Options, u8)> {
    let loaded = manifests::load(input, NETWORK_KINDS)?;
    let objects: Vec<&K8sObject> = loaded
        .manifests
        .iter()
        .flat_map(|m| m.objects.iter())
        .collect();
    let mut problems = Vec::new();
    let options = palisade_engine::network_options(&loaded.config).unwrap_or_else(|e| {
        problems.push(e.to_string());
        palisade_netpol::Options::default()
    });
    let model = NetworkModel::build(objects);
    problems.extend(loaded.problems);
    problems.extend(model.errors.iter().map(ToString::to_string));
    if model.workloads.is_empty() && !quiet {
        eprintln!(
            "warning: no workloads ({}): there is nothing to connect but `internet`",
            loaded.read
        );
    }
    let code = manifests::report_problems(&problems);
    Ok((model, options, code))
}

pub fn run(args: NetpolArgs) -> anyhow::Result<u8> {
    let status;
    match args.command {
        NetpolCommand::Matrix {
            format,
            output,
            input,
            quiet,
        } => {
            let (model, options, code) = load(&input, quiet)?;
            status = code;
            let engine = Engine::new(&model, options);
            let matrix = engine.matrix();
            let text = match format {
                MatrixFormat::Table => picture::to_table(&engine, &matrix),
                MatrixFormat::Json => picture::to_json(&engine, &matrix),
                MatrixFormat::Dot => picture::to_dot(&engine, &matrix),
                MatrixFormat::Html => picture::to_html(&engine, &matrix),
            };
            manifests::emit(&text, output.as_deref())?;
        }
        NetpolCommand::Explain {
            from,
            to,
            port,
            protocol,
            format,
            input,
            quiet,
        } => {
            let protocol = Protocol::parse(&protocol)
                .ok_or_else(|| anyhow::anyhow!("--protocol must be TCP, UDP or SCTP"))?;
            let (model, options, code) = load(&input, quiet)?;
            status = code;
            let engine = Engine::new(&model, options);
            let place = if input.cluster {
                "cluster"
            } else {
                "manifests"
            };
            let find = |what: &str| {
                engine.find(what).ok_or_else(|| {
                    anyhow::anyhow!("no workload `{what}` in the {place} (use NAMESPACE/WORKLOAD, NAMESPACE/* or internet)")
                })
            };
            let explanation = engine.explain(find(&from)?, find(&to)?, protocol, port);
            let text = match format {
                ExplainFormat::Table => explanation.to_text(),
                ExplainFormat::Json => serde_json::to_string_pretty(&explanation)? + "\n",
            };
            manifests::emit(&text, None)?;
        }
    }
    Ok(status)
}
