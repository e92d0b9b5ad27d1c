//! Kustomizations in a scanned tree: found among the collected files, rendered natively
//! (`palisade-kustomize`), and scanned as their rendered output instead of the raw files
//! they consume. Only top-level kustomizations (those no other kustomization of the scan
//! refers to) are rendered, so a base shared by overlays is judged through each overlay
//! and never also on its own. Files a rendering read are still scanned for secrets (at
//! their own lines), but not as Kubernetes manifests. Findings in rendered output are
//! moved to the source file and line that wrote the field, the rendered place kept in
//! [`Location::rendered`](palisade_core::Location).
//!
//! Helm charts (`Chart.yaml`; a chart inside another chart's folder is its subchart) are
//! rendered the same way (`palisade-helm`, as `helm template` with the scan's `--helm-*`
//! options): the chart's files are scanned for secrets only, its rendered output as
//! manifests, and a finding there is moved to the template that wrote the document (the
//! `# Source:` of `helm template`) and to the line of that template that writes the field
//! (or its nearest key the template spells out: [`crate::helm_lines`]).

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

use palisade_core::{Finding, Location, ScanError, ScanReport};

use crate::source::FileEntry;

/// How the per-file pass treats an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// Read by a rendered kustomization: scanned for secrets only.
    Consumed,
    /// The rendered output of a kustomization: scanned as manifests only.
    Rendered,
}

/// The renderings of one scan and what they mean for its files.
#[derive(Default)]
pub(crate) struct Renderings {
    pub roles: HashMap<String, Role>,
    /// Rendered entry display name → (line map, kustomization display, scan root).
    maps: HashMap<String, RenderedMap>,
}

struct RenderedMap {
    lines: LineMap,
    /// The kustomization or chart directory, relative to the scan root.
    kustomization: String,
    root: PathBuf,
}

/// Where a rendered line came from.
enum LineMap {
    /// Kustomize: the file and line of every field.
    Kustomize(palisade_kustomize::RenderedYaml),
    /// Helm: the rendered documents and the templates that wrote them.
    Helm(HelmMap),
}

/// Where the documents of a chart's rendered output came from.
struct HelmMap {
    /// (line of a document's `# Source:` comment, its template relative to the scan root,
    /// the template as `helm template` names it).
    sources: Vec<(u32, String, String)>,
    /// The rendered output.
    text: String,
    /// Templates by their `# Source:` name, for a chart read from an archive; a chart
    /// folder's templates are read from disk when a finding needs them.
    templates: Option<HashMap<String, Vec<u8>>>,
}

/// What relocating the findings of one scan reads from Helm renderings, each once: the
/// rendered documents parsed, and the templates' texts.
#[derive(Default)]
pub(crate) struct HelmCache {
    /// (chart, document index) → its parsed tree.
    documents: HashMap<(String, usize), Option<Vec<palisade_yaml::Document>>>,
    /// (chart, template) → its text.
    templates: HashMap<(String, String), Option<String>>,
}

impl HelmMap {
    /// The template line that wrote the field at rendered `line`/`column`, from the field's
    /// path in its rendered document ([`crate::helm_lines`]).
    fn template_line(
        &self,
        chart: &str,
        root: &Path,
        line: u32,
        column: u32,
        cache: &mut HelmCache,
    ) -> Option<u32> {
        let index = self
            .sources
            .iter()
            .rposition(|(start, _, _)| *start <= line)?;
        let (start, template, source) = &self.sources[index];
        let tree = cache
            .documents
            .entry((chart.to_string(), index))
            .or_insert_with(|| {
                let end = self
                    .sources
                    .get(index + 1)
                    .map_or(u32::MAX, |(next, _, _)| next.saturating_sub(1));
                let document: String = self
                    .text
                    .lines()
                    .skip(*start as usize - 1)
                    .take((end - start) as usize)
                    .collect::<Vec<_>>()
                    .join("\n");
                palisade_yaml::load(&document).ok()
            })
            .as_ref()?;
        let mut field = String::new();
        let found =
            crate::objects::field_at(&tree.first()?.root, line - start + 1, column, &mut field);
        if !found || field.is_empty() {
            return None;
        }
        let text = cache
            .templates
            .entry((chart.to_string(), source.clone()))
            .or_insert_with(|| match &self.templates {
                Some(templates) => templates
                    .get(source)
                    .map(|bytes| String::from_utf8_lossy(bytes).into_owned()),
                None => palisade_core::fsio::read_to_string_limited(
                    &root.join(template),
                    crate::scan::MAX_DOCUMENT_BYTES,
                )
                .ok(),
            })
            .as_ref()?;
        crate::helm_lines::template_line(text, &field)
    }
}

impl Renderings {
    pub fn role(&self, display: &str) -> Option<Role> {
        self.roles.get(display).copied()
    }
}

fn is_kustomization_name(display: &str) -> bool {
    let name = display.rsplit('/').next().unwrap_or(display);
    palisade_kustomize::KUSTOMIZATION_FILES.contains(&name)
}

/// `path` relative to `base` (both absolute), with `..` where it leaves `base`.
pub(crate) fn relative_to(base: &Path, path: &Path) -> String {
    let b: Vec<Component> = base.components().collect();
    let p: Vec<Component> = path.components().collect();
    let common = b.iter().zip(&p).take_while(|(x, y)| x == y).count();
    if common == 0 {
        return path.display().to_string();
    }
    let mut parts: Vec<String> = std::iter::repeat_n("..".to_string(), b.len() - common).collect();
    parts.extend(
        p[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    if parts.is_empty() {
        ".".into()
    } else {
        parts.join("/")
    }
}

/// Finds the kustomizations among `files` (collected under `targets`), renders the
/// top-level ones, and adds their output as entries. Errors and warnings go to `report`.
pub(crate) fn prepare(
    targets: &[PathBuf],
    files: &mut Vec<FileEntry>,
    report: &mut ScanReport,
    helm: &crate::HelmSettings,
) -> Renderings {
    let mut out = Renderings::default();
    prepare_charts(targets, files, report, helm, &mut out);
    // (kustomization dir canonical, scan root canonical, display of the kustomization file)
    let mut found: Vec<(PathBuf, PathBuf, String)> = Vec::new();
    for target in targets {
        let Ok(root) = std::fs::canonicalize(target) else {
            continue;
        };
        if !root.is_dir() {
            continue;
        }
        for entry in files.iter() {
            let Some(path) = entry.disk_path() else {
                continue;
            };
            if !is_kustomization_name(&entry.display) || !path.starts_with(target) {
                continue;
            }
            let Some(dir) = path.parent().and_then(|d| std::fs::canonicalize(d).ok()) else {
                continue;
            };
            if palisade_kustomize::kustomization_file(&dir)
                .is_some_and(|f| f.file_name() == path.file_name())
                && !found.iter().any(|(d, _, _)| *d == dir)
            {
                found.push((dir, root.clone(), entry.display.clone()));
            }
        }
    }
    if found.is_empty() {
        return out;
    }
    let mut referenced: HashSet<PathBuf> = HashSet::new();
    for (dir, _, _) in &found {
        for r in palisade_kustomize::referenced_dirs(dir) {
            if let Ok(c) = std::fs::canonicalize(&r) {
                if c != *dir {
                    referenced.insert(c);
                }
            }
        }
    }
    let mut consumed: BTreeSet<PathBuf> = BTreeSet::new();
    let mut rendered_entries = Vec::new();
    for (dir, root, display) in &found {
        if referenced.contains(dir) {
            continue;
        }
        let dir_display = relative_to(root, dir);
        match palisade_kustomize::render(dir) {
            Ok(rendering) => {
                for w in &rendering.warnings {
                    report
                        .warnings
                        .push(palisade_secrets::redact(&make_relative(w, root)).into_owned());
                }
                consumed.extend(rendering.files.iter().cloned());
                let yaml = rendering.yaml();
                let name = format!("{display} (rendered).yaml");
                rendered_entries.push(FileEntry::memory(name.clone(), yaml.text.as_bytes()));
                out.roles.insert(name.clone(), Role::Rendered);
                out.maps.insert(
                    name,
                    RenderedMap {
                        lines: LineMap::Kustomize(yaml),
                        kustomization: if dir_display == "." {
                            ".".into()
                        } else {
                            dir_display
                        },
                        root: root.clone(),
                    },
                );
            }
            Err(e) => {
                let file = std::fs::canonicalize(&e.file).unwrap_or_else(|_| e.file.clone());
                let file = relative_to(root, &file);
                report.errors.push(ScanError::new(
                    file,
                    e.line,
                    format!("kustomization {dir_display} cannot be rendered, its objects are not scanned: {}", make_relative(&e.kind.to_string(), root)),
                ));
            }
        }
    }
    for entry in files.iter() {
        let Some(path) = entry.disk_path() else {
            continue;
        };
        if let Ok(c) = std::fs::canonicalize(path) {
            if consumed.contains(&c) {
                out.roles.insert(entry.display.clone(), Role::Consumed);
            }
        }
    }
    files.extend(rendered_entries);
    out
}

/// Finds the charts among `files` (collected under `targets`), renders the top-level ones
/// (a chart under another one is its subchart) and adds their output as entries; the
/// chart's own files are then read for secrets only. Errors go to `report`.
fn prepare_charts(
    targets: &[PathBuf],
    files: &mut Vec<FileEntry>,
    report: &mut ScanReport,
    helm: &crate::HelmSettings,
    out: &mut Renderings,
) {
    // (chart dir canonical, scan root canonical)
    let mut found: Vec<(PathBuf, PathBuf)> = Vec::new();
    for target in targets {
        let Ok(root) = std::fs::canonicalize(target) else {
            continue;
        };
        if !root.is_dir() {
            continue;
        }
        for entry in files.iter() {
            let Some(path) = entry.disk_path() else {
                continue;
            };
            if entry.display.rsplit('/').next() != Some("Chart.yaml") || !path.starts_with(target) {
                continue;
            }
            let Some(dir) = path.parent().and_then(|d| std::fs::canonicalize(d).ok()) else {
                continue;
            };
            if !found.iter().any(|(d, _)| *d == dir) {
                found.push((dir, root.clone()));
            }
        }
    }
    let tops: Vec<(PathBuf, PathBuf)> = found
        .iter()
        .filter(|(dir, _)| {
            !found
                .iter()
                .any(|(other, _)| other != dir && dir.starts_with(other))
        })
        .cloned()
        .collect();
    let options = palisade_helm::RenderOptions {
        release_name: helm.release.clone(),
        namespace: helm.namespace.clone(),
        value_files: helm.values.clone(),
        set: helm.set.clone(),
        kube_version: helm.kube_version.clone(),
        skip_schema_validation: helm.skip_schema_validation,
        skip_missing_remote_dependencies: true,
        ..Default::default()
    };
    let mut rendered_entries = Vec::new();
    for (dir, root) in &tops {
        let dir_display = relative_to(root, dir);
        let result = palisade_helm::render(dir, &options);
        add_chart(
            &dir_display,
            root,
            None,
            result,
            report,
            out,
            &mut rendered_entries,
        );
        // the chart's files (templates, values, subcharts) are read for secrets only,
        // also when it could not be rendered: a template is not a manifest
        for entry in files.iter() {
            if let Some(path) = entry.disk_path() {
                if std::fs::canonicalize(path).is_ok_and(|c| c.starts_with(dir)) {
                    out.roles.insert(entry.display.clone(), Role::Consumed);
                }
            }
        }
    }
    // chart archives (`.tgz`) outside the charts above; an archive without Chart.yaml is
    // not a chart and is left to the other scanners
    for entry in files.iter() {
        let Some(path) = entry.disk_path() else {
            continue;
        };
        if !(entry.display.ends_with(".tgz") || entry.display.ends_with(".tar.gz")) {
            continue;
        }
        let Ok(canonical) = std::fs::canonicalize(path) else {
            continue;
        };
        if tops.iter().any(|(dir, _)| canonical.starts_with(dir)) {
            continue;
        }
        let Some((_, root)) = targets
            .iter()
            .filter_map(|t| std::fs::canonicalize(t).ok().map(|c| (t, c)))
            .find(|(_, c)| canonical.starts_with(c))
        else {
            continue;
        };
        let root = if root.is_dir() {
            root
        } else {
            root.parent().map(Path::to_path_buf).unwrap_or(root)
        };
        let chart = match palisade_helm::chart::load(path, &options.limits) {
            Ok(chart) => chart,
            Err(e) if e.contains("Chart.yaml file is missing") => continue,
            // any other archive that cannot be read is only a chart's problem when it is
            // named like one (`NAME-1.2.3.tgz`, as `helm package` writes it)
            Err(_) if !looks_like_chart_archive(&entry.display) => continue,
            Err(e) => {
                report.errors.push(ScanError::new(
                    entry.display.clone(),
                    None,
                    format!(
                        "chart archive {} cannot be read, its objects are not scanned: {}",
                        entry.display,
                        make_relative(&e, &root)
                    ),
                ));
                out.roles.insert(entry.display.clone(), Role::Consumed);
                continue;
            }
        };
        let result = palisade_helm::render_chart(&chart, &entry.display, &options);
        add_chart(
            &entry.display,
            &root,
            Some(&chart),
            result,
            report,
            out,
            &mut rendered_entries,
        );
        out.roles.insert(entry.display.clone(), Role::Consumed);
    }
    files.extend(rendered_entries);
}

fn looks_like_chart_archive(display: &str) -> bool {
    let name = display.rsplit('/').next().unwrap_or(display);
    let stem = name
        .strip_suffix(".tgz")
        .or_else(|| name.strip_suffix(".tar.gz"))
        .unwrap_or(name);
    // a `-`-separated part after the name is a numeric `x.y.z` (`web-1.2.3-rc.1`)
    stem.split('-').skip(1).any(|part| {
        part.split('.').count() == 3 && part.split('.').all(|p| p.parse::<u64>().is_ok())
    })
}

/// Adds one chart's rendering (or its error) to the scan.
fn add_chart(
    label: &str,
    root: &Path,
    archive: Option<&palisade_helm::Chart>,
    result: Result<palisade_helm::Rendering, palisade_helm::HelmError>,
    report: &mut ScanReport,
    out: &mut Renderings,
    rendered_entries: &mut Vec<FileEntry>,
) {
    match result {
        Ok(rendering) => {
            for w in &rendering.warnings {
                report
                    .warnings
                    .push(palisade_secrets::redact(&make_relative(w, root)).into_owned());
            }
            let text = rendering.text();
            let mut sources = Vec::new();
            for (i, line) in text.lines().enumerate() {
                if let Some(source) = line.strip_prefix("# Source: ") {
                    sources.push((
                        i as u32 + 1,
                        inside_chart(label, source),
                        source.to_string(),
                    ));
                }
            }
            let name = format!("{label}/Chart.yaml (rendered).yaml");
            rendered_entries.push(FileEntry::memory(name.clone(), text.as_bytes()));
            out.roles.insert(name.clone(), Role::Rendered);
            out.maps.insert(
                name,
                RenderedMap {
                    lines: LineMap::Helm(HelmMap {
                        sources,
                        text,
                        templates: archive.map(|chart| {
                            let mut templates = HashMap::new();
                            chart_files(chart, chart.name(), &mut templates);
                            templates
                        }),
                    }),
                    kustomization: label.to_string(),
                    root: root.to_path_buf(),
                },
            );
        }
        Err(e) => {
            let file = match &e.template {
                Some(t) => inside_chart(label, t),
                None if label.ends_with(".tgz") || label.ends_with(".tar.gz") => label.to_string(),
                None => inside_chart(label, "chart/Chart.yaml"),
            };
            // a chart scanned as the folder given is named by its folder, not `.`
            let chart = match label {
                "." => root
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| label.to_string()),
                _ => label.to_string(),
            };
            report.errors.push(ScanError::new(
                file,
                e.line,
                format!(
                    "chart {chart} cannot be rendered, its objects are not scanned: {}",
                    make_relative(&e.message, root)
                ),
            ));
        }
    }
}

/// The files of a chart and its subcharts by the names `helm template` gives them in
/// `# Source:` (`web/templates/x.yaml`, `web/charts/db/templates/y.yaml`).
fn chart_files(chart: &palisade_helm::Chart, prefix: &str, out: &mut HashMap<String, Vec<u8>>) {
    for (path, bytes) in &chart.files {
        if path.contains("templates/") {
            out.insert(format!("{prefix}/{path}"), bytes.clone());
        }
    }
    for dependency in &chart.dependencies {
        chart_files(
            dependency,
            &format!("{prefix}/charts/{}", dependency.name()),
            out,
        );
    }
}

/// A `helm template` source (`chart/templates/x.yaml`, whose first segment is the chart's
/// name) as a path below the scan root, through the chart's folder or archive `label`.
fn inside_chart(label: &str, source: &str) -> String {
    let inside = source.split_once('/').map(|(_, r)| r).unwrap_or(source);
    if label == "." {
        inside.to_string()
    } else {
        format!("{label}/{inside}")
    }
}

/// Absolute paths under `root` in a message, shown relative to it.
fn make_relative(message: &str, root: &Path) -> String {
    let prefix = format!("{}/", root.display());
    message.replace(&prefix, "")
}

impl Renderings {
    /// Moves findings in rendered output to the source file and line of the field.
    pub fn relocate(&self, findings: &mut [Finding]) {
        if self.maps.is_empty() {
            return;
        }
        let mut cache = HelmCache::default();
        for f in findings {
            self.relocate_one(&mut f.location, &mut cache);
            for e in &mut f.evidence {
                if let Some(l) = &mut e.location {
                    self.relocate_one(l, &mut cache);
                }
            }
        }
    }

    fn relocate_one(&self, location: &mut Location, cache: &mut HelmCache) {
        let Some(map) = self.maps.get(&location.path) else {
            return;
        };
        let rendered = Location {
            path: map.kustomization.clone(),
            line: location.line,
            column: location.column,
            ..Location::default()
        };
        let yaml = match &map.lines {
            LineMap::Kustomize(yaml) => yaml,
            LineMap::Helm(helm) => {
                let template = location.line.and_then(|l| {
                    helm.sources
                        .iter()
                        .take_while(|(start, _, _)| *start <= l)
                        .last()
                        .map(|(_, t, _)| t.clone())
                });
                let line = location.line.and_then(|l| {
                    let column = location.column.unwrap_or(0);
                    helm.template_line(&map.kustomization, &map.root, l, column, cache)
                });
                location.path = template.unwrap_or_else(|| map.kustomization.clone());
                location.line = line;
                location.column = None;
                location.rendered = Some(Box::new(rendered));
                return;
            }
        };
        let src = location.line.and_then(|l| yaml.source_of(l));
        match src {
            Some(src) => {
                let file =
                    std::fs::canonicalize(&src.file).unwrap_or_else(|_| src.file.to_path_buf());
                location.path = relative_to(&map.root, &file);
                location.line = Some(src.line);
                location.column = None;
            }
            None => {
                location.path = map.kustomization.clone();
            }
        }
        location.rendered = Some(Box::new(rendered));
    }

    /// Applies `# palisade:ignore` comments of the source files to the findings moved
    /// there (the rendered text has no comments).
    pub fn apply_inline_ignores(&self, report: &mut ScanReport) {
        if self.maps.is_empty() {
            return;
        }
        let roots: HashMap<&str, &Path> = self
            .maps
            .values()
            .map(|m| (m.kustomization.as_str(), m.root.as_path()))
            .collect();
        let mut ignores: HashMap<PathBuf, palisade_core::InlineIgnores> = HashMap::new();
        let findings = std::mem::take(&mut report.findings);
        for finding in findings {
            let root = finding
                .location
                .rendered
                .as_ref()
                .and_then(|r| roots.get(r.path.as_str()));
            let Some(root) = root else {
                report.findings.push(finding);
                continue;
            };
            let file = root.join(&finding.location.path);
            let file_ignores = ignores.entry(file.clone()).or_insert_with(|| {
                palisade_core::fsio::read_to_string_limited(&file, crate::scan::MAX_DOCUMENT_BYTES)
                    .map(|t| palisade_core::InlineIgnores::parse(&t))
                    .unwrap_or_default()
            });
            crate::scan::split_inline(
                vec![finding],
                file_ignores,
                &mut report.findings,
                &mut report.suppressed,
            );
        }
    }

    /// Whether an entry is read as manifests by analyses over the whole set.
    pub fn manifest_entry(&self, entry: &FileEntry) -> bool {
        self.role(&entry.display) != Some(Role::Consumed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_archives_are_named_with_a_version() {
        assert!(looks_like_chart_archive("charts/web-1.2.3.tgz"));
        assert!(looks_like_chart_archive(
            "pre-release-chart-0.1.0-alpha.tgz"
        ));
        assert!(!looks_like_chart_archive("backup.tar.gz"));
        assert!(!looks_like_chart_archive("node_modules/x/pkg.tgz"));
    }

    #[test]
    fn relative_paths_climb_out_of_the_root() {
        assert_eq!(
            relative_to(Path::new("/a/b"), Path::new("/a/b/c/d.yaml")),
            "c/d.yaml"
        );
        assert_eq!(
            relative_to(Path::new("/a/b/o"), Path::new("/a/b/base/d.yaml")),
            "../base/d.yaml"
        );
        assert_eq!(relative_to(Path::new("/a/b"), Path::new("/a/b")), ".");
    }
}
