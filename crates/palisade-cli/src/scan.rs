//! `palisade scan`: options → engine settings, progress on a terminal, the report in the
//! chosen format, the exit code. The scan itself is `palisade_engine::Engine`.

use std::fs;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use palisade_core::ScanReport;
use palisade_engine::{Engine, Scanners, Settings, VulnerabilitySettings};
use palisade_report::{Format, RenderOptions};

use crate::cli::{ColorChoice, FailOn, OutputFormat, ScanArgs, Scanner};
use crate::{EXIT_ERROR, EXIT_FINDINGS};

/// Which scanners the `--scanners` list turns on (all when empty).
pub fn scanners(list: &[Scanner]) -> Scanners {
    let on = |s: Scanner| list.is_empty() || list.contains(&s);
    Scanners {
        misconfig: on(Scanner::Misconfig),
        secret: on(Scanner::Secret),
        vuln: on(Scanner::Vuln),
    }
}

/// A progress bar on standard error when it is a terminal and the work is long enough.
pub struct Bar {
    bar: ProgressBar,
    template: &'static str,
    min_len: u64,
}

impl Bar {
    pub fn new(quiet: bool, template: &'static str, min_len: u64) -> Bar {
        let bar = if quiet || !std::io::stderr().is_terminal() {
            ProgressBar::hidden()
        } else {
            ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr())
        };
        Bar {
            bar,
            template,
            min_len,
        }
    }
}

impl palisade_engine::Progress for Bar {
    fn start(&self, total: u64) {
        if total < self.min_len {
            self.bar.set_draw_target(ProgressDrawTarget::hidden());
        }
        self.bar.set_length(total);
        if let Ok(style) = ProgressStyle::with_template(self.template) {
            self.bar.set_style(style);
        }
    }
    fn advance(&self, label: Option<&str>) {
        if let Some(label) = label {
            self.bar.set_message(label.to_string());
        }
        self.bar.inc(1);
    }
    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

pub fn run(args: ScanArgs) -> anyhow::Result<u8> {
    if args.paths.iter().filter(|p| p.as_os_str() == "-").count() > 1 {
        anyhow::bail!("standard input (`-`) can be given only once");
    }
    let config = palisade_engine::load_config(args.config.as_deref(), &args.paths)?;
    let engine = Engine::new(Settings {
        config,
        scanners: scanners(&args.scanners),
        secret_config: args.secret_config.clone(),
        skip_dirs: args.skip_dirs.clone(),
        skip_files: args.skip_files.clone(),
        follow_symlinks: args.follow_symlinks,
        vulnerabilities: VulnerabilitySettings {
            db: args.db.clone(),
            ignore_unfixed: args.ignore_unfixed,
            require_db: args.require_db,
        },
        min_severity: args.report.min_severity,
        practices: args.practice.clone(),
        policies: (!args.policy.is_empty())
            .then(|| std::sync::Arc::new(palisade_policy::PolicySet::load(&args.policy))),
        helm: palisade_engine::HelmSettings {
            values: args.helm_values.clone(),
            set: args.helm_set.clone(),
            release: args.helm_release.clone(),
            namespace: args.helm_namespace.clone(),
            kube_version: args.kube_version.clone(),
            skip_schema_validation: args.helm_skip_schema_validation,
        },
    })?;
    let bar = Bar::new(
        args.quiet,
        "{spinner} scanning {pos}/{len} files {wide_bar} {eta}",
        200,
    );
    let report = engine.scan_paths(&args.paths, &bar);
    finish(&report, &args.report.to(args.format, args.quiet))
}

/// How a command renders its report and decides its exit code.
pub struct Output<'a> {
    pub format: OutputFormat,
    pub path: Option<&'a Path>,
    pub color: ColorChoice,
    pub show_suppressed: bool,
    pub quiet: bool,
    pub fail_on: FailOn,
}

/// Writes the report, echoes its problems to standard error, and answers the exit code:
/// 2 when an input could not be read, 1 when a finding reaches `--fail-on`, else 0.
pub fn finish(report: &ScanReport, output: &Output) -> anyhow::Result<u8> {
    write_rendered(
        report,
        output.format,
        output.path,
        output.color,
        output.show_suppressed,
    )?;
    // The table on a terminal already lists warnings and errors; everywhere else (another
    // format, or the table written to a file) standard error carries them too. Errors are
    // never silenced, not even by --quiet.
    let table_on_terminal = output.format == OutputFormat::Table
        && output.path.is_none()
        && std::io::stdout().is_terminal();
    if !table_on_terminal {
        if !output.quiet {
            for w in &report.warnings {
                eprintln!("warning: {}", palisade_core::text::printable(w));
            }
        }
        for e in &report.errors {
            eprintln!("error: {e}");
        }
    }
    Ok(exit_code(report, output.fail_on))
}

fn exit_code(report: &ScanReport, fail_on: FailOn) -> u8 {
    if !report.errors.is_empty() {
        return EXIT_ERROR;
    }
    let failing = match fail_on {
        FailOn::Never => false,
        FailOn::At(threshold) => report.findings.iter().any(|f| f.severity >= threshold),
    };
    if failing {
        EXIT_FINDINGS
    } else {
        0
    }
}

/// Renders `report` in `format` to `output` (standard output when `None`).
pub(crate) fn write_rendered(
    report: &ScanReport,
    format: OutputFormat,
    output: Option<&Path>,
    color: ColorChoice,
    show_suppressed: bool,
) -> anyhow::Result<()> {
    let format = match format {
        OutputFormat::Table => Format::Table,
        OutputFormat::Json => Format::Json,
        OutputFormat::Sarif => Format::Sarif,
        OutputFormat::Junit => Format::Junit,
    };
    let color = match color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            output.is_none()
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none()
        }
    };
    let registry = palisade_engine::registry();
    let options = RenderOptions {
        color,
        show_suppressed,
    };
    let result = match output {
        Some(path) => {
            let file = fs::File::create(path)
                .with_context(|| format!("cannot write the report to {}", path.display()))?;
            let mut w = std::io::BufWriter::new(file);
            palisade_report::write(report, &registry, format, options, &mut w)
                .with_context(|| format!("cannot write the report to {}", path.display()))
        }
        None => {
            let mut w = std::io::BufWriter::new(std::io::stdout().lock());
            palisade_report::write(report, &registry, format, options, &mut w).map_err(Into::into)
        }
    };
    match result {
        Err(e) if is_broken_pipe(&e) => Ok(()),
        other => other,
    }
}

/// A reader that went away (`palisade scan | head`) is not an error.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        let io = cause.downcast_ref::<std::io::Error>().or_else(|| {
            match cause.downcast_ref::<palisade_report::ReportError>() {
                Some(palisade_report::ReportError::Io(io)) => Some(io),
                _ => None,
            }
        });
        io.is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// The engine that `rbac` and `netpol` read manifests with: the configuration beside the
/// first path, no scanners beyond manifests.
pub fn manifest_engine(paths: &[PathBuf]) -> anyhow::Result<Engine> {
    let config = palisade_engine::load_config(None, paths)?;
    Ok(Engine::new(Settings {
        config,
        scanners: Scanners {
            misconfig: true,
            secret: false,
            vuln: false,
        },
        ..Settings::default()
    })?)
}
