//! The `palisade` binary: parses the command line, runs the scanners, prints reports.

mod cli;
mod image_cmd;
mod rules_cmd;
mod scan;
mod walk;

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};

/// Exit status when findings reach `--fail-on`.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit status for usage errors and unreadable input.
pub const EXIT_ERROR: u8 = 2;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_ERROR } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        Command::Scan(args) => scan::run(args),
        Command::Image(args) => image_cmd::run(args),
        Command::Rules(args) => rules_cmd::list(args),
        Command::Rule(args) => rules_cmd::show(args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// Every rule of every scanner in this build.
pub fn registry() -> palisade_core::RuleRegistry {
    let mut registry = palisade_core::RuleRegistry::new();
    registry
        .extend(palisade_iac::rules())
        .expect("rule ids are unique across crates (checked by tests)");
    registry
        .extend(palisade_artifact::rules())
        .expect("rule ids are unique across crates (checked by tests)");
    registry
}
