//! Which files a scan reads: directories walked recursively (`.git` skipped, `.gitignore`,
//! `.ignore` and `.palisadeignore` honoured), single files, or standard input.

use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use ignore::WalkBuilder;
use palisade_core::{Config, ScanError};

/// A file to scan: where it is on disk and how reports name it.
#[derive(Debug, Clone)]
pub struct FileEntry {
    /// On-disk path; `None` for standard input.
    pub path: Option<PathBuf>,
    /// Path relative to the scan root it was found under (or as given for a file target).
    pub display: String,
}

/// Globs from `--skip-dirs` and `--skip-files`.
pub struct SkipRules {
    dirs: GlobSet,
    files: GlobSet,
}

fn glob_set(globs: &[String], flag: &str) -> anyhow::Result<GlobSet> {
    let mut b = GlobSetBuilder::new();
    for g in globs {
        let g = g.trim().trim_end_matches('/');
        if g.is_empty() {
            continue;
        }
        b.add(
            Glob::new(g)
                .map_err(|e| anyhow::anyhow!("{flag}: invalid glob `{g}`: {}", e.kind()))?,
        );
    }
    Ok(b.build()?)
}

impl SkipRules {
    pub fn new(dirs: &[String], files: &[String]) -> anyhow::Result<SkipRules> {
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
            path: None,
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
            path: Some(target.to_path_buf()),
            display: target.display().to_string(),
        });
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
        rel.is_empty() || !(skip_dirs.is_match(&rel) || skip_dirs.is_match(name.as_ref()))
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
            path: Some(entry.path().to_path_buf()),
            display: rel,
        });
    }
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
