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
}

pub fn run(args: PolicyArgs) -> anyhow::Result<u8> {
    match args.command {
        PolicyCommand::Test {
            dir,
            format,
            engine,
        } => test(dir, format, engine),
    }
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
