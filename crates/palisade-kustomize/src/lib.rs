//! Native Kustomize rendering for Palisade: a kustomization directory becomes the objects
//! `kubectl kustomize` would print, with no external binary and no network.
//!
//! Every rendered field remembers where it was written — the base resource file and line,
//! or the patch that set it — so a scan of the rendered output can report findings at a
//! place the user can open ([`Rendering::yaml`] gives the rendered text with a line map).
//! Rendering fails closed: a missing file, a bad patch, a cycle between kustomizations or
//! a field this renderer does not implement is a [`KustomizeError`] naming the file and
//! line, never a partial output. Remote resources are not fetched: they are reported in
//! [`Rendering::warnings`].
//!
//! It is not a scanner (the engine scans the rendered text) and it does not render Helm
//! charts.
//!
//! ```no_run
//! let rendering = palisade_kustomize::render(std::path::Path::new("overlays/prod"))?;
//! let yaml = rendering.yaml();
//! print!("{}", yaml.text);
//! # Ok::<(), palisade_kustomize::KustomizeError>(())
//! ```

mod build;
mod error;
mod finish;
mod generate;
mod patch;
mod replace;
mod transform;
pub mod tree;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

pub use build::{is_remote, kustomization_file, KUSTOMIZATION_FILES};
pub use error::{ErrorKind, KustomizeError};
use tree::{Node, Src};

/// Bounds on what one rendering may read and produce.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest single file read.
    pub max_file_bytes: u64,
    /// Most bytes read over all files of a rendering.
    pub max_total_bytes: u64,
    /// Deepest nesting of kustomizations (overlay → base → base ...).
    pub max_depth: usize,
    /// Most resources in one kustomization.
    pub max_resources: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 32 * 1024 * 1024,
            max_total_bytes: 256 * 1024 * 1024,
            max_depth: 64,
            max_resources: 100_000,
        }
    }
}

/// One rendered object and where it came from.
#[derive(Debug, Clone)]
pub struct Resource {
    pub node: Node,
    /// The document it was read from (or the generator entry that made it).
    pub origin: Src,
    /// Names it had before the current one, oldest first.
    pub(crate) previous_names: Vec<String>,
    /// Original namespace (before a `namespace:` transformation).
    pub(crate) original_namespace: Option<String>,
    /// The kustomization levels whose prefix or suffix renamed it.
    pub(crate) renamed_by: Vec<u32>,
    /// A generated object whose name gets a content hash at the end.
    pub(crate) needs_hash: bool,
    /// A generated object (merge/replace behaviours apply to it).
    pub(crate) generated: bool,
}

impl Resource {
    pub(crate) fn new(node: Node, origin: Src) -> Resource {
        let original_namespace = node.str_at(&["metadata", "namespace"]).map(String::from);
        Resource {
            node,
            origin,
            previous_names: Vec::new(),
            original_namespace,
            renamed_by: Vec::new(),
            needs_hash: false,
            generated: false,
        }
    }

    pub fn kind(&self) -> &str {
        self.node.str_at(&["kind"]).unwrap_or("")
    }

    pub fn api_version(&self) -> &str {
        self.node.str_at(&["apiVersion"]).unwrap_or("")
    }

    /// (group, version) of `apiVersion`.
    pub fn group_version(&self) -> (&str, &str) {
        match self.api_version().split_once('/') {
            Some((g, v)) => (g, v),
            None => ("", self.api_version()),
        }
    }

    pub fn name(&self) -> &str {
        self.node.str_at(&["metadata", "name"]).unwrap_or("")
    }

    pub fn namespace(&self) -> &str {
        self.node.str_at(&["metadata", "namespace"]).unwrap_or("")
    }

    /// Whether `name` is this object's name now or was one before.
    pub(crate) fn had_name(&self, name: &str) -> bool {
        self.name() == name || self.previous_names.iter().any(|n| n == name)
    }

    pub(crate) fn set_name(&mut self, name: String) {
        let old = self.name().to_string();
        if old == name {
            return;
        }
        self.previous_names.push(old);
        let src = self
            .node
            .path(&["metadata", "name"])
            .and_then(|n| n.src.clone());
        let metadata = self.node.ensure_map("metadata", &src);
        metadata.set("name", Node::string(name, src.clone()), src);
    }

    pub(crate) fn same_id(&self, other: &Resource) -> bool {
        self.group_version().0 == other.group_version().0
            && self.kind() == other.kind()
            && self.name() == other.name()
            && self.namespace() == other.namespace()
    }

    pub(crate) fn id_string(&self) -> String {
        let (g, v) = self.group_version();
        format!(
            "{}_{}_{}|{}|{}",
            if g.is_empty() { "~G" } else { g },
            if v.is_empty() { "~V" } else { v },
            self.kind(),
            if self.namespace().is_empty() {
                "~X"
            } else {
                self.namespace()
            },
            self.name()
        )
    }
}

/// What rendering a kustomization gave.
#[derive(Debug, Clone)]
pub struct Rendering {
    /// The objects in `kubectl kustomize`'s (legacy) order.
    pub resources: Vec<Resource>,
    /// What was not rendered (remote resources not fetched...).
    pub warnings: Vec<String>,
    /// Every file the rendering read, canonical paths: kustomization files, resources,
    /// patches and generator sources. A scan does not read these raw a second time.
    pub files: BTreeSet<PathBuf>,
}

/// Rendered YAML text and, for each of its lines, where that line's content was written.
#[derive(Debug, Default)]
pub struct RenderedYaml {
    pub text: String,
    /// `lines[i]` is the source of line `i + 1`.
    pub lines: Vec<Option<Src>>,
}

impl RenderedYaml {
    /// Where rendered line `line` (1-based) came from.
    pub fn source_of(&self, line: u32) -> Option<&Src> {
        self.lines.get((line as usize).checked_sub(1)?)?.as_ref()
    }
}

impl Rendering {
    /// The multi-document YAML `kubectl kustomize` prints (keys sorted, `---` between
    /// documents), with a line map back to the sources.
    pub fn yaml(&self) -> RenderedYaml {
        let mut e = tree::Emitter::default();
        for (i, r) in self.resources.iter().enumerate() {
            if i > 0 {
                e.separator();
            }
            e.document(&r.node);
        }
        RenderedYaml {
            text: e.text,
            lines: e.lines,
        }
    }

    /// The objects as JSON values.
    pub fn json(&self) -> Vec<serde_json::Value> {
        self.resources.iter().map(|r| r.node.to_json()).collect()
    }
}

/// Renders the kustomization in `dir` with the default [`Limits`].
pub fn render(dir: &Path) -> Result<Rendering, KustomizeError> {
    render_with(dir, Limits::default())
}

/// Renders the kustomization in `dir`.
pub fn render_with(dir: &Path, limits: Limits) -> Result<Rendering, KustomizeError> {
    let mut builder = build::Builder::new(limits);
    let mut resources = builder.build(dir, None, None)?;
    finish::run(&mut builder, dir, &mut resources)?;
    // `sortOptions: {order: fifo}` of the top kustomization keeps the order of accumulation
    let top = builder.load(dir, None)?;
    let options = top.node("sortOptions");
    if let Some(custom) = options.and_then(|o| o.get("legacySortOptions")) {
        return Err(top.err(
            Some(custom),
            ErrorKind::Invalid("'sortOptions.legacySortOptions' is not supported by Palisade's native renderer; render with kubectl kustomize and scan the output".into()),
        ));
    }
    let fifo = options.and_then(|o| o.str_at(&["order"])) == Some("fifo");
    if !fifo {
        finish::sort(&mut resources);
    }
    Ok(Rendering {
        resources,
        warnings: builder.warnings,
        files: builder.files,
    })
}

/// The directories a kustomization refers to (resources, bases, components that are local
/// directories), for finding which kustomizations another one consumes. Errors are not
/// reported here: rendering reports them.
pub fn referenced_dirs(dir: &Path) -> Vec<PathBuf> {
    let mut builder = build::Builder::new(Limits::default());
    let Ok(k) = builder.load(dir, None) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for key in ["resources", "bases", "components"] {
        for (entry, _) in k.strings(key).unwrap_or_default() {
            let p = dir.join(&entry);
            if p.is_dir() {
                out.push(p);
            }
        }
    }
    out
}

/// Resources of one YAML stream read from `path`.
pub(crate) fn parse_resources(path: &Path, text: &str) -> Result<Vec<Resource>, KustomizeError> {
    let mut out = Vec::new();
    let mut stack: Vec<Node> = build::documents(path, text)?.into_iter().rev().collect();
    while let Some(node) = stack.pop() {
        let line = node.src.as_ref().map(|s| s.line);
        if !matches!(node.value, tree::Value::Map(_)) {
            return Err(KustomizeError::new(
                path,
                line,
                ErrorKind::Invalid("a resource document is not a mapping".into()),
            ));
        }
        let kind = node.str_at(&["kind"]).unwrap_or("");
        if kind.ends_with("List") {
            if let Some(items) = node.get("items") {
                for item in items.items().iter().rev() {
                    stack.push(item.clone());
                }
                continue;
            }
        }
        if kind.is_empty() {
            return Err(KustomizeError::new(
                path,
                line,
                ErrorKind::Invalid("missing Resource metadata: kind is empty".into()),
            ));
        }
        if node.str_at(&["metadata", "name"]).is_none_or(str::is_empty) {
            return Err(KustomizeError::new(
                path,
                line,
                ErrorKind::Invalid(format!("missing metadata.name in object of kind {kind}")),
            ));
        }
        let origin = node.src.clone().unwrap_or(Src {
            file: std::sync::Arc::from(path),
            line: 1,
        });
        out.push(Resource::new(node, origin));
    }
    Ok(out)
}
