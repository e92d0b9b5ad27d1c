//! Where the bytes of a scan come from: directories walked recursively (`.git` skipped,
//! `.gitignore`, `.ignore` and `.palisadeignore` honoured), single files, standard input,
//! or documents already in memory (an editor buffer, an admission request). Every source
//! yields [`FileEntry`] values that the per-file pass reads the same way.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use globset::{Glob, GlobSet, GlobSetBuilder};
use ignore::WalkBuilder;
use palisade_core::{Config, ScanError};

use crate::EngineError;

/// Where one file's bytes are.
#[derive(Debug, Clone)]
pub enum Source {
    /// A file on disk.
    Disk(PathBuf),
    /// The process's standard input, read once.
    Stdin,
    /// Bytes handed over by the caller.
    Memory(Arc<[u8]>),
}

/// A file to scan: where its bytes are and how reports name it.
#[derive(Debug, Clone)]
pub struct FileEntry {
    pub source: Source,
    /// Path relative to the scan root it was found under (or as given for a file target).
    pub display: String,
}

impl FileEntry {
    /// A document held in memory, named `name` in findings.
    pub fn memory(name: impl Into<String>, bytes: impl Into<Arc<[u8]>>) -> FileEntry {
        FileEntry {
            source: Source::Memory(bytes.into()),
            display: name.into(),
        }
    }

    /// The on-disk path, for sources that have one.
    pub fn disk_path(&self) -> Option<&Path> {
        match &self.source {
            Source::Disk(p) => Some(p),
            _ => None,
        }
    }
}

/// Standard input, read once: the context pass and the per-file pass both look at it.
static STDIN: OnceLock<Result<Vec<u8>, String>> = OnceLock::new();

/// Files at least this large are memory-mapped instead of read: no copy, no buffer, and
/// the binary check touches only their first page.
const MMAP_MIN_BYTES: u64 = 64 * 1024;

/// A file's bytes: memory-mapped when large, read into a buffer when small, or shared
/// with the caller.
pub(crate) enum Content {
    Mapped(palisade_secrets::MappedFile),
    Owned(Vec<u8>),
    Shared(Arc<[u8]>),
}

impl Content {
    /// Whether the file shrank while mapped (the missing bytes read as zeros).
    pub(crate) fn truncated(&self) -> bool {
        matches!(self, Content::Mapped(m) if m.truncated())
    }
}

impl std::ops::Deref for Content {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Content::Mapped(m) => m.bytes(),
            Content::Owned(v) => v,
            Content::Shared(v) => v,
        }
    }
}

/// Reads a file up to `limit` bytes; `Ok(None)` when it is larger. A path that is not a
/// regular file (a FIFO, a socket, a device swapped in after the walk) is an error, never
/// a read that blocks or never ends.
pub(crate) fn read_bounded(entry: &FileEntry, limit: u64) -> std::io::Result<Option<Content>> {
    let mut buf = Vec::new();
    match &entry.source {
        Source::Disk(path) => {
            let (file, meta) = palisade_core::fsio::open_regular(path)
                .map_err(|e| std::io::Error::other(e.reason()))?;
            let len = meta.len();
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
        Source::Stdin => {
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
        Source::Memory(bytes) => {
            return Ok((bytes.len() as u64 <= limit).then(|| Content::Shared(bytes.clone())));
        }
    }
    Ok((buf.len() as u64 <= limit).then_some(Content::Owned(buf)))
}

/// What a non-regular file is, for messages.
pub(crate) fn file_kind(meta: &fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_dir() {
        "a directory"
    } else if t.is_fifo() {
        "a FIFO (named pipe)"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else if t.is_symlink() {
        "a symbolic link"
    } else {
        "a regular file"
    }
}

/// Globs from `--skip-dirs` and `--skip-files`.
pub struct SkipRules {
    dirs: GlobSet,
    files: GlobSet,
}

fn glob_set(globs: &[String], flag: &'static str) -> Result<GlobSet, EngineError> {
    let invalid = |g: &str, e: globset::Error| EngineError::Glob {
        option: flag,
        glob: g.to_string(),
        reason: e.kind().to_string(),
    };
    let mut b = GlobSetBuilder::new();
    for g in globs {
        let g = g.trim().trim_end_matches('/');
        if g.is_empty() {
            continue;
        }
        b.add(Glob::new(g).map_err(|e| invalid(g, e))?);
    }
    b.build().map_err(|e| invalid("", e))
}

impl SkipRules {
    pub fn new(dirs: &[String], files: &[String]) -> Result<SkipRules, EngineError> {
        Ok(SkipRules {
            dirs: glob_set(dirs, "--skip-dirs")?,
            files: glob_set(files, "--skip-files")?,
        })
    }

    fn skips(&self, rel: &str, name: &str, is_dir: bool) -> bool {
        let set = if is_dir { &self.dirs } else { &self.files };
        set.is_match(rel) || set.is_match(name)
    }
}

/// Collects the files under `target` in a stable order.
pub fn collect(
    target: &Path,
    skip: &SkipRules,
    config: &Config,
    follow_symlinks: bool,
    files: &mut Vec<FileEntry>,
    errors: &mut Vec<ScanError>,
) {
    if target.as_os_str() == "-" {
        files.push(FileEntry {
            source: Source::Stdin,
            display: "<stdin>".to_string(),
        });
        return;
    }
    let meta = match std::fs::metadata(target) {
        Ok(m) => m,
        Err(e) => {
            errors.push(ScanError::new(
                target.display().to_string(),
                None,
                format!("cannot read: {e}"),
            ));
            return;
        }
    };
    if meta.is_file() {
        files.push(FileEntry {
            source: Source::Disk(target.to_path_buf()),
            display: target.display().to_string(),
        });
        return;
    }
    if !meta.is_dir() {
        errors.push(ScanError::new(
            target.display().to_string(),
            None,
            format!("{}, not a file or directory; not scanned", file_kind(&meta)),
        ));
        return;
    }
    if let Some(error) = special_ignore_file_above(target) {
        errors.push(error);
        return;
    }
    let root = target.to_path_buf();
    let mut builder = WalkBuilder::new(target);
    builder
        .hidden(false)
        .git_ignore(true)
        .git_global(false)
        .git_exclude(true)
        .ignore(true)
        .require_git(false)
        .parents(true)
        .follow_links(follow_symlinks)
        .add_custom_ignore_filename(".palisadeignore")
        .sort_by_file_name(|a, b| a.cmp(b));
    let filter_root = root.clone();
    let skip_dirs = skip.dirs.clone();
    let refused = Arc::new(std::sync::Mutex::new(Vec::new()));
    let refused_in_filter = refused.clone();
    builder.filter_entry(move |entry| {
        let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
        if !is_dir {
            return true;
        }
        let name = entry.file_name().to_string_lossy();
        if name == ".git" {
            return false;
        }
        let rel = relative(&filter_root, entry.path());
        if !rel.is_empty() && (skip_dirs.is_match(&rel) || skip_dirs.is_match(name.as_ref())) {
            return false;
        }
        // The walker would read this folder's ignore files next; one that is not a regular
        // file would block it forever (a FIFO) or never end (/dev/zero).
        match special_ignore_file(entry.path()) {
            Some(message) => {
                if let Ok(mut refused) = refused_in_filter.lock() {
                    refused.push(ScanError::new(
                        if rel.is_empty() { ".".to_string() } else { rel },
                        None,
                        message,
                    ));
                }
                false
            }
            None => true,
        }
    });
    for item in builder.build() {
        let entry = match item {
            Ok(entry) => entry,
            Err(e) => {
                errors.push(walk_error(&root, &e));
                continue;
            }
        };
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let rel = relative(&root, entry.path());
        let name = entry.file_name().to_string_lossy();
        if skip.skips(&rel, &name, false) || config.is_path_ignored(&rel) {
            continue;
        }
        files.push(FileEntry {
            source: Source::Disk(entry.path().to_path_buf()),
            display: rel,
        });
    }
    let refused = refused
        .lock()
        .map(|mut r| std::mem::take(&mut *r))
        .unwrap_or_default();
    errors.extend(refused);
}

/// Ignore files the walker reads in every folder it enters.
const IGNORE_FILES: [&str; 3] = [".gitignore", ".ignore", ".palisadeignore"];

/// Why `dir`'s ignore files cannot be read safely, if one of them is not a regular file.
fn special_ignore_file(dir: &Path) -> Option<String> {
    for name in IGNORE_FILES {
        let Ok(meta) = fs::metadata(dir.join(name)) else {
            continue;
        };
        if !meta.is_file() {
            return Some(format!(
                "{name} is {}, not a regular file: the folder is not scanned (remove it or skip the folder)",
                file_kind(&meta)
            ));
        }
    }
    None
}

/// The walker also reads the ignore files of a target's parent folders (and
/// `.git/info/exclude`): the first of those that is not a regular file, as an error.
fn special_ignore_file_above(target: &Path) -> Option<ScanError> {
    let absolute = fs::canonicalize(target).ok()?;
    for dir in absolute.ancestors() {
        if let Some(message) = special_ignore_file(dir) {
            return Some(ScanError::new(dir.display().to_string(), None, message));
        }
        let exclude = dir.join(".git/info/exclude");
        if let Ok(meta) = fs::metadata(&exclude) {
            if !meta.is_file() {
                return Some(ScanError::new(
                    exclude.display().to_string(),
                    None,
                    format!("{}, not a regular file: not scanned", file_kind(&meta)),
                ));
            }
        }
    }
    None
}

/// `path` below `root`, with forward slashes.
fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.to_string_lossy().replace('\\', "/")
}

fn walk_error(root: &Path, e: &ignore::Error) -> ScanError {
    let mut path = None;
    let mut err = e;
    loop {
        match err {
            ignore::Error::WithPath {
                path: p,
                err: inner,
            } => {
                path = Some(p.clone());
                err = inner;
            }
            ignore::Error::WithDepth { err: inner, .. }
            | ignore::Error::WithLineNumber { err: inner, .. } => {
                err = inner;
            }
            ignore::Error::Loop { child, .. } => {
                path = Some(child.clone());
                break;
            }
            _ => break,
        }
    }
    let display = path
        .map(|p| relative(root, &p))
        .unwrap_or_else(|| root.display().to_string());
    let message = match err {
        ignore::Error::Loop { ancestor, .. } => format!(
            "symbolic link loop back to {}; not followed",
            relative(root, ancestor)
        ),
        other => format!("cannot read: {other}"),
    };
    ScanError::new(display, None, message)
}
