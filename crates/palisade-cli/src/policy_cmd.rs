//! `palisade policy test`: Gatekeeper test suites (`suite.yaml`) run offline, with the same
//! verdicts `gator verify` gives, as a table or as JSON for CI.

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

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Run the Gatekeeper suite.yaml files under DIR (cases with `violations: yes|no|N`
    /// and messages). Exit status: 0 when every case passes, 1 when one fails, 2 when a
    /// suite cannot be read.
    Test {
        /// A suite file, or a folder searched for suite.yaml files.
        dir: PathBuf,
        #[arg(short, long, value_enum, default_value_t = TestFormat::Table)]
        format: TestFormat,
    },
}

pub fn run(args: PolicyArgs) -> anyhow::Result<u8> {
    match args.command {
        PolicyCommand::Test { dir, format } => test(dir, format),
    }
}

fn test(dir: PathBuf, format: TestFormat) -> anyhow::Result<u8> {
    let run = palisade_policy::suite::run(&dir);
    match format {
        TestFormat::Json => emit(&format!("{}\n", serde_json::to_string_pretty(&run)?))?,
        TestFormat::Table => {
            let mut out = String::new();
            for case in &run.cases {
                match &case.reason {
                    None => out.push_str(&format!("ok   {} {}\n", case.suite, case.name)),
                    Some(reason) => out.push_str(&format!(
                        "FAIL {} {}\n     {reason}\n",
                        case.suite, case.name
                    )),
                }
            }
            out.push_str(&format!(
                "{} passed, {} failed ({} engine)\n",
                run.passed,
                run.failed,
                palisade_policy::suite::ENGINE
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
            "error: no Gatekeeper suite (kind: Suite) found under {}",
            dir.display()
        );
        return Ok(EXIT_ERROR);
    }
    Ok(if run.failed > 0 { EXIT_FINDINGS } else { 0 })
}
