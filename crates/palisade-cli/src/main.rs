//! The `palisade` binary: parses the command line, runs the scanners, prints reports.

mod cli;
mod cloud_cmd;
mod cluster_cmd;
mod cluster_manifests;
mod cluster_watch;
mod db_cmd;
mod image_cmd;
mod manifests;
mod merge_cmd;
mod netpol_cmd;
mod policy_cmd;
mod rbac_cmd;
mod render_cmd;
mod rules_cmd;
mod scan;
mod webhook_cmd;

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};

/// Exit status when findings reach `--fail-on`.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit status for usage errors and unreadable input.
pub const EXIT_ERROR: u8 = 2;

fn main() -> ExitCode {
    install_panic_hook();
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
        Command::Serve(args) => webhook_cmd::serve(args),
        Command::Webhook(cmd) => webhook_cmd::run(cmd),
        Command::Policy(args) => policy_cmd::run(args),
        Command::Render(args) => render_cmd::run(args),
        Command::Cloud(cmd) => cloud_cmd::run(cmd),
        Command::Merge(args) => merge_cmd::run(args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// The last line of defence: a panic anywhere (any thread) becomes exit status 2 with a
/// bug-report message naming the command and input, instead of Rust's message and 101.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let payload = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown cause".to_string());
        let location = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let args: Vec<String> = std::env::args().collect();
        eprintln!("{}", panic_message(&payload, &location, &args));
        std::process::exit(i32::from(EXIT_ERROR));
    }));
}

/// The text printed for a panic: what happened, where, on which input, and what to report.
/// Input-derived text is shown escaped and secrets in it redacted.
fn panic_message(payload: &str, location: &str, args: &[String]) -> String {
    // a panic inside the secret scanner's construction cannot redact: show nothing then
    let clean = |t: &str| match palisade_secrets::try_redact(t) {
        Some(redacted) => palisade_core::text::printable(&redacted).into_owned(),
        None => "[not shown]".to_string(),
    };
    let command = args.iter().map(|a| clean(a)).collect::<Vec<_>>().join(" ");
    format!(
        "error: internal error in Palisade {} (this is a bug, not a problem with your input): {}{}\n  \
         command: {command}\n  \
         Please report it to the Palisade maintainers with this message, the command, and if \
         you can the input file it was reading; the scan result is incomplete, so the exit status is {EXIT_ERROR}.",
        env!("CARGO_PKG_VERSION"),
        clean(payload),
        if location.is_empty() {
            String::new()
        } else {
            format!(" (at {location})")
        },
    )
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
