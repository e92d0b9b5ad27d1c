//! The build of one kustomization directory, in kustomize's order: accumulate resources
//! (files, then bases recursively), components, generators, then the built-in transformers
//! (patches, namespace, name prefix/suffix, labels, annotations, JSON 6902 patches,
//! replicas, images); at the top level only, hash suffixes, name references and vars.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use palisade_yaml::NodeKind;

use crate::error::{ErrorKind, KustomizeError};
use crate::tree::{Node, Value};
use crate::{Limits, Resource};

/// Names kustomize looks for, in its order.
pub const KUSTOMIZATION_FILES: [&str; 3] =
    ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// The kustomization file of `dir`, if it has one.
pub fn kustomization_file(dir: &Path) -> Option<PathBuf> {
    KUSTOMIZATION_FILES
        .iter()
        .map(|n| dir.join(n))
        .find(|p| std::fs::symlink_metadata(p).is_ok())
}

/// Whether a resource entry names something to fetch over the network.
pub fn is_remote(entry: &str) -> bool {
    let lower = entry.to_ascii_lowercase();
    [
        "http://", "https://", "git@", "ssh://", "git::", "file://", "s3::", "gcs::",
    ]
    .iter()
    .any(|p| lower.starts_with(p))
        || lower.starts_with("github.com/")
        || lower.starts_with("gitlab.com/")
        || lower.starts_with("bitbucket.org/")
        || lower.contains("?ref=")
        || lower.contains("?version=")
}

pub(crate) struct Builder {
    pub limits: Limits,
    pub warnings: Vec<String>,
    /// Every file read (kustomizations, resources, patches, generator sources).
    pub files: BTreeSet<PathBuf>,
    /// Directories of the kustomizations being built, outermost first.
    stack: Vec<PathBuf>,
    bytes_read: u64,
    /// Counter naming each kustomization level that renames resources.
    levels: u32,
}

pub(crate) type Result<T> = std::result::Result<T, KustomizeError>;

/// The parsed kustomization file of a directory.
pub(crate) struct Kustomization {
    pub dir: PathBuf,
    pub file: Arc<Path>,
    pub root: Node,
}

impl Kustomization {
    pub fn err(&self, node: Option<&Node>, kind: ErrorKind) -> KustomizeError {
        KustomizeError::new(
            self.file.to_path_buf(),
            node.and_then(|n| n.src.as_ref()).map(|s| s.line),
            kind,
        )
    }

    fn field(&self, key: &str) -> Option<&Node> {
        self.root.get(key).filter(|n| !n.is_null())
    }

    /// A list of strings, or an error naming the field.
    pub fn strings(&self, key: &str) -> Result<Vec<(String, Option<u32>)>> {
        let Some(node) = self.field(key) else {
            return Ok(Vec::new());
        };
        let Value::Seq(items) = &node.value else {
            return Err(self.err(
                Some(node),
                ErrorKind::Invalid(format!("'{key}' must be a list of strings")),
            ));
        };
        items
            .iter()
            .map(|i| match i.as_str() {
                Some(s) if matches!(i.value, Value::Scalar(_)) => {
                    Ok((s.to_string(), i.src.as_ref().map(|s| s.line)))
                }
                _ => Err(self.err(
                    Some(i),
                    ErrorKind::Invalid(format!("'{key}' must be a list of strings")),
                )),
            })
            .collect()
    }

    pub fn string(&self, key: &str) -> Result<Option<String>> {
        match self.field(key) {
            None => Ok(None),
            Some(n) if matches!(n.value, Value::Scalar(_)) => Ok(n.as_str().map(String::from)),
            Some(n) => Err(self.err(
                Some(n),
                ErrorKind::Invalid(format!("'{key}' must be a string")),
            )),
        }
    }

    pub fn list(&self, key: &str) -> Result<&[Node]> {
        match self.field(key) {
            None => Ok(&[]),
            Some(n) => match &n.value {
                Value::Seq(items) => Ok(items),
                _ => Err(self.err(
                    Some(n),
                    ErrorKind::Invalid(format!("'{key}' must be a list")),
                )),
            },
        }
    }

    pub fn string_map(&self, key: &str) -> Result<Vec<(String, String)>> {
        match self.field(key) {
            None => Ok(Vec::new()),
            Some(n) => string_map(n).ok_or_else(|| {
                self.err(
                    Some(n),
                    ErrorKind::Invalid(format!("'{key}' must be a map of strings")),
                )
            }),
        }
    }

    pub fn node(&self, key: &str) -> Option<&Node> {
        self.field(key)
    }
}

/// A mapping of scalars as (key, text) pairs.
pub(crate) fn string_map(node: &Node) -> Option<Vec<(String, String)>> {
    match &node.value {
        Value::Map(entries) => entries
            .iter()
            .map(|e| match &e.node.value {
                Value::Scalar(s) => Some((
                    e.key.clone(),
                    if e.node.is_null() {
                        String::new()
                    } else {
                        s.text.clone()
                    },
                )),
                _ => None,
            })
            .collect(),
        Value::Scalar(_) if node.is_null() => Some(Vec::new()),
        _ => None,
    }
}

const KNOWN_FIELDS: &[&str] = &[
    "apiVersion",
    "kind",
    "metadata",
    "resources",
    "bases",
    "components",
    "namespace",
    "namePrefix",
    "nameSuffix",
    "commonLabels",
    "labels",
    "commonAnnotations",
    "images",
    "replicas",
    "patches",
    "patchesStrategicMerge",
    "patchesJson6902",
    "configMapGenerator",
    "secretGenerator",
    "generatorOptions",
    "vars",
    "replacements",
    "sortOptions",
];

/// Fields kustomize supports that this renderer does not: rendering without them would
/// give different objects, so they fail the render instead of being ignored.
const UNSUPPORTED_FIELDS: &[&str] = &[
    "configurations",
    "generators",
    "transformers",
    "validators",
    "helmCharts",
    "helmGlobals",
    "helmChartInflationGenerator",
    "imageTags",
    "crds",
    "openapi",
    "buildMetadata",
];

impl Builder {
    pub fn new(limits: Limits) -> Builder {
        Builder {
            limits,
            warnings: Vec::new(),
            files: BTreeSet::new(),
            stack: Vec::new(),
            bytes_read: 0,
            levels: 0,
        }
    }

    /// Reads a file named by `referrer` (which must stay inside `root` unless `any_root`).
    pub fn read(
        &mut self,
        path: &Path,
        root: &Path,
        k: &Kustomization,
        at: Option<u32>,
        entry: &str,
    ) -> Result<String> {
        let canonical = std::fs::canonicalize(path).map_err(|e| {
            KustomizeError::new(
                k.file.to_path_buf(),
                at,
                ErrorKind::Resource {
                    entry: entry.to_string(),
                    reason: palisade_core::text::io_message(&e),
                },
            )
        })?;
        let canonical_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        if !canonical.starts_with(&canonical_root) {
            return Err(KustomizeError::new(
                k.file.to_path_buf(),
                at,
                ErrorKind::OutsideRoot {
                    file: path.to_path_buf(),
                    root: root.to_path_buf(),
                },
            ));
        }
        let text = palisade_core::fsio::read_to_string_limited(path, self.limits.max_file_bytes)
            .map_err(|e| {
                KustomizeError::new(
                    k.file.to_path_buf(),
                    at,
                    ErrorKind::Resource {
                        entry: entry.to_string(),
                        reason: e.reason(),
                    },
                )
            })?;
        self.account(text.len() as u64, &k.file)?;
        self.files.insert(canonical);
        Ok(text)
    }

    fn account(&mut self, bytes: u64, file: &Path) -> Result<()> {
        self.bytes_read += bytes;
        if self.bytes_read > self.limits.max_total_bytes {
            return Err(KustomizeError::new(
                file.to_path_buf(),
                None,
                ErrorKind::Limit(format!(
                    "the kustomization reads more than {} bytes in all: refused",
                    self.limits.max_total_bytes
                )),
            ));
        }
        Ok(())
    }

    /// Loads the kustomization file of `dir`; `referrer` names who asked for it.
    pub fn load(
        &mut self,
        dir: &Path,
        referrer: Option<(&Path, Option<u32>)>,
    ) -> Result<Kustomization> {
        let Some(file) = kustomization_file(dir) else {
            let kind = ErrorKind::NotAKustomization(dir.to_path_buf());
            return Err(match referrer {
                Some((f, line)) => KustomizeError::new(f, line, kind),
                None => KustomizeError::new(dir, None, kind),
            });
        };
        let text = palisade_core::fsio::read_to_string_limited(&file, self.limits.max_file_bytes)
            .map_err(|e| KustomizeError::new(&file, None, ErrorKind::Read(e.reason())))?;
        self.account(text.len() as u64, &file)?;
        if let Ok(c) = std::fs::canonicalize(&file) {
            self.files.insert(c);
        }
        let docs = palisade_yaml::load(&text).map_err(|e| {
            KustomizeError::new(
                &file,
                Some(e.line),
                ErrorKind::Yaml(format!("column {}: {}", e.column, e.message)),
            )
        })?;
        let file: Arc<Path> = Arc::from(file.as_path());
        let root = match docs.first() {
            Some(d) => Node::from_yaml(&d.root, &file),
            None => Node::map(None),
        };
        let k = Kustomization {
            dir: dir.to_path_buf(),
            file,
            root,
        };
        if !matches!(k.root.value, Value::Map(_)) && !k.root.is_null() {
            return Err(k.err(
                Some(&k.root),
                ErrorKind::Invalid("the kustomization is not a mapping".into()),
            ));
        }
        for e in k.root.entries() {
            if UNSUPPORTED_FIELDS.contains(&e.key.as_str()) {
                return Err(KustomizeError::new(
                    k.file.to_path_buf(),
                    e.key_src.as_ref().map(|s| s.line),
                    ErrorKind::Invalid(format!(
                        "'{}' is not supported by Palisade's native renderer; render with kubectl kustomize and scan the output",
                        e.key
                    )),
                ));
            }
            if !KNOWN_FIELDS.contains(&e.key.as_str()) {
                return Err(KustomizeError::new(
                    k.file.to_path_buf(),
                    e.key_src.as_ref().map(|s| s.line),
                    ErrorKind::Invalid(format!("json: unknown field \"{}\"", e.key)),
                ));
            }
        }
        Ok(k)
    }

    /// Builds `dir`. A component starts from its parent's resources.
    pub fn build(
        &mut self,
        dir: &Path,
        referrer: Option<(&Path, Option<u32>)>,
        parent: Option<Vec<Resource>>,
    ) -> Result<Vec<Resource>> {
        let canonical = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        if let Some(i) = self.stack.iter().position(|d| *d == canonical) {
            let mut chain: Vec<String> = self.stack[i..]
                .iter()
                .map(|d| d.display().to_string())
                .collect();
            chain.push(canonical.display().to_string());
            let (file, line) =
                referrer.map_or((dir.to_path_buf(), None), |(f, l)| (f.to_path_buf(), l));
            return Err(KustomizeError::new(
                file,
                line,
                ErrorKind::Cycle(chain.join(" -> ")),
            ));
        }
        if self.stack.len() >= self.limits.max_depth {
            let (file, line) =
                referrer.map_or((dir.to_path_buf(), None), |(f, l)| (f.to_path_buf(), l));
            return Err(KustomizeError::new(
                file,
                line,
                ErrorKind::Limit(format!(
                    "kustomizations nested more than {} deep: refused",
                    self.limits.max_depth
                )),
            ));
        }
        let k = self.load(dir, referrer)?;
        let is_component = k.root.str_at(&["kind"]) == Some("Component");
        if parent.is_some() && !is_component {
            return Err(k.err(
                k.root.get("kind"),
                ErrorKind::Invalid(format!(
                    "expected kind 'Component' for path '{}' but got '{}'",
                    dir.display(),
                    k.root.str_at(&["kind"]).unwrap_or("Kustomization")
                )),
            ));
        }
        if parent.is_none() && is_component {
            return Err(k.err(
                k.root.get("kind"),
                ErrorKind::Invalid(format!(
                    "expected kind != 'Component' for path '{}'",
                    dir.display()
                )),
            ));
        }
        self.stack.push(canonical);
        let result = self.build_loaded(&k, parent);
        self.stack.pop();
        result
    }

    fn build_loaded(
        &mut self,
        k: &Kustomization,
        parent: Option<Vec<Resource>>,
    ) -> Result<Vec<Resource>> {
        let mut acc = parent.unwrap_or_default();
        let mut entries = k.strings("resources")?;
        entries.extend(k.strings("bases")?);
        for (entry, line) in entries {
            let path = k.dir.join(&entry);
            let meta = std::fs::metadata(&path);
            if meta.is_err() && is_remote(&entry) {
                self.warnings.push(format!(
                    "{}: remote resource '{}' was not fetched (Palisade does not download); its objects are not rendered or scanned",
                    k.file.display(),
                    entry
                ));
                continue;
            }
            match meta {
                Ok(m) if m.is_dir() => {
                    let built = self.build(&path, Some((&k.file, line)), None)?;
                    self.append(&mut acc, built, k, line)?;
                }
                Ok(_) => {
                    let text = self.read(&path, &k.dir, k, line, &entry)?;
                    let objects = crate::parse_resources(&path, &text)?;
                    self.append(&mut acc, objects, k, line)?;
                }
                Err(e) => {
                    return Err(KustomizeError::new(
                        k.file.to_path_buf(),
                        line,
                        ErrorKind::Resource {
                            entry: entry.clone(),
                            reason: palisade_core::text::io_message(&e),
                        },
                    ))
                }
            }
            if acc.len() > self.limits.max_resources {
                return Err(k.err(
                    None,
                    ErrorKind::Limit(format!(
                        "more than {} resources: refused",
                        self.limits.max_resources
                    )),
                ));
            }
        }
        for (entry, line) in k.strings("components")? {
            let path = k.dir.join(&entry);
            if !path.is_dir() && is_remote(&entry) {
                self.warnings.push(format!(
                    "{}: remote component '{}' was not fetched (Palisade does not download); it is not applied",
                    k.file.display(),
                    entry
                ));
                continue;
            }
            if !path.is_dir() {
                return Err(KustomizeError::new(
                    k.file.to_path_buf(),
                    line,
                    ErrorKind::Resource {
                        entry,
                        reason: "not a directory holding a Component".into(),
                    },
                ));
            }
            acc = self.build(&path, Some((&k.file, line)), Some(acc))?;
        }
        crate::generate::run(self, k, &mut acc)?;
        self.levels += 1;
        let level = self.levels;
        crate::transform::run(self, k, &mut acc, level)?;
        Ok(acc)
    }

    /// Adds resources, refusing two with the same identity as kustomize does.
    fn append(
        &self,
        acc: &mut Vec<Resource>,
        more: Vec<Resource>,
        k: &Kustomization,
        line: Option<u32>,
    ) -> Result<()> {
        for r in more {
            if let Some(existing) = acc.iter().find(|a| a.same_id(&r)) {
                return Err(KustomizeError::new(
                    k.file.to_path_buf(),
                    line,
                    ErrorKind::Conflict(format!(
                        "may not add resource with an already registered id: {} (first from {}:{}, again from {}:{})",
                        r.id_string(),
                        existing.origin.file.display(),
                        existing.origin.line,
                        r.origin.file.display(),
                        r.origin.line
                    )),
                ));
            }
            acc.push(r);
        }
        Ok(())
    }
}

/// The document roots of a YAML stream, with `List` kinds flattened.
pub(crate) fn documents(path: &Path, text: &str) -> Result<Vec<Node>> {
    let docs = palisade_yaml::load(text).map_err(|e| {
        KustomizeError::new(
            path,
            Some(e.line),
            ErrorKind::Yaml(format!("column {}: {}", e.column, e.message)),
        )
    })?;
    let file: Arc<Path> = Arc::from(path);
    let mut out = Vec::new();
    for d in docs {
        if matches!(&d.root.kind, NodeKind::Scalar(_)) && d.root.is_null() {
            continue;
        }
        out.push(Node::from_yaml(&d.root, &file));
    }
    Ok(out)
}
