//! The image as one virtual file tree: layers applied in order with whiteouts and opaque
//! directories, each path remembering the layer that last wrote it.
//!
//! Only metadata is kept for every path; contents are kept for the files analysers asked
//! for (package databases, release files, language manifests), from every layer that wrote
//! them, so "which layer introduced this package" can be answered. Links are resolved
//! inside the image root: an absolute or `..` target never reaches the host.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};
use std::path::PathBuf;

use crate::layer::{EntryKind, LayerEntry};

/// The kind of a path in the final view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeKind {
    File,
    Dir,
    Symlink(String),
    Hardlink(String),
}

/// A path of the final view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// Index of the layer that last wrote this path.
    pub layer: usize,
    pub kind: NodeKind,
    pub size: u64,
    pub mode: u32,
}

impl Node {
    pub fn is_setuid_or_setgid(&self) -> bool {
        self.kind == NodeKind::File && self.mode & 0o6000 != 0
    }
}

/// Why a path could not be resolved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    #[error("{0}: too many levels of symbolic links (loop?)")]
    Loop(String),
    #[error("{0}: no such file in the image")]
    NotFound(String),
}

enum Content {
    Memory(Vec<u8>),
    Spilled(PathBuf),
}

/// Contents larger than this are written to the scratch directory instead of kept in memory.
const SPILL_THRESHOLD: usize = 1 << 20;
const MAX_LINK_HOPS: usize = 40;

/// The final filesystem view of an image (or a root filesystem) plus captured contents.
#[derive(Default)]
pub struct ImageFs {
    nodes: BTreeMap<String, Node>,
    captured: HashMap<(usize, String), Content>,
    scratch: Option<PathBuf>,
    spilled: usize,
}

impl std::fmt::Debug for ImageFs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImageFs")
            .field("paths", &self.nodes.len())
            .field("captured", &self.captured.len())
            .finish()
    }
}

impl ImageFs {
    /// An empty tree; captured contents above 1 MiB go to files under `scratch`.
    pub fn new(scratch: Option<PathBuf>) -> Self {
        ImageFs {
            scratch,
            ..ImageFs::default()
        }
    }

    /// Applies one layer's entries on top of what lower layers built. Whiteouts and opaque
    /// markers only hide lower layers, whatever their position inside this layer's tar.
    pub fn apply_layer(&mut self, layer: usize, entries: Vec<LayerEntry>) {
        for e in &entries {
            match e.kind {
                EntryKind::Whiteout => {
                    self.remove_lower(&e.path, layer, true);
                }
                EntryKind::OpaqueDir => {
                    self.remove_lower(&e.path, layer, false);
                }
                _ => {}
            }
        }
        for e in entries {
            let kind = match e.kind {
                EntryKind::File => NodeKind::File,
                EntryKind::Dir => NodeKind::Dir,
                EntryKind::Symlink(t) => NodeKind::Symlink(t),
                EntryKind::Hardlink(t) => NodeKind::Hardlink(t),
                EntryKind::Whiteout | EntryKind::OpaqueDir => continue,
            };
            if kind != NodeKind::Dir {
                // A file replacing a directory hides the directory's lower contents.
                if matches!(self.nodes.get(&e.path), Some(n) if n.kind == NodeKind::Dir) {
                    self.remove_lower(&e.path, layer, false);
                }
            }
            self.nodes.insert(
                e.path,
                Node {
                    layer,
                    kind,
                    size: e.size,
                    mode: e.mode,
                },
            );
        }
    }

    fn remove_lower(&mut self, path: &str, layer: usize, including_self: bool) {
        if including_self && matches!(self.nodes.get(path), Some(n) if n.layer < layer) {
            self.nodes.remove(path);
        }
        let prefix = if path.is_empty() {
            String::new()
        } else {
            format!("{path}/")
        };
        let doomed: Vec<String> = self
            .nodes
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .filter(|(_, n)| n.layer < layer)
            .map(|(k, _)| k.clone())
            .collect();
        for k in doomed {
            self.nodes.remove(&k);
        }
    }

    /// Keeps the content of `path` as written by `layer`.
    pub fn capture(&mut self, layer: usize, path: &str, bytes: Vec<u8>) -> io::Result<()> {
        let content = match &self.scratch {
            Some(dir) if bytes.len() > SPILL_THRESHOLD => {
                self.spilled += 1;
                let file = dir.join(format!("capture-{}", self.spilled));
                std::fs::File::create(&file)?.write_all(&bytes)?;
                Content::Spilled(file)
            }
            _ => Content::Memory(bytes),
        };
        self.captured.insert((layer, path.to_string()), content);
        Ok(())
    }

    /// Where large captured contents are written.
    pub fn scratch_dir(&self) -> Option<&std::path::Path> {
        self.scratch.as_deref()
    }

    /// Number of paths in the final view.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The node at exactly `path` (links not followed).
    pub fn get(&self, path: &str) -> Option<&Node> {
        self.nodes.get(path.trim_start_matches('/'))
    }

    /// Every path of the final view, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Node)> {
        self.nodes.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Paths directly inside `dir` (links not followed).
    pub fn children<'a>(&'a self, dir: &str) -> impl Iterator<Item = (&'a str, &'a Node)> + 'a {
        let prefix = format!("{}/", dir.trim_matches('/'));
        let len = prefix.len();
        self.nodes
            .range(prefix.clone()..)
            .take_while(move |(k, _)| k.starts_with(&prefix))
            .filter(move |(k, _)| !k[len..].contains('/'))
            .map(|(k, v)| (k.as_str(), v))
    }

    /// Follows symbolic links (and hard links) inside the image root; `..` stops at the root.
    pub fn resolve(&self, path: &str) -> Result<String, ResolveError> {
        let mut pending: Vec<String> = path
            .split('/')
            .filter(|p| !p.is_empty() && *p != ".")
            .rev()
            .map(str::to_string)
            .collect();
        let mut resolved: Vec<String> = Vec::new();
        let mut hops = 0;
        while let Some(part) = pending.pop() {
            if part == ".." {
                resolved.pop();
                continue;
            }
            resolved.push(part);
            let current = resolved.join("/");
            match self.nodes.get(&current).map(|n| &n.kind) {
                Some(NodeKind::Symlink(target)) => {
                    hops += 1;
                    if hops > MAX_LINK_HOPS {
                        return Err(ResolveError::Loop(path.to_string()));
                    }
                    resolved.pop();
                    if target.starts_with('/') {
                        resolved.clear();
                    }
                    for p in target.split('/').rev() {
                        if !p.is_empty() && p != "." {
                            pending.push(p.to_string());
                        }
                    }
                }
                Some(NodeKind::Hardlink(target)) => {
                    hops += 1;
                    if hops > MAX_LINK_HOPS {
                        return Err(ResolveError::Loop(path.to_string()));
                    }
                    resolved = target.split('/').map(str::to_string).collect();
                }
                Some(_) => {}
                None => {
                    if pending.is_empty() {
                        return Err(ResolveError::NotFound(path.to_string()));
                    }
                }
            }
        }
        Ok(resolved.join("/"))
    }

    /// The content of `path` in the final view, following links, if it was captured.
    pub fn read(&self, path: &str) -> Option<io::Result<Vec<u8>>> {
        let real = self.resolve(path).ok()?;
        let node = self.nodes.get(&real)?;
        self.read_captured(node.layer, &real)
    }

    /// The content of `path` as `layer` wrote it, if it was captured.
    pub fn read_captured(&self, layer: usize, path: &str) -> Option<io::Result<Vec<u8>>> {
        match self.captured.get(&(layer, path.to_string()))? {
            Content::Memory(b) => Some(Ok(b.clone())),
            Content::Spilled(p) => Some(std::fs::read(p)),
        }
    }

    /// Every layer that wrote a captured copy of `path`, base layer first.
    pub fn captured_layers(&self, path: &str) -> Vec<usize> {
        let mut layers: Vec<usize> = self
            .captured
            .keys()
            .filter(|(_, p)| p == path)
            .map(|(l, _)| *l)
            .collect();
        layers.sort_unstable();
        layers
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str) -> LayerEntry {
        LayerEntry {
            path: path.into(),
            kind: EntryKind::File,
            size: 1,
            mode: 0o644,
            uid: 0,
        }
    }

    fn entry(path: &str, kind: EntryKind) -> LayerEntry {
        LayerEntry {
            path: path.into(),
            kind,
            size: 0,
            mode: 0o755,
            uid: 0,
        }
    }

    #[test]
    fn whiteouts_and_opaque_dirs_hide_lower_layers_only() {
        let mut fs = ImageFs::new(None);
        fs.apply_layer(
            0,
            vec![file("app/secret.env"), file("app/keep"), file("opt/a/x")],
        );
        fs.apply_layer(
            1,
            vec![
                file("opt/a/new"),
                entry("app/secret.env", EntryKind::Whiteout),
                entry("opt/a", EntryKind::OpaqueDir),
            ],
        );
        let paths: Vec<_> = fs.iter().map(|(p, _)| p).collect();
        assert_eq!(paths, ["app/keep", "opt/a/new"]);
        assert_eq!(fs.get("opt/a/new").unwrap().layer, 1);
    }

    #[test]
    fn links_resolve_inside_the_root() {
        let mut fs = ImageFs::new(None);
        fs.apply_layer(
            0,
            vec![
                file("usr/lib/os-release"),
                entry(
                    "etc/os-release",
                    EntryKind::Symlink("../usr/lib/os-release".into()),
                ),
                entry(
                    "etc/escape",
                    EntryKind::Symlink("../../../../usr/lib/os-release".into()),
                ),
                entry("abs", EntryKind::Symlink("/usr/lib/os-release".into())),
                entry("loop1", EntryKind::Symlink("loop2".into())),
                entry("loop2", EntryKind::Symlink("loop1".into())),
            ],
        );
        assert_eq!(fs.resolve("etc/os-release").unwrap(), "usr/lib/os-release");
        assert_eq!(fs.resolve("etc/escape").unwrap(), "usr/lib/os-release");
        assert_eq!(fs.resolve("/abs").unwrap(), "usr/lib/os-release");
        assert!(matches!(fs.resolve("loop1"), Err(ResolveError::Loop(_))));
        assert!(matches!(fs.resolve("nope"), Err(ResolveError::NotFound(_))));
    }
}
