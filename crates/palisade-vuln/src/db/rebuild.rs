//! Atomic rebuilds: a new database is written beside the old one and renamed over it;
//! temporary files of builds that died are found and removed.

use std::path::{Path, PathBuf};

use super::database::Database;
use super::import::ImportStats;
use super::DbError;

/// Prefix of every temporary file an import or update writes beside the database:
/// `.osv-<pid>-<millis>.db` and `.osv-<pid>-<millis>-<n>.zip`.
pub const TEMP_PREFIX: &str = ".osv-";

/// A name for this process's temporary files, unique per call.
pub(crate) fn temp_stamp() -> String {
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    format!(
        "{}-{}{}",
        std::process::id(),
        chrono::Utc::now().timestamp_millis(),
        COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    )
}

/// Removes the temporary files of imports and updates that died (kill -9, power loss)
/// before they could clean up: those whose process is gone, or, where processes cannot be
/// looked up, that are a day old. Files of running imports are left alone. Returns how
/// many were removed. The database itself is never one of them: it is only ever
/// replaced by a rename of a complete file.
pub fn remove_stale_temp_files(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let proc_fs = Path::new("/proc/self").exists();
    let mut removed = 0;
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        let Some(rest) = name.strip_prefix(TEMP_PREFIX) else {
            continue;
        };
        let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        if pid == std::process::id() {
            continue;
        }
        let stale = if proc_fs {
            !Path::new(&format!("/proc/{pid}")).exists()
        } else {
            e.metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age.as_secs() > 24 * 3600)
        };
        if stale && std::fs::remove_file(e.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// Removes the listed files when dropped, unless disarmed: the temporary files of a build
/// that failed or panicked.
pub(crate) struct TempFiles(pub(crate) Vec<PathBuf>);
impl Drop for TempFiles {
    fn drop(&mut self) {
        for p in &self.0 {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// Builds a new database and puts it at `path` with one rename, so that a reader sees
/// either the old file or the complete new one, never a partial write, whatever happens
/// to this process. With `start_from_current`, the build starts from a copy of the
/// current database (an import adds to it); otherwise from an empty one (an update
/// replaces it). Temporary files of earlier builds that were killed are removed first.
pub fn rebuild<T>(
    path: &Path,
    start_from_current: bool,
    build: impl FnOnce(&mut Database) -> Result<T, DbError>,
) -> Result<T, DbError> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    let io = |p: &Path, e: std::io::Error| DbError::Io {
        path: p.display().to_string(),
        message: e.to_string(),
    };
    std::fs::create_dir_all(&dir).map_err(|e| io(&dir, e))?;
    // `--db` naming a FIFO or a device is an error, not something to rename over
    if std::fs::symlink_metadata(path).is_ok() {
        if let Err(e @ palisade_core::fsio::FileError::NotRegular { .. }) =
            palisade_core::fsio::open_regular(path)
        {
            return Err(e.into());
        }
    }
    remove_stale_temp_files(&dir);
    let scratch = dir.join(format!("{TEMP_PREFIX}{}.db", temp_stamp()));
    let mut temps = TempFiles(vec![scratch.clone()]);
    // a current file that is not one of our databases is replaced, not merged into
    if start_from_current && Database::open(path).is_ok() {
        std::fs::copy(path, &scratch).map_err(|e| io(&scratch, e))?;
    }
    let value = {
        let mut db = Database::create_scratch(&scratch)?;
        let value = build(&mut db)?;
        db.set_meta("built_at", &chrono::Utc::now().to_rfc3339())?;
        value
    };
    std::fs::File::open(&scratch)
        .and_then(|f| f.sync_all())
        .map_err(|e| io(&scratch, e))?;
    std::fs::rename(&scratch, path).map_err(|e| DbError::Io {
        path: path.display().to_string(),
        message: format!("replacing the database: {e}"),
    })?;
    temps.0.clear();
    // the rename itself is durable only once the directory is synced
    if let Ok(d) = std::fs::File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(value)
}

/// `palisade db import`: adds the records of `source` to the database at `path` (creating
/// it when missing) without ever writing to the file readers open.
///
/// An import that added nothing (every record malformed, or no record at all) is an error
/// and leaves the database as it was.
pub fn import_atomically(path: &Path, source: &Path) -> Result<ImportStats, DbError> {
    rebuild(path, true, |db| {
        let stats = db.import(source)?;
        if stats.imported == 0 && stats.withdrawn == 0 {
            return Err(DbError::NothingImported {
                path: source.display().to_string(),
                skipped: stats.warnings.len(),
                first: stats.warnings.into_iter().next(),
            });
        }
        Ok(stats)
    })
}
