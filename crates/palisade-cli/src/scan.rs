//! `palisade scan`: walk the targets, read each file once, run every scanner on it in
//! parallel, run the cross-file analyses, apply configuration and filters, render.
//!
//! Adding a scanner means: a field in [`FileOutput`] filled in [`scan_file`] from the bytes
//! already read, and, if it needs the whole set, a step in [`run`] after the parallel phase.

use std::fs;
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};

use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use palisade_core::{Config, Finding, InlineIgnores, ScanError, ScanReport};
use palisade_iac::kubernetes::{self, ManifestFile};
use palisade_report::{Format, RenderOptions};
use rayon::prelude::*;

use crate::cli::{ColorChoice, FailOn, OutputFormat, ScanArgs, Scanner};
use crate::walk::{self, FileEntry, SkipRules};
use crate::{EXIT_ERROR, EXIT_FINDINGS};

/// Largest file loaded as a YAML/JSON document.
pub const MAX_DOCUMENT_BYTES: u64 = 32 * 1024 * 1024;

/// Extensions of files that are never YAML or JSON documents, so they are not parsed.
const NOT_DOCUMENTS: &[&str] = &[
    "go", "rs", "py", "js", "mjs", "cjs", "ts", "tsx", "jsx", "java", "kt", "c", "h", "cc", "cpp",
    "hpp", "cs", "rb", "php", "md", "rst", "html", "htm", "css", "scss", "sh", "bash", "swift",
    "scala", "lock", "tf", "hcl", "toml", "ini", "xml", "sql", "txt", "svg", "ipynb",
];

/// What the per-file phase learned about one file.
#[derive(Default)]
struct FileOutput {
    /// What the cross-object Kubernetes analyses need from this file; its tree is gone.
    graph: Option<crate::k8s_graph::FileFacts>,
    /// Findings of per-file scanners (Dockerfiles, serverless templates), already checked
    /// against inline ignores.
    findings: Vec<Finding>,
    suppressed: Vec<Finding>,
    /// A Terraform file, kept for the per-module phase: (display path, text).
    terraform: Option<(String, String)>,
    packages: Vec<palisade_vuln::Package>,
    errors: Vec<ScanError>,
    warnings: Vec<String>,
}

/// Which scanners this run uses.
struct Enabled {
    misconfig: bool,
    vuln: bool,
    secret: bool,
    /// Dockerfiles and serverless templates (off when only manifests are wanted).
    templates: bool,
}

impl Enabled {
    fn from(list: &[Scanner]) -> Enabled {
        let on = |s: Scanner| list.is_empty() || list.contains(&s);
        Enabled {
            misconfig: on(Scanner::Misconfig),
            vuln: on(Scanner::Vuln),
            secret: on(Scanner::Secret),
            templates: on(Scanner::Misconfig),
        }
    }
}

fn is_document_name(display: &str) -> bool {
    let lower = display.to_ascii_lowercase();
    lower.ends_with(".yaml")
        || lower.ends_with(".yml")
        || lower.ends_with(".json")
        || display == "<stdin>"
}

/// Whether a file may be a YAML/JSON document: named as one, or with no extension that
/// rules it out.
fn may_be_document(display: &str) -> bool {
    is_document_name(display)
        || extension(display).is_none_or(|e| !NOT_DOCUMENTS.contains(&e.as_str()))
}

fn extension(display: &str) -> Option<String> {
    let name = display.rsplit('/').next().unwrap_or(display);
    name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase())
}

fn human_size(n: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    format!("{v:.1} {}", UNITS[unit])
}

/// Standard input, read once: the context pass and the per-file pass both look at it.
static STDIN: std::sync::OnceLock<Result<Vec<u8>, String>> = std::sync::OnceLock::new();

/// Files at least this large are memory-mapped instead of read: no copy, no buffer, and
/// the binary check touches only their first page.
const MMAP_MIN_BYTES: u64 = 64 * 1024;

/// A file's bytes: memory-mapped when large, read into a buffer when small.
enum Content {
    Mapped(palisade_secrets::MappedFile),
    Owned(Vec<u8>),
}

impl Content {
    /// Whether the file shrank while mapped (the missing bytes read as zeros).
    fn truncated(&self) -> bool {
        matches!(self, Content::Mapped(m) if m.truncated())
    }
}

impl std::ops::Deref for Content {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Content::Mapped(m) => m.bytes(),
            Content::Owned(v) => v,
        }
    }
}

/// Reads a file (or standard input) up to `limit` bytes; `Ok(None)` when it is larger.
fn read_bounded(entry: &FileEntry, limit: u64) -> std::io::Result<Option<Content>> {
    let mut buf = Vec::new();
    match &entry.path {
        Some(path) => {
            let file = fs::File::open(path)?;
            let len = file.metadata()?.len();
            if len > limit {
                return Ok(None);
            }
            if len >= MMAP_MIN_BYTES {
                if let Some(map) = palisade_secrets::MappedFile::open(&file, len) {
                    return Ok(Some(Content::Mapped(map)));
                }
            }
            buf.reserve(len as usize);
            file.take(limit + 1).read_to_end(&mut buf)?;
        }
        None => {
            let buffered = STDIN.get_or_init(|| {
                let mut all = Vec::new();
                std::io::stdin()
                    .lock()
                    .take(limit + 1)
                    .read_to_end(&mut all)
                    .map(|_| all)
                    .map_err(|e| e.to_string())
            });
            match buffered {
                Ok(bytes) if bytes.len() as u64 > limit => return Ok(None),
                Ok(bytes) => buf = bytes.clone(),
                Err(e) => return Err(std::io::Error::other(e.clone())),
            }
        }
    }
    Ok((buf.len() as u64 <= limit).then_some(Content::Owned(buf)))
}

/// The error for a file that shrank while it was being scanned.
fn changed_during_scan(entry: &FileEntry) -> ScanError {
    ScanError::new(
        &entry.display,
        None,
        "the file shrank while it was being read; not scanned (scan it again)",
    )
}

/// The secret scanner of this run and its file-size limit.
struct SecretScan {
    scanner: palisade_secrets::Scanner,
    max_file_size: u64,
}

fn secret_scan(args: &ScanArgs, config: &Config) -> anyhow::Result<SecretScan> {
    let settings = match &args.secret_config {
        Some(path) => palisade_secrets::SecretsConfig::load_file(path)?,
        None => {
            let source = config
                .source
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| palisade_core::config::CONFIG_FILE.to_string());
            palisade_secrets::SecretsConfig::from_table(&config.secrets, &source)?
        }
    };
    Ok(SecretScan {
        scanner: palisade_secrets::Scanner::with_config(&settings)?,
        max_file_size: settings.max_file_size,
    })
}

/// How much of a file the per-file pass reads.
fn read_limit(secrets: Option<&SecretScan>) -> u64 {
    secrets.map_or(MAX_DOCUMENT_BYTES, |s| {
        s.max_file_size.max(MAX_DOCUMENT_BYTES)
    })
}

/// The per-file phase: read once, hand the content to each scanner.
fn scan_file(
    entry: &FileEntry,
    enabled: &Enabled,
    serverless: &palisade_serverless::ServerlessSettings,
    secrets: Option<&SecretScan>,
    cluster: &kubernetes::ClusterContext,
) -> FileOutput {
    let mut out = FileOutput::default();
    if enabled.vuln && palisade_vuln::lockfile::kind_of(&entry.display).is_some() {
        crate::db_cmd::read_lockfile(entry, &mut out.packages, &mut out.findings, &mut out.errors);
        return out;
    }
    if enabled.vuln && crate::java_archives::is_java_archive(entry) {
        crate::java_archives::read_java_archive(
            entry,
            &mut out.packages,
            &mut out.errors,
            &mut out.warnings,
        );
        return out;
    }
    let document_name = is_document_name(&entry.display);
    let terraform = entry.display.ends_with(".tf");
    let parse_candidate = terraform || may_be_document(&entry.display);
    let wants_misconfig = enabled.misconfig && parse_candidate;
    if !wants_misconfig && secrets.is_none() {
        return out;
    }
    let read = match read_bounded(entry, read_limit(secrets)) {
        Ok(Some(bytes)) if bytes.len() as u64 > MAX_DOCUMENT_BYTES => {
            if let Some(s) = secrets {
                scan_secrets(s, entry, &bytes, &mut out);
            }
            Ok(None)
        }
        Ok(Some(bytes)) => {
            if let Some(s) = secrets {
                scan_secrets(s, entry, &bytes, &mut out);
            }
            Ok(Some(bytes))
        }
        Ok(None) => {
            if let Some(s) = secrets {
                out.warnings.push(format!(
                    "{}: larger than the secret scanner's {} limit; not scanned for secrets",
                    entry.display,
                    human_size(s.max_file_size)
                ));
            }
            Ok(None)
        }
        Err(e) => Err(e),
    };
    if !wants_misconfig {
        if let Err(e) = read {
            out.errors.push(ScanError::new(
                &entry.display,
                None,
                format!("cannot read: {e}"),
            ));
        }
        return out;
    }
    let content = match read {
        Ok(Some(content)) => content,
        Ok(None) => {
            if document_name {
                let size = entry
                    .path
                    .as_ref()
                    .and_then(|p| fs::metadata(p).ok())
                    .map(|m| human_size(m.len()))
                    .unwrap_or_else(|| "more than the limit".into());
                out.errors.push(ScanError::new(
                    &entry.display,
                    None,
                    format!(
                        "file is {size}, larger than the {} limit for YAML/JSON documents; skipped",
                        human_size(MAX_DOCUMENT_BYTES)
                    ),
                ));
            }
            return out;
        }
        Err(e) => {
            out.errors.push(ScanError::new(
                &entry.display,
                None,
                format!("cannot read: {e}"),
            ));
            return out;
        }
    };
    let bytes: &[u8] = &content;
    let text = match document_text(&entry.display, bytes, document_name) {
        Ok(text) => text,
        Err(error) => {
            out.errors.extend(error);
            return out;
        }
    };
    if content.truncated() {
        out.errors.push(changed_during_scan(entry));
        return out;
    }
    if enabled.templates
        && palisade_dockerfile::is_dockerfile(Path::new(&entry.display), Some(text))
    {
        let dockerfile = crate::dockerfile::scan(&entry.display, text);
        out.findings.extend(dockerfile.findings);
        out.suppressed.extend(dockerfile.suppressed);
        out.errors.extend(dockerfile.errors);
        out.warnings.extend(dockerfile.warnings);
        return out;
    }
    let template = if enabled.templates {
        palisade_serverless::detect(&entry.display, text)
    } else {
        None
    };
    match template {
        Some(
            palisade_serverless::TemplateKind::TerraformHcl
            | palisade_serverless::TemplateKind::TerraformJson,
        ) => {
            out.terraform = Some((entry.display.clone(), text.to_string()));
            return out;
        }
        Some(_) => {
            let scan = palisade_serverless::scan_template(&entry.display, text, serverless);
            if !scan.inventories.is_empty() {
                let ignores = InlineIgnores::parse(text);
                split_inline(
                    scan.findings,
                    &ignores,
                    &mut out.findings,
                    &mut out.suppressed,
                );
                out.errors.extend(scan.errors);
                return out;
            }
        }
        None => {}
    }
    match load_manifest(&entry.display, text, document_name) {
        ManifestLoad::Manifest(manifest) => {
            let checked = kubernetes::check_file(&manifest, cluster);
            out.findings.extend(checked.findings);
            out.suppressed.extend(checked.suppressed);
            out.errors.extend(checked.errors);
            out.graph = Some(crate::k8s_graph::FileFacts::of(&manifest));
        }
        ManifestLoad::Error(e) => out.errors.push(e),
        ManifestLoad::Warning(w) => out.warnings.push(w),
        ManifestLoad::None => {}
    }
    out
}

/// The text of a file that may be a document; binary or non-UTF-8 content is an error for
/// files named as YAML/JSON and silently not a document otherwise.
fn document_text<'a>(
    display: &str,
    bytes: &'a [u8],
    document_name: bool,
) -> Result<&'a str, Option<ScanError>> {
    if bytes[..bytes.len().min(8192)].contains(&0) {
        return Err(document_name
            .then(|| ScanError::new(display, None, "binary content, not YAML or JSON; skipped")));
    }
    std::str::from_utf8(bytes).map_err(|e| {
        document_name.then(|| {
            let line = bytes[..e.valid_up_to()]
                .iter()
                .filter(|b| **b == b'\n')
                .count()
                + 1;
            ScanError::new(
                display,
                Some(line as u32),
                format!("not valid UTF-8 (byte offset {}); skipped", e.valid_up_to()),
            )
        })
    })
}

/// What loading a file as Kubernetes manifests gave.
enum ManifestLoad {
    Manifest(ManifestFile),
    Error(ScanError),
    Warning(String),
    None,
}

/// Loads `text` as Kubernetes manifests when it looks like some. `document_name`: the file
/// is named as YAML/JSON, so a parse failure is an error rather than "not a manifest".
fn load_manifest(display: &str, text: &str, document_name: bool) -> ManifestLoad {
    if !kubernetes::looks_like_manifest(text) {
        return ManifestLoad::None;
    }
    // YAML accepts JSON that JSON itself rejects (`{"a": }`): hold .json files to JSON.
    if display.to_ascii_lowercase().ends_with(".json") {
        if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(text) {
            return ManifestLoad::Error(ScanError::new(
                display,
                Some(e.line() as u32),
                format!("invalid JSON at column {}: {e}", e.column()),
            ));
        }
    }
    match palisade_yaml::load(text) {
        Ok(docs) => {
            let manifest = ManifestFile::new(display, text, docs);
            if manifest.objects.is_empty() {
                ManifestLoad::None
            } else {
                ManifestLoad::Manifest(manifest)
            }
        }
        Err(e) if text.contains("{{") => ManifestLoad::Warning(format!(
            "{display}: looks like a Go/Helm template, not plain YAML ({e}); render it (helm template) and scan the output"
        )),
        Err(e) if document_name => ManifestLoad::Error(ScanError::new(
            display,
            Some(e.line),
            format!("invalid YAML/JSON at column {}: {}", e.column, e.message),
        )),
        Err(_) => ManifestLoad::None,
    }
}

/// The context pass: objects that other objects' rules depend on (ServiceAccounts,
/// RuntimeClasses, exposing Services) are few and live in few files. Only files whose text
/// may hold one are parsed here, so the per-file pass can check each file completely and
/// drop its tree instead of keeping every tree until the end.
fn cluster_context(files: &[FileEntry], enabled: &Enabled) -> kubernetes::ClusterContext {
    let parts: Vec<kubernetes::ClusterContext> = files
        .par_iter()
        .filter(|entry| may_be_manifest(entry, enabled))
        .filter_map(|entry| {
            let bytes = read_bounded(entry, MAX_DOCUMENT_BYTES).ok()??;
            let text = document_text(&entry.display, &bytes, false).ok()?;
            if !kubernetes::may_contribute(text)
                || palisade_dockerfile::is_dockerfile(Path::new(&entry.display), Some(text))
            {
                return None;
            }
            let ManifestLoad::Manifest(manifest) =
                load_manifest(&entry.display, text, is_document_name(&entry.display))
            else {
                return None;
            };
            let mut cx = kubernetes::ClusterContext::default();
            for obj in &manifest.objects {
                cx.add(obj);
            }
            Some(cx)
        })
        .collect();
    let mut cx = kubernetes::ClusterContext::default();
    for part in parts {
        cx.merge(part);
    }
    cx
}

/// Whether the per-file pass would try `entry` as a Kubernetes manifest.
fn may_be_manifest(entry: &FileEntry, enabled: &Enabled) -> bool {
    enabled.misconfig
        && !(enabled.vuln && palisade_vuln::lockfile::kind_of(&entry.display).is_some())
        && may_be_document(&entry.display)
}

/// Moves findings silenced by a `# palisade:ignore RULE reason` comment to `suppressed`.
pub(crate) fn split_inline(
    findings: Vec<Finding>,
    ignores: &InlineIgnores,
    kept: &mut Vec<Finding>,
    suppressed: &mut Vec<Finding>,
) {
    for mut finding in findings {
        let reason = finding
            .location
            .line
            .and_then(|line| ignores.reason_for(&finding.rule_id, line));
        match reason {
            Some(reason) => {
                finding.suppressed = Some(Box::new(palisade_core::SuppressedBy::Inline {
                    reason: reason.to_string(),
                }));
                suppressed.push(finding);
            }
            None => kept.push(finding),
        }
    }
}

fn scan_secrets(s: &SecretScan, entry: &FileEntry, content: &Content, out: &mut FileOutput) {
    let bytes: &[u8] = content;
    if let palisade_secrets::FileOutcome::Scanned(matches) =
        s.scanner.scan_loaded(&entry.display, bytes)
    {
        if content.truncated() {
            out.errors.push(changed_during_scan(entry));
            return;
        }
        if matches.is_empty() {
            return;
        }
        let findings = matches
            .iter()
            .map(|m| m.to_finding(&entry.display))
            .collect();
        // Only files with a match pay for looking at their ignore markers.
        let ignores = std::str::from_utf8(bytes)
            .map(InlineIgnores::parse)
            .unwrap_or_default();
        split_inline(findings, &ignores, &mut out.findings, &mut out.suppressed);
    }
}

fn load_config(args: &ScanArgs) -> anyhow::Result<Config> {
    if let Some(path) = &args.config {
        return Config::load(path).map_err(anyhow::Error::from);
    }
    let root = args
        .paths
        .iter()
        .find(|p| p.as_os_str() != "-")
        .cloned()
        .unwrap_or_else(|| PathBuf::from("."));
    let candidate = if root.is_dir() {
        root.join(palisade_core::config::CONFIG_FILE)
    } else {
        root.parent()
            .unwrap_or(Path::new("."))
            .join(palisade_core::config::CONFIG_FILE)
    };
    if candidate.is_file() {
        Config::load(&candidate).map_err(anyhow::Error::from)
    } else {
        Ok(Config::default())
    }
}

fn progress(len: usize, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() || len < 200 {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len as u64), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} scanning {pos}/{len} files {wide_bar} {eta}")
    {
        bar.set_style(style);
    }
    bar
}

pub fn run(args: ScanArgs) -> anyhow::Result<u8> {
    if args.paths.iter().filter(|p| p.as_os_str() == "-").count() > 1 {
        anyhow::bail!("standard input (`-`) can be given only once");
    }
    let config = load_config(&args)?;
    let skip = SkipRules::new(&args.skip_dirs, &args.skip_files)?;
    let enabled = Enabled::from(&args.scanners);
    let serverless = palisade_serverless::ServerlessSettings::from_table(&config.serverless)?;
    let secrets = if enabled.secret {
        Some(secret_scan(&args, &config)?)
    } else {
        None
    };

    let mut report = ScanReport {
        targets: args.paths.iter().map(|p| p.display().to_string()).collect(),
        ..ScanReport::default()
    };
    let mut files = Vec::new();
    for target in &args.paths {
        walk::collect(
            target,
            &skip,
            &config,
            args.follow_symlinks,
            &mut files,
            &mut report.errors,
        );
    }

    if let Some(stdin) = files.iter().find(|f| f.path.is_none()) {
        // Buffered now with the per-file pass's limit; both passes then share it.
        let _ = read_bounded(stdin, read_limit(secrets.as_ref()));
    }
    let cluster = cluster_context(&files, &enabled);
    let bar = progress(files.len(), args.quiet);
    let mut outputs: Vec<FileOutput> = files
        .par_iter()
        .map(|entry| {
            let out = scan_file(entry, &enabled, &serverless, secrets.as_ref(), &cluster);
            bar.inc(1);
            out
        })
        .collect();
    bar.finish_and_clear();

    report.files_scanned = files.len();
    let mut graph = crate::k8s_graph::ScanFacts::default();
    for out in &mut outputs {
        if let Some(facts) = out.graph.take() {
            graph.add(facts);
        }
    }
    let graph = enabled.misconfig.then(|| graph.check(&config));
    // Findings can number in the hundreds of thousands: one exact allocation instead of
    // repeated doubling, which would briefly hold two copies.
    let per_file: usize = outputs.iter().map(|o| o.findings.len()).sum();
    report
        .findings
        .reserve_exact(per_file + graph.as_ref().map_or(0, |g| g.findings.len()));
    // Terraform is read per module (the files of one folder) so references resolve.
    let mut modules: std::collections::BTreeMap<String, Vec<(String, String)>> = Default::default();
    let mut packages = Vec::new();
    for out in outputs {
        report.errors.extend(out.errors);
        report.warnings.extend(out.warnings);
        report.findings.extend(out.findings);
        report.suppressed.extend(out.suppressed);
        packages.extend(out.packages);
        if let Some((display, text)) = out.terraform {
            let folder = display
                .rsplit_once('/')
                .map(|(d, _)| d.to_string())
                .unwrap_or_default();
            modules.entry(folder).or_default().push((display, text));
        }
    }
    // Folders another folder calls as a local module are read through those calls, with
    // their inputs bound, rather than on their own.
    let mut project = palisade_serverless::TerraformProject::default();
    let mut texts: std::collections::HashMap<&str, &str> = Default::default();
    for files in modules.values() {
        for (path, text) in files {
            project.add_file(path, text);
            texts.insert(path, text);
        }
    }
    let module_scans: Vec<palisade_serverless::TemplateScan> = project
        .roots()
        .par_iter()
        .map(|root| project.scan_root(root, &serverless))
        .collect();
    let mut ignores: std::collections::HashMap<&str, InlineIgnores> = Default::default();
    for scan in module_scans {
        for finding in scan.findings {
            let Some((&path, &text)) = texts.get_key_value(finding.location.path.as_str()) else {
                report.findings.push(finding);
                continue;
            };
            let file_ignores = ignores
                .entry(path)
                .or_insert_with(|| InlineIgnores::parse(text));
            split_inline(
                vec![finding],
                file_ignores,
                &mut report.findings,
                &mut report.suppressed,
            );
        }
        report.errors.extend(scan.errors);
        report.warnings.extend(scan.warnings);
    }
    if enabled.vuln && !packages.is_empty() {
        crate::db_cmd::scan_packages(&args, &packages, &mut report);
    }

    if let Some(graph) = graph {
        report.findings.extend(graph.findings);
        report.suppressed.extend(graph.suppressed);
        report.errors.extend(graph.errors);
    }

    config.apply(&mut report, chrono::Local::now().date_naive());
    let keep = |f: &Finding| {
        f.severity >= args.min_severity
            && (args.practice.is_empty() || args.practice.contains(&f.practice))
    };
    report.findings.retain(keep);
    report.suppressed.retain(keep);
    report.sort();

    write_report(&args, &report)?;
    if !args.quiet && args.format != OutputFormat::Table {
        for w in &report.warnings {
            eprintln!("warning: {w}");
        }
        for e in &report.errors {
            eprintln!("error: {e}");
        }
    }

    Ok(exit_code(&args, &report))
}

fn exit_code(args: &ScanArgs, report: &ScanReport) -> u8 {
    if !report.errors.is_empty() {
        return EXIT_ERROR;
    }
    let failing = match args.fail_on {
        FailOn::Never => false,
        FailOn::At(threshold) => report.findings.iter().any(|f| f.severity >= threshold),
    };
    if failing {
        EXIT_FINDINGS
    } else {
        0
    }
}

fn write_report(args: &ScanArgs, report: &ScanReport) -> anyhow::Result<()> {
    write_rendered(
        report,
        args.format,
        args.output.as_deref(),
        args.color,
        args.show_suppressed,
    )
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
    let registry = crate::registry();
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

/// Loads the Kubernetes manifests under `paths` the way `scan` does (for `rbac` and `netpol`).
pub(crate) fn load_manifests(
    paths: &[PathBuf],
    config: &Config,
) -> anyhow::Result<(Vec<ManifestFile>, Vec<ScanError>)> {
    let skip = SkipRules::new(&[], &[])?;
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for target in paths {
        walk::collect(target, &skip, config, false, &mut files, &mut errors);
    }
    // Only the manifests: Dockerfiles and serverless templates are not read here.
    let loaded: Vec<(Option<ManifestFile>, Option<ScanError>)> = files
        .par_iter()
        .map(|entry| {
            if !may_be_document(&entry.display) {
                return (None, None);
            }
            let document_name = is_document_name(&entry.display);
            let bytes = match read_bounded(entry, MAX_DOCUMENT_BYTES) {
                Ok(Some(bytes)) => bytes,
                Ok(None) => return (None, None),
                Err(e) => {
                    let error = ScanError::new(&entry.display, None, format!("cannot read: {e}"));
                    return (None, Some(error));
                }
            };
            let text = match document_text(&entry.display, &bytes, document_name) {
                Ok(text) => text,
                Err(error) => return (None, error),
            };
            if palisade_dockerfile::is_dockerfile(Path::new(&entry.display), Some(text)) {
                return (None, None);
            }
            match load_manifest(&entry.display, text, document_name) {
                ManifestLoad::Manifest(m) => (Some(m), None),
                ManifestLoad::Error(e) => (None, Some(e)),
                ManifestLoad::Warning(_) | ManifestLoad::None => (None, None),
            }
        })
        .collect();
    let mut manifests = Vec::new();
    for (manifest, error) in loaded {
        manifests.extend(manifest);
        errors.extend(error);
    }
    Ok((manifests, errors))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_that_vanished_after_the_walk_is_an_error_entry() {
        let dir = std::env::temp_dir().join(format!("palisade-vanish-{}", std::process::id()));
        let entry = FileEntry {
            path: Some(dir.join("gone.yaml")),
            display: "gone.yaml".into(),
        };
        let out = scan_file(
            &entry,
            &Enabled {
                misconfig: true,
                vuln: true,
                secret: false,
                templates: true,
            },
            &palisade_serverless::ServerlessSettings::default(),
            None,
            &kubernetes::ClusterContext::default(),
        );
        assert_eq!(out.errors.len(), 1);
        assert_eq!(out.errors[0].path, "gone.yaml");
        assert!(
            out.errors[0].message.starts_with("cannot read"),
            "{}",
            out.errors[0]
        );
    }

    #[test]
    fn sizes_read_like_people_write_them() {
        assert_eq!(human_size(1 << 30), "1.0 GiB");
        assert_eq!(human_size(512), "512.0 B");
    }
}
