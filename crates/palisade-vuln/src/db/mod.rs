//! The OSV advisory database: one SQLite file under the user's cache directory.
//!
//! Tables: `advisory` (id, withdrawn flag, summary, severity, the original record
//! deflate-compressed), `alias`, and `affected` indexed by (base ecosystem, normalised
//! name) with the ranges and versions of that entry as compact JSON. Imports read zip
//! archives (as osv.dev publishes them per ecosystem), folders of `.json`/`.yaml` files, or
//! single files; bad records are skipped and counted, never fatal.
//!
//! - `database`: the SQLite file, its schema, and the queries of `palisade db` commands;
//! - `queries`: the prepared statements and rows that matching reads;
//! - `import`: records read from archives, folders and files and written (`Writer`);
//! - `rebuild`: atomic replacement of the database file, and its temporary files.

mod database;
mod import;
mod queries;
mod rebuild;

pub use database::{Database, Status};
pub use import::{import_zip, ImportStats, ImportWarning, Writer};
pub use queries::{AdvisoryInfo, AffectedEntry, FindingFacts, MatchingQueries};
pub use rebuild::{import_atomically, rebuild, remove_stale_temp_files, TEMP_PREFIX};
pub(crate) use rebuild::{temp_stamp, TempFiles};

use std::path::PathBuf;

pub const SCHEMA_VERSION: i64 = 1;
/// Largest single record we accept (the biggest real OSV records are a few MB).
pub const MAX_RECORD_BYTES: u64 = 32 * 1024 * 1024;
/// Total uncompressed bytes one archive may expand to.
pub const MAX_ARCHIVE_BYTES: u64 = 8 * 1024 * 1024 * 1024;
/// Compression ratio above which an archive entry is treated as a zip bomb.
pub const MAX_RATIO: u64 = 200;
pub const MAX_ENTRIES: usize = 2_000_000;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("database {path}: {error}")]
    Sqlite {
        path: String,
        error: rusqlite::Error,
    },
    #[error("{path}: {message}")]
    Io { path: String, message: String },
    #[error("{path}: not an OSV database of schema {SCHEMA_VERSION} (found {found})")]
    Schema { path: String, found: String },
    #[error("{path}: archive refused: {message}")]
    Archive { path: String, message: String },
    #[error("download {url}: {message}")]
    Download { url: String, message: String },
    /// The server did not answer in time (connect, headers, a read, or the whole transfer).
    #[error("download {url}: deadline passed ({which}); set PALISADE_NETWORK_TIMEOUT=SECONDS to wait longer")]
    Deadline { url: String, which: String },
    /// An input file that is missing, too large or not a regular file (a FIFO, a device).
    #[error(transparent)]
    File(#[from] palisade_core::fsio::FileError),
    /// An import whose source held no usable record: the database is left as it was.
    #[error("{path}: nothing imported ({skipped} record(s) skipped{}); the database was left unchanged", first.as_ref().map(|w| format!(", first: {w}")).unwrap_or_default())]
    NothingImported {
        path: String,
        skipped: usize,
        first: Option<ImportWarning>,
    },
}

/// Where the database lives: `$PALISADE_DB`, else `$XDG_CACHE_HOME/palisade/osv.db`, else
/// `~/.cache/palisade/osv.db`.
pub fn default_path() -> PathBuf {
    if let Some(p) = std::env::var_os("PALISADE_DB") {
        return PathBuf::from(p);
    }
    cache_dir().join("osv.db")
}

/// Palisade's own cache folder, which holds the database and other derived data:
/// `$XDG_CACHE_HOME/palisade`, else `~/.cache/palisade`.
pub fn cache_dir() -> PathBuf {
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    cache.join("palisade")
}
