//! The `palisade` binary: parses the command line, runs the scanners, prints reports.

mod cli;
mod cluster_cmd;
mod db_cmd;
mod image_cmd;
mod manifests;
mod netpol_cmd;
mod policy_cmd;
mod rbac_cmd;
mod rules_cmd;
mod scan;

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
        Command::Rbac(args) => rbac_cmd::run(args),
        Command::Netpol(args) => netpol_cmd::run(args),
        Command::Db(cmd) => db_cmd::run(cmd),
        Command::Sbom(args) => db_cmd::sbom(args),
        Command::Cluster(args) => cluster_cmd::run(args),
        Command::Policy(args) => policy_cmd::run(args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// Writes command output to standard output; a reader that went away (`| head`) is not an
/// error. Subcommands print through this instead of `println!`, which panics on a closed pipe.
pub fn emit(text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}
