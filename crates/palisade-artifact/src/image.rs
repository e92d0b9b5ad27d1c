//! Opening a target as an image and reading its layers once, in order.
//!
//! [`Image::open`] recognises the source (root filesystem, docker-archive, OCI layout,
//! oci-archive, registry reference) and reads only the small documents (manifest, config).
//! [`Image::read`] then streams each layer: every regular file of every layer is offered
//! to the [`LayerFileVisitor`]s (the secret scanner sees files later layers delete), the
//! files analysers need are captured, and the final view is built.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::config::ImageConfig;
use crate::digest::Sha256Digest;
use crate::error::ArtifactError;
use crate::fs::ImageFs;
use crate::layer::{self, EntryKind, LayerEntry, LayerError, LayerInfo, Limits, Note};
use crate::source::oci::PlatformSpec;
use crate::source::reference::ImageReference;
use crate::source::registry::RegistryOptions;
use crate::source::tar_index::{IndexError, TarIndex};
use crate::source::{docker_archive, oci, registry, BlobStore, ImagePlan, PlannedLayer};

/// How the image was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    Rootfs,
    DockerArchive,
    OciLayout,
    OciArchive,
    Registry,
}

impl SourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Rootfs => "rootfs",
            SourceKind::DockerArchive => "docker-archive",
            SourceKind::OciLayout => "oci-layout",
            SourceKind::OciArchive => "oci-archive",
            SourceKind::Registry => "registry",
        }
    }
}

/// Settings for opening and reading images.
#[derive(Debug, Clone, Default)]
pub struct OpenOptions {
    /// `--platform`: which image of a multi-platform index.
    pub platform: Option<PlatformSpec>,
    pub registry: RegistryOptions,
    pub limits: Limits,
}

/// A file of one layer, as offered to visitors.
#[derive(Debug, Clone, Copy)]
pub struct LayerFile<'a> {
    pub layer: &'a LayerInfo,
    /// Path relative to the image root (`app/.env`).
    pub path: &'a str,
    pub size: u64,
    pub mode: u32,
}

/// Something that looks at file contents as layers stream by (the secret scanner, a
/// language-package collector...). Only files it wants are read.
pub trait LayerFileVisitor {
    /// Whether the content of this file is needed.
    fn wants(&self, file: &LayerFile<'_>) -> bool;
    /// The content of a wanted file (at most `Limits::max_file_read` bytes).
    fn visit(&mut self, file: &LayerFile<'_>, content: &[u8]);
}

/// An image whose manifest and config are read, ready to stream its layers.
pub struct Image {
    /// The target as the user gave it.
    pub name: String,
    pub kind: SourceKind,
    pub config: ImageConfig,
    pub config_digest: Option<Sha256Digest>,
    pub manifest_digest: Option<Sha256Digest>,
    pub repo_tags: Vec<String>,
    pub layers: Vec<LayerInfo>,
    /// Notes gathered while opening and reading (skipped entries, several images...).
    pub notes: Vec<Note>,
    limits: Limits,
    planned: Vec<PlannedLayer>,
    store: Option<BlobStore>,
    rootfs: Option<PathBuf>,
    scratch: tempfile::TempDir,
}

impl std::fmt::Debug for Image {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Image")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .field("layers", &self.layers.len())
            .finish()
    }
}

fn scratch(name: &str) -> Result<tempfile::TempDir, ArtifactError> {
    tempfile::Builder::new()
        .prefix("palisade-image-")
        .tempdir()
        .map_err(|e| ArtifactError::io(name, std::env::temp_dir(), e))
}

impl Image {
    /// Opens a root filesystem directory (`--rootfs`): one pseudo-layer, no config.
    pub fn open_rootfs(dir: &Path, options: &OpenOptions) -> Result<Image, ArtifactError> {
        let name = dir.display().to_string();
        let meta = std::fs::metadata(dir).map_err(|e| ArtifactError::io(&name, dir, e))?;
        if !meta.is_dir() {
            return Err(ArtifactError::format(&name, "--rootfs needs a directory"));
        }
        Ok(Image {
            scratch: scratch(&name)?,
            name,
            kind: SourceKind::Rootfs,
            config: ImageConfig::default(),
            config_digest: None,
            manifest_digest: None,
            repo_tags: Vec::new(),
            layers: vec![LayerInfo::default()],
            notes: Vec::new(),
            limits: options.limits.clone(),
            planned: Vec::new(),
            store: None,
            rootfs: Some(dir.to_path_buf()),
        })
    }

    /// Opens an image given as an archive path, an OCI layout directory (optionally with
    /// `:tag`), a transport-prefixed name (`docker-archive:`, `oci:`, `oci-archive:`,
    /// `docker://`) or a registry reference.
    pub fn open(target: &str, options: &OpenOptions) -> Result<Image, ArtifactError> {
        let (kind, plan) = Self::plan(target, options)?;
        let config: ImageConfig = serde_json::from_slice(&plan.config_bytes)
            .map_err(|e| ArtifactError::format(target, format!("image config: {e}")))?;
        let commands = config.layer_commands(plan.layers.len());
        let diff_ids = config.rootfs.clone().unwrap_or_default().diff_ids;
        if !diff_ids.is_empty() && diff_ids.len() != plan.layers.len() {
            return Err(ArtifactError::format(
                target,
                format!(
                    "config lists {} layers (rootfs.diff_ids) but the manifest has {}",
                    diff_ids.len(),
                    plan.layers.len()
                ),
            ));
        }
        let layers = plan
            .layers
            .iter()
            .enumerate()
            .map(|(i, l)| LayerInfo {
                index: i,
                digest: l.digest.clone(),
                diff_id: diff_ids.get(i).and_then(|d| Sha256Digest::parse(d)),
                created_by: commands.get(i).cloned().flatten(),
                size: l.size,
            })
            .collect();
        Ok(Image {
            scratch: scratch(target)?,
            name: target.to_string(),
            kind,
            config,
            config_digest: plan.config_digest,
            manifest_digest: plan.manifest_digest,
            repo_tags: plan.repo_tags,
            layers,
            notes: plan.notes,
            limits: options.limits.clone(),
            planned: plan.layers,
            store: Some(plan.store),
            rootfs: None,
        })
    }

    fn plan(target: &str, options: &OpenOptions) -> Result<(SourceKind, ImagePlan), ArtifactError> {
        let limits = &options.limits;
        let platform = options.platform.as_ref();
        if let Some(rest) = target.strip_prefix("docker://") {
            return Self::plan_registry(target, rest, options);
        }
        for (prefix, forced) in [
            ("docker-archive:", Some(SourceKind::DockerArchive)),
            ("oci-archive:", Some(SourceKind::OciArchive)),
            ("oci:", Some(SourceKind::OciLayout)),
            ("", None),
        ] {
            let Some(rest) = target.strip_prefix(prefix) else {
                continue;
            };
            let (path, selector) = split_path_selector(rest);
            let Some(path) = path else {
                if forced.is_some() {
                    return Err(ArtifactError::io(
                        target,
                        rest,
                        std::io::Error::new(
                            std::io::ErrorKind::NotFound,
                            "no such file or directory",
                        ),
                    ));
                }
                continue;
            };
            if path.is_dir() {
                if !path.join("index.json").is_file() {
                    return Err(ArtifactError::format(
                        target,
                        "directory has no index.json: not an OCI image layout (use --rootfs for an unpacked root filesystem)",
                    ));
                }
                let plan = oci::plan_layout(
                    target,
                    BlobStore::Dir(path),
                    selector.as_deref(),
                    platform,
                    limits,
                )?;
                return Ok((SourceKind::OciLayout, plan));
            }
            let index = TarIndex::build(&path).map_err(|e| match e {
                IndexError::File(error) => ArtifactError::File {
                    image: target.to_string(),
                    error,
                },
                IndexError::Tar(_) => ArtifactError::format(target, e.to_string()),
            })?;
            if docker_archive::is_docker_archive(&index) {
                let plan = docker_archive::plan(target, index, selector.as_deref(), limits)?;
                return Ok((SourceKind::DockerArchive, plan));
            }
            if index.contains("index.json") {
                let plan = oci::plan_layout(
                    target,
                    BlobStore::Tar(index),
                    selector.as_deref(),
                    platform,
                    limits,
                )?;
                return Ok((SourceKind::OciArchive, plan));
            }
            return Err(ArtifactError::format(
                target,
                "archive has neither manifest.json, repositories nor index.json: not an image archive",
            ));
        }
        Self::plan_registry(target, target, options)
    }

    fn plan_registry(
        target: &str,
        reference: &str,
        options: &OpenOptions,
    ) -> Result<(SourceKind, ImagePlan), ArtifactError> {
        let reference = ImageReference::parse(reference).ok_or_else(|| {
            ArtifactError::format(
                target,
                "no such file, and not an image reference (registry/repository:tag)",
            )
        })?;
        let plan = registry::plan(
            target,
            reference,
            options.platform.as_ref(),
            &options.registry,
            &options.limits,
        )?;
        Ok((SourceKind::Registry, plan))
    }

    /// The scratch directory, removed when the image is dropped.
    pub fn scratch_dir(&self) -> &Path {
        self.scratch.path()
    }

    /// Streams every layer once: visitors see every regular file of every layer; paths for
    /// which `capture` is true are kept for analysers; the final view is returned.
    pub fn read(
        &mut self,
        visitors: &mut [&mut dyn LayerFileVisitor],
        capture: &dyn Fn(&str) -> bool,
        mut progress: impl FnMut(&LayerInfo),
    ) -> Result<ImageFs, ArtifactError> {
        let mut fs = ImageFs::new(Some(self.scratch.path().to_path_buf()));
        if let Some(root) = self.rootfs.clone() {
            progress(&self.layers[0]);
            self.read_rootfs(&root, &mut fs, visitors, capture)?;
            return Ok(fs);
        }
        let store = self
            .store
            .take()
            .ok_or_else(|| ArtifactError::format(&self.name, "image layers were already read"))?;
        let mut buffer = Vec::new();
        for (i, planned) in self.planned.iter().enumerate() {
            let info = &self.layers[i];
            progress(info);
            let label = info.label();
            let blob = store.open_sized(
                &self.name,
                &planned.blob,
                planned.size,
                self.limits.max_layer_compressed,
            )?;
            let mut entries: Vec<LayerEntry> = Vec::new();
            let mut captures: Vec<(String, Vec<u8>)> = Vec::new();
            let limits = &self.limits;
            let result = layer::read_layer(
                blob,
                &planned.expected,
                limits,
                &mut self.notes,
                &label,
                |entry, content| {
                    if entry.kind == EntryKind::File {
                        let file = LayerFile {
                            layer: info,
                            path: &entry.path,
                            size: entry.size,
                            mode: entry.mode,
                        };
                        let keep = capture(&entry.path);
                        let wanted = keep || visitors.iter().any(|v| v.wants(&file));
                        if wanted && entry.size <= limits.max_file_read {
                            buffer.clear();
                            content
                                .take(limits.max_file_read)
                                .read_to_end(&mut buffer)
                                .map_err(|e| format!("entry {}: {e}", entry.path))?;
                            for v in visitors.iter_mut() {
                                if v.wants(&file) {
                                    v.visit(&file, &buffer);
                                }
                            }
                            if keep {
                                captures.push((entry.path.clone(), buffer.clone()));
                            }
                        }
                    }
                    entries.push(entry.clone());
                    Ok(())
                },
            );
            if let Err(e) = result {
                return Err(match e {
                    LayerError::Mismatch { expected, actual } => ArtifactError::DigestMismatch {
                        image: self.name.clone(),
                        digest: expected.to_string(),
                        actual: actual.to_string(),
                    },
                    LayerError::Entry { entry, message } => ArtifactError::Layer {
                        image: self.name.clone(),
                        layer: label,
                        entry: Some(entry),
                        message,
                    },
                    other => ArtifactError::Layer {
                        image: self.name.clone(),
                        layer: label,
                        entry: entries.last().map(|e| e.path.clone()),
                        message: match entries.last() {
                            Some(_) => {
                                format!("{other} (after this entry; truncated or corrupt layer?)")
                            }
                            None => other.to_string(),
                        },
                    },
                });
            }
            for (path, bytes) in captures {
                fs.capture(i, &path, bytes)
                    .map_err(|e| ArtifactError::io(&self.name, self.scratch.path(), e))?;
            }
            for e in entries
                .iter()
                .filter(|e| e.size > limits.max_file_read && e.kind == EntryKind::File)
            {
                if capture(&e.path) {
                    self.notes.push(Note {
                        layer: Some(label.clone()),
                        entry: Some(e.path.clone()),
                        message: format!(
                            "{} bytes: larger than the read limit, not analysed",
                            e.size
                        ),
                    });
                }
            }
            fs.apply_layer(i, entries);
        }
        Ok(fs)
    }

    fn read_rootfs(
        &mut self,
        root: &Path,
        fs: &mut ImageFs,
        visitors: &mut [&mut dyn LayerFileVisitor],
        capture: &dyn Fn(&str) -> bool,
    ) -> Result<(), ArtifactError> {
        let info = self.layers[0].clone();
        let mut entries = Vec::new();
        let mut stack = vec![(root.to_path_buf(), String::new())];
        let root_dev = std::fs::metadata(root).ok().map(|m| dev_of(&m));
        while let Some((dir, rel)) = stack.pop() {
            let read = match std::fs::read_dir(&dir) {
                Ok(r) => r,
                Err(e) => {
                    self.notes.push(Note {
                        layer: None,
                        entry: Some(rel.clone()),
                        message: format!("cannot list directory: {e}"),
                    });
                    continue;
                }
            };
            let mut names: Vec<_> = read.filter_map(|e| e.ok()).collect();
            names.sort_by_key(|e| e.file_name());
            for dent in names {
                let name = dent.file_name().to_string_lossy().into_owned();
                let path = if rel.is_empty() {
                    name.clone()
                } else {
                    format!("{rel}/{name}")
                };
                let Ok(meta) = std::fs::symlink_metadata(dent.path()) else {
                    continue;
                };
                let ft = meta.file_type();
                let mode = mode_of(&meta);
                if ft.is_symlink() {
                    let target = std::fs::read_link(dent.path())
                        .map(|t| t.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    entries.push(LayerEntry {
                        path,
                        kind: EntryKind::Symlink(target),
                        size: 0,
                        mode,
                        uid: 0,
                    });
                } else if ft.is_dir() {
                    // Stay on the root's filesystem: /proc or a bind mount is not the image.
                    if root_dev.is_some() && root_dev != Some(dev_of(&meta)) {
                        continue;
                    }
                    entries.push(LayerEntry {
                        path: path.clone(),
                        kind: EntryKind::Dir,
                        size: 0,
                        mode,
                        uid: 0,
                    });
                    stack.push((dent.path(), path));
                } else if ft.is_file() {
                    let size = meta.len();
                    let file = LayerFile {
                        layer: &info,
                        path: &path,
                        size,
                        mode,
                    };
                    let keep = capture(&path);
                    let wanted = keep || visitors.iter().any(|v| v.wants(&file));
                    if wanted && size <= self.limits.max_file_read {
                        // regular files only, checked on the open handle: a file swapped
                        // for a FIFO after the listing must not block the read
                        match palisade_core::fsio::read_limited(
                            &dent.path(),
                            self.limits.max_file_read,
                        ) {
                            Ok(bytes) => {
                                for v in visitors.iter_mut() {
                                    if v.wants(&file) {
                                        v.visit(&file, &bytes);
                                    }
                                }
                                if keep {
                                    fs.capture(0, &path, bytes).map_err(|e| {
                                        ArtifactError::io(&self.name, self.scratch.path(), e)
                                    })?;
                                }
                            }
                            Err(e) => self.notes.push(Note {
                                layer: None,
                                entry: Some(path.clone()),
                                message: format!("cannot read: {}", e.reason()),
                            }),
                        }
                    }
                    entries.push(LayerEntry {
                        path,
                        kind: EntryKind::File,
                        size,
                        mode,
                        uid: 0,
                    });
                }
            }
        }
        fs.apply_layer(0, entries);
        Ok(())
    }
}

#[cfg(unix)]
fn mode_of(m: &std::fs::Metadata) -> u32 {
    use std::os::unix::fs::MetadataExt;
    m.mode() & 0o7777
}
#[cfg(not(unix))]
fn mode_of(_: &std::fs::Metadata) -> u32 {
    0o644
}
#[cfg(unix)]
fn dev_of(m: &std::fs::Metadata) -> u64 {
    use std::os::unix::fs::MetadataExt;
    m.dev()
}
#[cfg(not(unix))]
fn dev_of(_: &std::fs::Metadata) -> u64 {
    0
}

/// Splits `path[:selector]` where the whole string is not itself an existing path.
fn split_path_selector(s: &str) -> (Option<PathBuf>, Option<String>) {
    let whole = PathBuf::from(s);
    if whole.exists() {
        return (Some(whole), None);
    }
    // `archive.tar:repo:tag` (skopeo) or `layout:tag`: try each colon from the left.
    for (i, _) in s.match_indices(':') {
        let p = PathBuf::from(&s[..i]);
        if p.exists() {
            return (
                Some(p),
                Some(s[i + 1..].to_string()).filter(|t| !t.is_empty()),
            );
        }
    }
    (None, None)
}
