//! `palisade policy test`: Gatekeeper test suites (`suite.yaml`) and Kyverno CLI tests
//! (`kyverno-test.yaml`) run offline, with the verdicts `gator verify` and `kyverno test`
//! give, as a table or as JSON for CI.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

use crate::{emit, EXIT_ERROR, EXIT_FINDINGS};

#[derive(Debug, Args)]
pub struct PolicyArgs {
    #[command(subcommand)]
    pub command: PolicyCommand,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TestFormat {
    Table,
    Json,
}

/// What the exported bindings do with a violation (`validationActions`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ActionArg {
    Deny,
    Warn,
    Audit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportKind {
    /// Kubernetes ValidatingAdmissionPolicies and ValidatingAdmissionPolicyBindings.
    Vap,
}

/// Which engines of a Gatekeeper template run its suite's cases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EngineArg {
    /// Rego only (Kyverno tests are not run).
    Rego,
    /// CEL only: the K8sNativeValidation engine, and Kyverno's CEL policies.
    Cel,
}

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Run the Gatekeeper suite.yaml files (cases with `violations: yes|no|N` and
    /// messages, like `gator verify`) and Kyverno kyverno-test.yaml files (expected
    /// pass/fail/skip per policy, rule and resource, like `kyverno test`; CEL policies
    /// only) under DIR. A Gatekeeper test runs once per engine of its template (Rego and
    /// K8sNativeValidation CEL) unless --engine picks one. Exit status: 0 when every case
    /// passes, 1 when one fails, 2 when a test file cannot be read or none is found.
    Test {
        /// A suite or kyverno-test file, or a folder searched for them (including
        /// Kyverno's .kyverno-test folders).
        dir: PathBuf,
        #[arg(short, long, value_enum, default_value_t = TestFormat::Table)]
        format: TestFormat,
        /// Run Gatekeeper templates with this engine only.
        #[arg(long, value_enum)]
        engine: Option<EngineArg>,
    },
    /// Write the built-in Kubernetes rules that CEL expresses (Pod Security controls
    /// ISO001-ISO018 that judge one object, IMG001) as ValidatingAdmissionPolicies with
    /// bindings, so a cluster (Kubernetes 1.30+) enforces them with no webhook. Each
    /// policy matches Pods, Deployments, StatefulSets, DaemonSets, ReplicaSets,
    /// ReplicationControllers, Jobs and CronJobs; a test checks every exported policy
    /// against its rule's verdicts on the rules' fixtures.
    Export {
        /// What to export.
        #[arg(value_enum)]
        kind: ExportKind,
        /// The bindings' validationActions.
        #[arg(long, value_enum, default_value_t = ActionArg::Deny)]
        action: ActionArg,
        /// Write to FILE instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

pub fn run(args: PolicyArgs) -> anyhow::Result<u8> {
    match args.command {
        PolicyCommand::Test {
            dir,
            format,
            engine,
        } => test(dir, format, engine),
        PolicyCommand::Export {
            kind: ExportKind::Vap,
            action,
            output,
        } => export(action, output),
    }
}

fn export(action: ActionArg, output: Option<PathBuf>) -> anyhow::Result<u8> {
    use palisade_policy::export::{vap_documents, Action};
    let action = match action {
        ActionArg::Deny => Action::Deny,
        ActionArg::Warn => Action::Warn,
        ActionArg::Audit => Action::Audit,
    };
    let meta = |id: &str| {
        palisade_iac::kubernetes::rules::all()
            .iter()
            .map(|r| r.meta)
            .find(|m| m.id == id)
    };
    let text: String = vap_documents(action, meta)
        .iter()
        .map(|doc| format!("---\n{}", palisade_yaml::to_yaml(doc)))
        .collect();
    crate::manifests::emit(&text, output.as_deref())?;
    Ok(0)
}

fn test(dir: PathBuf, format: TestFormat, engine: Option<EngineArg>) -> anyhow::Result<u8> {
    use palisade_policy::suite::Engines;
    let engines = match engine {
        None => Engines::Both,
        Some(EngineArg::Rego) => Engines::Rego,
        Some(EngineArg::Cel) => Engines::Cel,
    };
    let run = palisade_policy::suite::run(&dir, engines);
    match format {
        TestFormat::Json => emit(&format!("{}\n", serde_json::to_string_pretty(&run)?))?,
        TestFormat::Table => {
            let mut out = String::new();
            for case in &run.cases {
                match &case.reason {
                    None => out.push_str(&format!(
                        "ok   {:<7} {} {}\n",
                        case.engine, case.suite, case.name
                    )),
                    Some(reason) => out.push_str(&format!(
                        "FAIL {:<7} {} {}\n     {reason}\n",
                        case.engine, case.suite, case.name
                    )),
                }
            }
            let mut by_engine: std::collections::BTreeMap<&str, (usize, usize)> =
                Default::default();
            for case in &run.cases {
                let entry = by_engine.entry(case.engine).or_default();
                if case.passed {
                    entry.0 += 1;
                } else {
                    entry.1 += 1;
                }
            }
            let detail: Vec<String> = by_engine
                .iter()
                .map(|(engine, (p, f))| format!("{engine}: {p} passed, {f} failed"))
                .collect();
            out.push_str(&format!(
                "{} passed, {} failed ({})\n",
                run.passed,
                run.failed,
                detail.join("; ")
            ));
            emit(&out)?;
        }
    }
    for error in &run.errors {
        eprintln!("error: {error}");
    }
    if !run.errors.is_empty() {
        return Ok(EXIT_ERROR);
    }
    if run.cases.is_empty() {
        eprintln!(
            "error: no Gatekeeper suite (kind: Suite) or Kyverno test (kyverno-test.yaml) found under {}",
            dir.display()
        );
        return Ok(EXIT_ERROR);
    }
    Ok(if run.failed > 0 { EXIT_FINDINGS } else { 0 })
}
