//! The scan of a set of files: read each file once, hand its bytes to every analyzer that
//! wants it (in parallel), then run the passes that need the whole set (Kubernetes cluster
//! context, RBAC and NetworkPolicy graph, Terraform modules, vulnerability matching) and
//! apply configuration and filters.
//!
//! Adding an analyzer means: a field in [`FileOutput`] filled in [`Engine::scan_file`] from
//! the bytes already read, and, if it needs the whole set, a step in [`Engine::scan_entries`]
//! after the parallel phase.

mod policy;

use std::path::{Path, PathBuf};

use palisade_core::{Finding, InlineIgnores, ScanError, ScanReport};
use palisade_iac::kubernetes::{self, ManifestFile};
use rayon::prelude::*;

use crate::source::{self, read_bounded, Content, FileEntry};
use crate::{Engine, EngineError, Progress, Settings};

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
    graph: Option<crate::cluster::FileFacts>,
    /// Findings of per-file scanners (Dockerfiles, serverless templates), already checked
    /// against inline ignores.
    findings: Vec<Finding>,
    suppressed: Vec<Finding>,
    /// A Terraform file, kept for the per-module phase: (display path, text).
    terraform: Option<(String, String)>,
    packages: Vec<palisade_vuln::Package>,
    errors: Vec<ScanError>,
    warnings: Vec<String>,
    /// Whether an analyzer other than the secret scanner recognised the file.
    recognised: bool,
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

/// The error for a file that shrank while it was being scanned.
fn changed_during_scan(entry: &FileEntry) -> ScanError {
    ScanError::new(
        &entry.display,
        None,
        "the file shrank while it was being read; not scanned (scan it again)",
    )
}

/// The secret scanner of a run and its file-size limit.
pub(crate) struct SecretScan {
    pub(crate) scanner: palisade_secrets::Scanner,
    pub(crate) max_file_size: u64,
}

impl SecretScan {
    pub(crate) fn new(settings: &Settings) -> Result<SecretScan, EngineError> {
        let rules = match &settings.secret_config {
            Some(path) => palisade_secrets::SecretsConfig::load_file(path)?,
            None => palisade_secrets::SecretsConfig::from_table(
                &settings.config.secrets,
                &crate::settings::config_source(&settings.config),
            )?,
        };
        Ok(SecretScan {
            scanner: palisade_secrets::Scanner::with_config(&rules)?,
            max_file_size: rules.max_file_size,
        })
    }
}

/// Which part of a scan to run. A scan of objects can be split in two: each object's own
/// rules (and secrets), with the cluster context they read given, and the rules over the
/// whole set (RBAC and NetworkPolicy graph, user policies). The two together give what
/// [`Pass::Whole`] gives, so a front-end that keeps objects (watch mode) judges again only
/// the objects a change reaches and the cross-object rules of their scope.
#[derive(Clone, Copy)]
pub(crate) enum Pass<'a> {
    /// Everything.
    Whole,
    /// Each file's own findings only, the cluster context (ServiceAccounts, RuntimeClasses,
    /// exposing Services) read from these files and from `context`.
    Own { context: &'a [FileEntry] },
    /// The cross-object rules only: the graph and the user policies.
    Graph,
}

/// How much of a file the per-file pass reads.
fn read_limit(secrets: Option<&SecretScan>) -> u64 {
    secrets.map_or(MAX_DOCUMENT_BYTES, |s| {
        s.max_file_size.max(MAX_DOCUMENT_BYTES)
    })
}

/// The Kubernetes manifests of a set of paths, for the questions asked of the whole set
/// (`rbac`, `netpol`), with the inputs that could not be read.
pub struct ManifestSet {
    pub manifests: Vec<ManifestFile>,
    pub errors: Vec<ScanError>,
    /// Files read (whether or not they held manifests).
    pub files: usize,
}

impl Engine {
    /// Scans files and directories (`-` is standard input, read once).
    pub fn scan_paths(&self, paths: &[PathBuf], progress: &dyn Progress) -> ScanReport {
        let mut report = ScanReport {
            targets: paths.iter().map(|p| p.display().to_string()).collect(),
            ..ScanReport::default()
        };
        let mut files = Vec::new();
        for target in paths {
            source::collect(
                target,
                &self.skip,
                &self.settings.config,
                self.settings.follow_symlinks,
                &mut files,
                &mut report.errors,
            );
        }
        if let Some(stdin) = files
            .iter()
            .find(|f| matches!(f.source, source::Source::Stdin))
        {
            // Buffered now with the per-file pass's limit; both passes then share it.
            let _ = read_bounded(stdin, read_limit(self.secrets.as_ref()));
        }
        let renderings = if self.settings.scanners.misconfig {
            crate::kustomize::prepare(paths, &mut files, &mut report, &self.settings.helm)
        } else {
            crate::kustomize::Renderings::default()
        };
        self.scan_entries(files, report, progress, &renderings)
    }

    /// Scans documents held in memory (an editor's buffers, the objects of an admission
    /// request): each is classified and checked as a file of that name would be, and
    /// the documents together form the cluster context of the cross-object pass.
    pub fn scan_documents(&self, documents: Vec<FileEntry>) -> ScanReport {
        let report = ScanReport {
            targets: documents.iter().map(|d| d.display.clone()).collect(),
            ..ScanReport::default()
        };
        self.scan_entries(
            documents,
            report,
            &crate::Quiet,
            &crate::kustomize::Renderings::default(),
        )
    }

    /// The per-file pass over `files` in parallel, the passes over the whole set, then
    /// configuration and filters.
    pub(crate) fn scan_entries(
        &self,
        files: Vec<FileEntry>,
        report: ScanReport,
        progress: &dyn Progress,
        renderings: &crate::kustomize::Renderings,
    ) -> ScanReport {
        self.scan_pass(files, report, progress, renderings, Pass::Whole)
    }

    /// [`Engine::scan_entries`], or one part of it ([`Pass`]).
    pub(crate) fn scan_pass(
        &self,
        files: Vec<FileEntry>,
        mut report: ScanReport,
        progress: &dyn Progress,
        renderings: &crate::kustomize::Renderings,
        pass: Pass,
    ) -> ScanReport {
        let scanners = self.settings.scanners;
        let cluster = match pass {
            Pass::Whole => self.cluster_context(&files, renderings),
            Pass::Own { context } => {
                let mut all = files.clone();
                all.extend(context.iter().cloned());
                self.cluster_context(&all, renderings)
            }
            // The graph reads no context.
            Pass::Graph => kubernetes::ClusterContext {
                pod_templates: self.pod_templates.clone(),
                ..Default::default()
            },
        };
        let local_images = scanners
            .misconfig
            .then(|| crate::dockerfile::local_images(&files))
            .flatten();
        progress.start(files.len() as u64);
        let mut outputs: Vec<FileOutput> = files
            .par_iter()
            .map(|entry| {
                let out = self.scan_file(entry, &cluster, local_images.as_ref(), renderings, pass);
                progress.advance(None);
                out
            })
            .collect();
        progress.finish();

        report.files_scanned = files.len();
        let recognised = outputs.iter().filter(|o| o.recognised).count();
        let mut graph = crate::cluster::ScanFacts::default();
        for out in &mut outputs {
            if let Some(facts) = out.graph.take() {
                graph.add(facts);
            }
        }
        let cross_object = !matches!(pass, Pass::Own { .. });
        let graph =
            (scanners.misconfig && cross_object).then(|| graph.check(&self.settings.config));
        // Findings can number in the hundreds of thousands: one exact allocation instead of
        // repeated doubling, which would briefly hold two copies.
        let per_file: usize = outputs.iter().map(|o| o.findings.len()).sum();
        report
            .findings
            .reserve_exact(per_file + graph.as_ref().map_or(0, |g| g.findings.len()));
        // Terraform is read per module (the files of one folder) so references resolve.
        let mut terraform = Vec::new();
        let mut packages = Vec::new();
        for out in outputs {
            report.errors.extend(out.errors);
            report.warnings.extend(out.warnings);
            report.findings.extend(out.findings);
            report.suppressed.extend(out.suppressed);
            packages.extend(out.packages);
            terraform.extend(out.terraform);
        }
        self.scan_terraform(terraform, &mut report);
        if scanners.vuln {
            crate::packages::check_packages(&self.settings.vulnerabilities, &packages, &mut report);
        }
        if let Some(graph) = graph {
            report.findings.extend(graph.findings);
            report.suppressed.extend(graph.suppressed);
            report.errors.extend(graph.errors);
        }
        let manifest_files: Vec<FileEntry> = files
            .iter()
            .filter(|f| renderings.manifest_entry(f))
            .cloned()
            .collect();
        if cross_object {
            self.check_policies(&manifest_files, &mut report);
        }
        renderings.relocate(&mut report.findings);
        renderings.relocate(&mut report.suppressed);
        renderings.apply_inline_ignores(&mut report);
        if files.is_empty() && report.errors.is_empty() {
            report
                .warnings
                .push("no files to scan: the targets hold no regular files".to_string());
        } else if recognised == 0
            && !files.is_empty()
            && scanners.misconfig
            // a chart or kustomization was found (its failure, if any, is already an error)
            && renderings.roles.is_empty()
        {
            report.warnings.push(format!(
                "no supported files: none of the {} files scanned is a Kubernetes manifest, Dockerfile, infrastructure template, lockfile or archive that Palisade checks{}",
                files.len(),
                if scanners.secret { "; they were scanned for secrets only" } else { "" }
            ));
        }
        self.finish(&mut report);
        report
    }

    /// Configuration (suppressions, severity overrides) and filters, then the report's order.
    /// Public for front-ends that produce their findings themselves (`palisade cloud aws`).
    pub fn finish(&self, report: &mut ScanReport) {
        self.settings
            .config
            .apply(report, chrono::Local::now().date_naive());
        report.findings.retain(|f| self.settings.keeps(f));
        report.suppressed.retain(|f| self.settings.keeps(f));
        report.sort();
    }

    /// Terraform files, grouped into modules by folder. Folders another folder calls as a
    /// local module are read through those calls, with their inputs bound, rather than on
    /// their own.
    fn scan_terraform(&self, files: Vec<(String, String)>, report: &mut ScanReport) {
        if files.is_empty() {
            return;
        }
        let mut modules: std::collections::BTreeMap<&str, Vec<&(String, String)>> =
            Default::default();
        for file in &files {
            let folder = file.0.rsplit_once('/').map_or("", |(d, _)| d);
            modules.entry(folder).or_default().push(file);
        }
        let mut project = palisade_serverless::TerraformProject::default();
        let mut texts: std::collections::HashMap<&str, &str> = Default::default();
        for (path, text) in modules.values().flatten() {
            project.add_file(path, text);
            texts.insert(path, text);
        }
        let module_scans: Vec<palisade_serverless::TemplateScan> = project
            .roots()
            .par_iter()
            .map(|root| project.scan_root(root, &self.serverless))
            .collect();
        let mut ignores: std::collections::HashMap<&str, InlineIgnores> = Default::default();
        for scan in module_scans {
            for finding in scan.findings {
                let Some((&path, &text)) = texts.get_key_value(finding.location.path.as_str())
                else {
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
    }

    /// The per-file phase: read once, hand the content to each analyzer.
    fn scan_file(
        &self,
        entry: &FileEntry,
        cluster: &kubernetes::ClusterContext,
        local_images: Option<&palisade_dockerfile::LocalImages>,
        renderings: &crate::kustomize::Renderings,
        pass: Pass,
    ) -> FileOutput {
        let mut out = self.scan_file_whole(entry, cluster, local_images, renderings, pass);
        if matches!(pass, Pass::Graph) {
            // What the graph needs is kept; every finding of the file is its own.
            out.findings.clear();
            out.suppressed.clear();
            out.terraform = None;
            out.packages.clear();
        }
        out
    }

    fn scan_file_whole(
        &self,
        entry: &FileEntry,
        cluster: &kubernetes::ClusterContext,
        local_images: Option<&palisade_dockerfile::LocalImages>,
        renderings: &crate::kustomize::Renderings,
        pass: Pass,
    ) -> FileOutput {
        let role = renderings.role(&entry.display);
        let mut scanners = self.settings.scanners;
        if role == Some(crate::kustomize::Role::Consumed) {
            // read by a kustomization: judged through its rendered output
            scanners.misconfig = false;
            scanners.vuln = false;
        }
        // rendered text repeats its sources, which the secret scanner reads at their own lines
        let secrets = self
            .secrets
            .as_ref()
            .filter(|_| role != Some(crate::kustomize::Role::Rendered))
            .filter(|_| !matches!(pass, Pass::Graph));
        let mut out = FileOutput::default();
        if scanners.vuln && palisade_vuln::lockfile::kind_of(&entry.display).is_some() {
            out.recognised = true;
            // One read serves both: the packages, and the secrets a manifest a person
            // writes can hold anywhere (`--index-url https://user:TOKEN@...` in
            // requirements, a go.mod replace, a pom.xml repository); generated lockfiles
            // are on the secret engine's allowlist.
            let lock_limit = palisade_vuln::lockfile::MAX_LOCKFILE_BYTES;
            let limit = secrets.map_or(lock_limit, |s| lock_limit.max(read_limit(Some(s))));
            let content = read_bounded(entry, limit).ok().flatten();
            crate::packages::parse_lockfile(
                entry,
                content.as_deref(),
                &mut out.packages,
                &mut out.findings,
                &mut out.errors,
            );
            if let (Some(s), Some(bytes)) = (secrets, &content) {
                if bytes.len() as u64 <= read_limit(Some(s)) {
                    let mut whole = FileOutput::default();
                    scan_secrets(s, entry, bytes, &mut whole);
                    // An unpinned requirement's secrets were reported at its line already:
                    // the whole-file finding (with its column) replaces that one.
                    let same = |a: &Finding, b: &Finding| {
                        a.rule_id == b.rule_id
                            && a.location.path == b.location.path
                            && a.location.line == b.location.line
                    };
                    out.findings.retain(|f| {
                        !whole
                            .findings
                            .iter()
                            .chain(&whole.suppressed)
                            .any(|w| same(w, f))
                    });
                    out.findings.append(&mut whole.findings);
                    out.suppressed.append(&mut whole.suppressed);
                    out.errors.append(&mut whole.errors);
                }
            }
            return out;
        }
        if scanners.vuln && crate::java::is_java_archive(entry) {
            out.recognised = true;
            crate::java::read_java_archive(
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
        let wants_misconfig = scanners.misconfig && parse_candidate;
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
                        .disk_path()
                        .and_then(|p| std::fs::metadata(p).ok())
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
        if palisade_dockerfile::is_dockerfile(Path::new(&entry.display), Some(text)) {
            out.recognised = true;
            let dockerfile = crate::dockerfile::scan(&entry.display, text, local_images);
            out.findings.extend(dockerfile.findings);
            out.suppressed.extend(dockerfile.suppressed);
            out.errors.extend(dockerfile.errors);
            out.warnings.extend(dockerfile.warnings);
            return out;
        }
        match palisade_serverless::detect(&entry.display, text) {
            Some(
                palisade_serverless::TemplateKind::TerraformHcl
                | palisade_serverless::TemplateKind::TerraformJson,
            ) => {
                out.recognised = true;
                out.terraform = Some((entry.display.clone(), text.to_string()));
                return out;
            }
            Some(_) => {
                let scan =
                    palisade_serverless::scan_template(&entry.display, text, &self.serverless);
                if !scan.inventories.is_empty() {
                    out.recognised = true;
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
                out.recognised = true;
                if !matches!(pass, Pass::Graph) {
                    let checked = kubernetes::check_file(&manifest, cluster);
                    out.findings.extend(checked.findings);
                    out.suppressed.extend(checked.suppressed);
                    out.errors.extend(checked.errors);
                }
                if !matches!(pass, Pass::Own { .. }) {
                    out.graph = Some(crate::cluster::FileFacts::of(&manifest));
                }
            }
            ManifestLoad::Error(e) => out.errors.push(e),
            ManifestLoad::Warning(w) => {
                out.recognised = true;
                out.warnings.push(w)
            }
            ManifestLoad::None => {}
        }
        out
    }

    /// The context pass: objects that other objects' rules depend on (ServiceAccounts,
    /// RuntimeClasses, exposing Services) are few and live in few files. Only files whose
    /// text may hold one are parsed here, so the per-file pass can check each file
    /// completely and drop its tree instead of keeping every tree until the end.
    fn cluster_context(
        &self,
        files: &[FileEntry],
        renderings: &crate::kustomize::Renderings,
    ) -> kubernetes::ClusterContext {
        let scanners = self.settings.scanners;
        let parts: Vec<kubernetes::ClusterContext> = files
            .par_iter()
            .filter(|entry| may_be_manifest(entry, scanners) && renderings.manifest_entry(entry))
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
        cx.pod_templates = self.pod_templates.clone();
        cx
    }

    /// Loads the Kubernetes manifests under `paths` the way a scan reads them (for the
    /// `rbac` and `netpol` questions). Dockerfiles and templates are not read.
    pub fn load_manifests(&self, paths: &[PathBuf]) -> ManifestSet {
        let mut files = Vec::new();
        let mut errors = Vec::new();
        for target in paths {
            source::collect(
                target,
                &self.skip,
                &self.settings.config,
                self.settings.follow_symlinks,
                &mut files,
                &mut errors,
            );
        }
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
                        let error =
                            ScanError::new(&entry.display, None, format!("cannot read: {e}"));
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
        ManifestSet {
            manifests,
            errors,
            files: files.len(),
        }
    }
}

/// Whether the per-file pass would try `entry` as a Kubernetes manifest.
fn may_be_manifest(entry: &FileEntry, scanners: crate::Scanners) -> bool {
    scanners.misconfig
        && !(scanners.vuln && palisade_vuln::lockfile::kind_of(&entry.display).is_some())
        && may_be_document(&entry.display)
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

/// Moves findings silenced by a `# palisade:ignore RULE reason` comment to `suppressed`.
pub(crate) fn split_inline(
    findings: Vec<Finding>,
    ignores: &InlineIgnores,
    kept: &mut Vec<Finding>,
    suppressed: &mut Vec<Finding>,
) {
    for mut finding in findings {
        match palisade_core::suppression(ignores, None, &finding) {
            Some(by) => {
                finding.suppressed = Some(Box::new(by));
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Manifests read for their packages are read for secrets too, each secret once.
    #[test]
    fn credentials_anywhere_in_a_dependency_manifest_are_found_once() {
        let requirements = "--index-url https://ci:Qm7vT2pLx9RwZ4kEj8Hs@pypi.example.com/simple\nflask==3.0.3\ngit+https://ci:Xk8vQ2mLz9RtW4pN@git.example.com/acme/lib.git#egg=lib\n";
        let gomod = "module example.com/a\n\ngo 1.21\n\nreplace example.com/lib => https://deploy:Xk8vQ2mLz9RtW4pN@git.example.com/org/lib v1.0.0\n";
        let report = Engine::new(Settings::default())
            .unwrap()
            .scan_documents(vec![
                FileEntry::memory("requirements.txt", requirements.as_bytes()),
                FileEntry::memory("go.mod", gomod.as_bytes()),
            ]);
        let mut found: Vec<(String, String, Option<u32>, Option<u32>)> = report
            .findings
            .iter()
            .map(|f| {
                (
                    f.location.path.clone(),
                    f.rule_id.to_string(),
                    f.location.line,
                    f.location.column,
                )
            })
            .collect();
        found.sort();
        let at = |path: &str, rule: &str, line: u32, column: Option<u32>| {
            (path.to_string(), rule.to_string(), Some(line), column)
        };
        assert_eq!(
            found,
            [
                at("go.mod", "SEC092", 5, Some(43)),
                at("requirements.txt", "DEP002", 3, None),
                at("requirements.txt", "SEC092", 1, Some(24)),
                at("requirements.txt", "SEC092", 3, Some(16)),
            ]
        );
    }

    #[test]
    fn a_file_that_vanished_after_the_walk_is_an_error_entry() {
        let dir = std::env::temp_dir().join(format!("palisade-vanish-{}", std::process::id()));
        let entry = FileEntry {
            source: crate::Source::Disk(dir.join("gone.yaml")),
            display: "gone.yaml".into(),
        };
        let engine = Engine::new(Settings {
            scanners: crate::Scanners {
                secret: false,
                ..Default::default()
            },
            ..Settings::default()
        })
        .unwrap();
        let out = engine.scan_file(
            &entry,
            &kubernetes::ClusterContext::default(),
            None,
            &crate::kustomize::Renderings::default(),
            Pass::Whole,
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
