//! The OSV advisory database: one SQLite file under the user's cache directory.
//!
//! Tables: `advisory` (id, withdrawn flag, summary, severity, the original record
//! deflate-compressed), `alias`, and `affected` indexed by (base ecosystem, normalised
//! name) with the ranges and versions of that entry as compact JSON. Imports read zip
//! archives (as osv.dev publishes them per ecosystem), folders of `.json`/`.yaml` files, or
//! single files; bad records are skipped and counted, never fatal.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;
use rusqlite::{params, Connection, OpenFlags, OptionalExtension};

use crate::inventory::{base_ecosystem, normalize_name};
use crate::matcher::VersionList;
use crate::osv::{self, Advisory, Affected, Range};
use crate::secdb;
use crate::severity;

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

/// A record that was skipped during import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportWarning {
    pub file: String,
    pub id: Option<String>,
    pub message: String,
}

impl std::fmt::Display for ImportWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.id {
            Some(id) => write!(f, "{} ({}): {}", self.file, id, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct ImportStats {
    pub imported: usize,
    pub withdrawn: usize,
    pub warnings: Vec<ImportWarning>,
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

pub struct Database {
    conn: Connection,
    path: PathBuf,
}

fn sql(path: &Path) -> impl Fn(rusqlite::Error) -> DbError + '_ {
    move |error| DbError::Sqlite {
        path: path.display().to_string(),
        error,
    }
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS advisory (
  id TEXT PRIMARY KEY, modified TEXT, withdrawn INTEGER NOT NULL,
  summary TEXT, severity TEXT NOT NULL, score REAL, severity_source TEXT NOT NULL,
  aliases TEXT NOT NULL, refs TEXT NOT NULL, record BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS alias (alias TEXT NOT NULL, advisory_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS affected (
  base_ecosystem TEXT NOT NULL, ecosystem TEXT NOT NULL, name TEXT NOT NULL,
  advisory_id TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS affected_pkg ON affected (base_ecosystem, name);
CREATE INDEX IF NOT EXISTS alias_idx ON alias (alias);
-- replacing an advisory deletes its rows by id: without these, every insert scans the table
CREATE INDEX IF NOT EXISTS affected_advisory ON affected (advisory_id);
CREATE INDEX IF NOT EXISTS alias_advisory ON alias (advisory_id);
";

impl Database {
    /// Creates (or opens for writing) a database file.
    pub fn create(path: &Path) -> Result<Database, DbError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| DbError::Io {
                path: dir.display().to_string(),
                message: e.to_string(),
            })?;
        }
        Self::create_with(
            path,
            "PRAGMA journal_mode=DELETE; PRAGMA synchronous=NORMAL;",
        )
    }

    /// Creates a scratch database that nobody reads until it is complete and renamed into
    /// place: no rollback journal and no syncs while writing (a failed build is deleted,
    /// never repaired), one sync of the finished file before the rename.
    fn create_scratch(path: &Path) -> Result<Database, DbError> {
        Self::create_with(path, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;")
    }

    /// Opens `path` with `pragmas`, then writes the schema and its version.
    fn create_with(path: &Path, pragmas: &str) -> Result<Database, DbError> {
        let conn = Connection::open(path).map_err(sql(path))?;
        conn.execute_batch(pragmas).map_err(sql(path))?;
        conn.execute_batch(SCHEMA).map_err(sql(path))?;
        conn.execute(
            "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?1)",
            params![SCHEMA_VERSION.to_string()],
        )
        .map_err(sql(path))?;
        Ok(Database {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// Opens an existing database read-only and checks its schema.
    pub fn open(path: &Path) -> Result<Database, DbError> {
        if !path.exists() {
            return Err(DbError::Io {
                path: path.display().to_string(),
                message: "no vulnerability database (run `palisade db update` or `palisade db import PATH`)".into(),
            });
        }
        // SQLite would block on a FIFO and read a device as pages: only regular files
        palisade_core::fsio::open_regular(path)?;
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(sql(path))?;
        // Reads go through a memory map: a warm database is read with no system call per
        // page. (Safe here: the file is never written in place, only replaced by rename.)
        conn.execute_batch("PRAGMA mmap_size=1073741824;")
            .map_err(sql(path))?;
        let found: Option<String> = conn
            .query_row(
                "SELECT value FROM meta WHERE key = 'schema_version'",
                [],
                |r| r.get(0),
            )
            .optional()
            .unwrap_or(None);
        if found.as_deref() != Some(&SCHEMA_VERSION.to_string()) {
            return Err(DbError::Schema {
                path: path.display().to_string(),
                found: found.unwrap_or_else(|| "none".into()),
            });
        }
        Ok(Database {
            conn,
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` inside one read transaction: one shared lock and one snapshot for all its
    /// queries, instead of a lock, an unlock and a change check around each of them.
    pub fn in_snapshot<T>(
        &self,
        f: impl FnOnce(&Database) -> Result<T, DbError>,
    ) -> Result<T, DbError> {
        let nested = !self.conn.is_autocommit();
        if !nested {
            self.conn.execute_batch("BEGIN").map_err(sql(&self.path))?;
        }
        let result = f(self);
        if !nested {
            let _ = self.conn.execute_batch("COMMIT");
        }
        result
    }

    pub fn set_meta(&self, key: &str, value: &str) -> Result<(), DbError> {
        self.conn
            .execute(
                "INSERT OR REPLACE INTO meta VALUES (?1, ?2)",
                params![key, value],
            )
            .map(|_| ())
            .map_err(sql(&self.path))
    }

    pub fn meta(&self, key: &str) -> Option<String> {
        self.conn
            .query_row("SELECT value FROM meta WHERE key = ?1", params![key], |r| {
                r.get(0)
            })
            .optional()
            .ok()
            .flatten()
    }

    /// Inserts or replaces one advisory.
    pub fn insert(&self, adv: &Advisory, raw: &[u8]) -> Result<(), DbError> {
        Writer {
            conn: &self.conn,
            path: &self.path,
        }
        .insert(adv, raw)
    }

    /// Imports a zip archive, a folder (recursively) or one file.
    pub fn import(&mut self, source: &Path) -> Result<ImportStats, DbError> {
        let mut stats = ImportStats::default();
        let tx = self.conn.transaction().map_err(sql(&self.path))?;
        import_into(
            &Writer {
                conn: &tx,
                path: &self.path,
            },
            source,
            &mut stats,
        )?;
        tx.commit().map_err(sql(&self.path))?;
        self.set_meta("built_at", &chrono::Utc::now().to_rfc3339())?;
        Ok(stats)
    }

    /// Advisory rows for one package: (advisory id, ecosystem as the advisory wrote it,
    /// the affected entry).
    pub fn affected_for(
        &self,
        ecosystem: &str,
        name: &str,
    ) -> Result<Vec<(String, String, Affected)>, DbError> {
        self.affected_by_key(base_ecosystem(ecosystem), &normalize_name(ecosystem, name))
    }

    /// Like [`Database::affected_for`] for a name already normalised for its base
    /// ecosystem (the key the `affected` table is indexed by).
    pub fn affected_by_key(
        &self,
        base_ecosystem: &str,
        normalized_name: &str,
    ) -> Result<Vec<(String, String, Affected)>, DbError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT f.advisory_id, f.ecosystem, f.data FROM affected f JOIN advisory a ON a.id = f.advisory_id
                 WHERE f.base_ecosystem = ?1 AND f.name = ?2 AND a.withdrawn = 0",
            )
            .map_err(sql(&self.path))?;
        let mut rows = stmt
            .query(params![base_ecosystem, normalized_name])
            .map_err(sql(&self.path))?;
        let mut out = vec![];
        while let Some(row) = rows.next().map_err(sql(&self.path))? {
            let (Ok(id), Ok(eco), Ok(data)) = (
                row.get::<_, String>(0),
                row.get::<_, String>(1),
                row.get_ref(2).and_then(|v| v.as_str().map_err(Into::into)),
            ) else {
                continue;
            };
            if let Ok(a) = serde_json::from_str::<Affected>(data) {
                out.push((id, eco, a));
            }
        }
        Ok(out)
    }

    /// The two queries matching runs for every package name and every matched advisory,
    /// prepared once for a whole inventory.
    pub fn matching_queries(&self) -> Result<MatchingQueries<'_>, DbError> {
        let prepare = |q: &str| self.conn.prepare(q).map_err(sql(&self.path));
        Ok(MatchingQueries {
            entries: prepare(
                "SELECT advisory_id, ecosystem, data FROM affected WHERE base_ecosystem = ?1 AND name = ?2",
            )?,
            facts: prepare(
                "SELECT withdrawn, summary, severity, severity_source, aliases, refs FROM advisory WHERE id = ?1",
            )?,
            path: &self.path,
        })
    }

    /// Summary facts about one advisory for reports.
    pub fn advisory_info(&self, id: &str) -> Result<Option<AdvisoryInfo>, DbError> {
        self.conn
            .prepare_cached(
                "SELECT id, summary, severity, score, severity_source, aliases, refs FROM advisory WHERE id = ?1",
            )
            .map_err(sql(&self.path))?
            .query_row(params![id], |r| {
                Ok(AdvisoryInfo {
                    id: r.get(0)?,
                    summary: r.get(1)?,
                    severity: r
                        .get::<_, String>(2)?
                        .parse()
                        .unwrap_or(palisade_core::Severity::Medium),
                    score: r.get(3)?,
                    severity_source: r.get(4)?,
                    aliases: serde_json::from_str(&r.get::<_, String>(5)?).unwrap_or_default(),
                    references: serde_json::from_str(&r.get::<_, String>(6)?).unwrap_or_default(),
                })
            })
            .optional()
            .map_err(sql(&self.path))
    }

    /// The original OSV record as imported.
    pub fn original_record(&self, id: &str) -> Result<Option<String>, DbError> {
        let blob: Option<Vec<u8>> = self
            .conn
            .query_row(
                "SELECT record FROM advisory WHERE id = ?1",
                params![id],
                |r| r.get(0),
            )
            .optional()
            .map_err(sql(&self.path))?;
        Ok(blob.map(|b| {
            let mut s = String::new();
            DeflateDecoder::new(&b[..]).read_to_string(&mut s).ok();
            s
        }))
    }

    pub fn status(&self) -> Result<Status, DbError> {
        let p = &self.path;
        let advisories: i64 = self
            .conn
            .query_row("SELECT count(*) FROM advisory", [], |r| r.get(0))
            .map_err(sql(p))?;
        let mut stmt = self
            .conn
            .prepare(
                "SELECT base_ecosystem, count(DISTINCT advisory_id) FROM affected GROUP BY base_ecosystem ORDER BY base_ecosystem",
            )
            .map_err(sql(p))?;
        let per_ecosystem = stmt
            .query_map([], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as usize))
            })
            .map_err(sql(p))?
            .flatten()
            .collect();
        Ok(Status {
            path: p.clone(),
            schema_version: SCHEMA_VERSION,
            built_at: self.meta("built_at"),
            advisories: advisories as usize,
            per_ecosystem,
            size_bytes: std::fs::metadata(p).map(|m| m.len()).unwrap_or(0),
        })
    }

    /// Age of the data in days, from the last import or update.
    pub fn age_days(&self) -> Option<i64> {
        let built = self.meta("built_at")?;
        let t = chrono::DateTime::parse_from_rfc3339(&built).ok()?;
        Some((chrono::Utc::now() - t.with_timezone(&chrono::Utc)).num_days())
    }
}

/// Prepared statements for matching one inventory (see [`Database::matching_queries`]).
pub struct MatchingQueries<'db> {
    entries: rusqlite::Statement<'db>,
    facts: rusqlite::Statement<'db>,
    path: &'db Path,
}

impl MatchingQueries<'_> {
    /// Affected entries filed under one package key, appended to `out`, without the
    /// advisory facts: the matcher decides on these alone and reads the facts (and the
    /// withdrawn flag, see [`MatchingQueries::finding_facts`]) only for advisories that match,
    /// which spares a join per row.
    pub fn append_affected_entries(
        &mut self,
        base_ecosystem: &str,
        normalized_name: &str,
        out: &mut Vec<AffectedEntry>,
    ) -> Result<(), DbError> {
        let mut rows = self
            .entries
            .query(params![base_ecosystem, normalized_name])
            .map_err(sql(self.path))?;
        while let Some(row) = rows.next().map_err(sql(self.path))? {
            let (Ok(advisory_id), Ok(ecosystem), Ok(data)) = (
                row.get::<_, String>(0),
                row.get::<_, String>(1),
                row.get_ref(2).and_then(|v| v.as_str().map_err(Into::into)),
            ) else {
                continue;
            };
            if let Ok(stored) = serde_json::from_str::<StoredAffected>(data) {
                out.push(AffectedEntry {
                    advisory_id,
                    ecosystem,
                    ranges: stored.ranges,
                    versions: stored.versions,
                });
            }
        }
        Ok(())
    }

    /// What a finding takes from an advisory, or `None` when it is withdrawn or absent.
    /// Text is read straight into shared strings: a report holds one copy per advisory,
    /// however many packages it affects.
    pub fn finding_facts(&mut self, id: &str) -> Result<Option<FindingFacts>, DbError> {
        self.facts
            .query_row(params![id], |r| {
                if r.get::<_, i64>(0)? != 0 {
                    return Ok(None);
                }
                let text = |i: usize| -> rusqlite::Result<&str> {
                    Ok(r.get_ref(i)?.as_str().unwrap_or_default())
                };
                let summary = match r.get_ref(1)? {
                    rusqlite::types::ValueRef::Text(t) => {
                        std::str::from_utf8(t).ok().map(Arc::from)
                    }
                    _ => None,
                };
                let references: Vec<String> = serde_json::from_str(text(5)?).unwrap_or_default();
                Ok(Some(FindingFacts {
                    summary,
                    severity: text(2)?.parse().unwrap_or(palisade_core::Severity::Medium),
                    severity_source: format!("{id}: {}", text(3)?).into(),
                    aliases: serde_json::from_str(text(4)?).unwrap_or_default(),
                    references: references.into(),
                }))
            })
            .optional()
            .map(Option::flatten)
            .map_err(sql(self.path))
    }
}

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

/// Writes records through a connection or an open transaction.
pub struct Writer<'a> {
    conn: &'a Connection,
    path: &'a Path,
}

impl Writer<'_> {
    /// The record stored under `id`, as imported.
    fn stored(&self, id: &str) -> Option<Advisory> {
        let blob: Vec<u8> = self
            .conn
            .query_row(
                "SELECT record FROM advisory WHERE id = ?1",
                params![id],
                |r| r.get(0),
            )
            .ok()?;
        let mut text = Vec::new();
        DeflateDecoder::new(&blob[..])
            .take(MAX_RECORD_BYTES)
            .read_to_end(&mut text)
            .ok()?;
        osv::parse_record(&text, false).ok()
    }

    fn insert(&self, adv: &Advisory, raw: &[u8]) -> Result<(), DbError> {
        let p = self.path;
        let rated = severity::rate(adv);
        let mut enc = DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(raw).ok();
        let blob = enc.finish().unwrap_or_default();
        let refs: Vec<&str> = adv.references.iter().map(|r| r.url.as_str()).collect();
        self.conn
            .execute(
                "DELETE FROM affected WHERE advisory_id = ?1",
                params![adv.id],
            )
            .map_err(sql(p))?;
        self.conn
            .execute("DELETE FROM alias WHERE advisory_id = ?1", params![adv.id])
            .map_err(sql(p))?;
        self.conn
            .execute(
                "INSERT OR REPLACE INTO advisory VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)",
                params![
                    adv.id,
                    adv.modified,
                    adv.withdrawn.is_some() as i64,
                    adv.summary,
                    rated.severity.as_str(),
                    rated.score,
                    rated.source,
                    serde_json::to_string(&adv.aliases).unwrap_or_default(),
                    serde_json::to_string(&refs).unwrap_or_default(),
                    blob
                ],
            )
            .map_err(sql(p))?;
        let mut alias_stmt = self
            .conn
            .prepare_cached("INSERT INTO alias VALUES (?1, ?2)")
            .map_err(sql(p))?;
        for a in &adv.aliases {
            alias_stmt.execute(params![a, adv.id]).map_err(sql(p))?;
        }
        let mut stmt = self
            .conn
            .prepare_cached("INSERT INTO affected VALUES (?1, ?2, ?3, ?4, ?5)")
            .map_err(sql(p))?;
        for a in &adv.affected {
            let Some(pkg) = &a.package else { continue };
            if pkg.name.is_empty() || pkg.ecosystem.is_empty() {
                continue;
            }
            let slim = Affected {
                package: None,
                ranges: a
                    .ranges
                    .iter()
                    .filter(|r| r.kind != "GIT")
                    .cloned()
                    .collect(),
                versions: a.versions.clone(),
                severity: vec![],
                ecosystem_specific: None,
                database_specific: None,
            };
            stmt.execute(params![
                base_ecosystem(&pkg.ecosystem),
                pkg.ecosystem,
                normalize_name(&pkg.ecosystem, &pkg.name),
                adv.id,
                serde_json::to_string(&slim).unwrap_or_default()
            ])
            .map_err(sql(p))?;
        }
        Ok(())
    }
}

/// One `affected` row: the advisory it belongs to, the ecosystem as the advisory wrote
/// it, and the entry's ranges and versions.
#[derive(Debug, Clone)]
pub struct AffectedEntry {
    pub advisory_id: String,
    pub ecosystem: String,
    pub ranges: Vec<Range>,
    pub versions: VersionList,
}

/// The parts of a stored `affected` entry that matching reads.
#[derive(serde::Deserialize)]
struct StoredAffected {
    #[serde(default)]
    ranges: Vec<Range>,
    #[serde(default)]
    versions: VersionList,
}

/// The facts of one advisory that its findings share.
#[derive(Debug, Clone)]
pub struct FindingFacts {
    pub summary: Option<Arc<str>>,
    pub severity: palisade_core::Severity,
    /// `"<id>: <where the severity came from>"`.
    pub severity_source: Arc<str>,
    pub aliases: Vec<String>,
    pub references: Arc<[String]>,
}

#[derive(Debug, Clone)]
pub struct AdvisoryInfo {
    pub id: String,
    pub summary: Option<String>,
    pub severity: palisade_core::Severity,
    pub score: Option<f64>,
    pub severity_source: String,
    pub aliases: Vec<String>,
    pub references: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Status {
    pub path: PathBuf,
    pub schema_version: i64,
    pub built_at: Option<String>,
    pub advisories: usize,
    pub per_ecosystem: Vec<(String, usize)>,
    pub size_bytes: u64,
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "database:   {}", self.path.display())?;
        writeln!(f, "schema:     {}", self.schema_version)?;
        writeln!(
            f,
            "updated:    {}",
            self.built_at.as_deref().unwrap_or("unknown")
        )?;
        writeln!(
            f,
            "size:       {:.1} MiB",
            self.size_bytes as f64 / 1048576.0
        )?;
        writeln!(f, "advisories: {}", self.advisories)?;
        for (eco, n) in &self.per_ecosystem {
            writeln!(f, "  {eco:<16} {n}")?;
        }
        Ok(())
    }
}

fn is_record_name(name: &str) -> Option<bool> {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".json") {
        Some(false)
    } else if lower.ends_with(".yaml") || lower.ends_with(".yml") {
        Some(true)
    } else {
        None
    }
}

fn import_bytes(db: &Writer<'_>, file: &str, bytes: &[u8], yaml: bool, stats: &mut ImportStats) {
    let value = match osv::parse_document(bytes, yaml) {
        Ok(v) => v,
        Err(e) => {
            stats.warnings.push(ImportWarning {
                file: file.into(),
                id: None,
                message: format!("skipped malformed record: {e}"),
            });
            return;
        }
    };
    // osv-scalibr style bundles: {"vulns": [...]}
    if let Some(serde_json::Value::Array(items)) = value.get("vulns") {
        for item in items {
            let raw = serde_json::to_vec(item).unwrap_or_default();
            import_bytes(db, file, &raw, false, stats);
        }
        return;
    }
    if secdb::is_secdb(&value) {
        import_secdb(db, file, &value, stats);
        return;
    }
    let id = value.get("id").and_then(|x| x.as_str()).map(str::to_string);
    match osv::record_from_value(value) {
        Ok(adv) => {
            if adv.withdrawn.is_some() {
                stats.withdrawn += 1;
            }
            match db.insert(&adv, bytes) {
                Ok(()) => stats.imported += 1,
                Err(e) => stats.warnings.push(ImportWarning {
                    file: file.into(),
                    id: Some(adv.id),
                    message: e.to_string(),
                }),
            }
        }
        Err(e) => stats.warnings.push(ImportWarning {
            file: file.into(),
            id,
            message: format!("skipped malformed record: {e}"),
        }),
    }
}

/// One Alpine secdb file: its advisories are merged with what earlier files of other
/// releases stored under the same ids.
fn import_secdb(db: &Writer<'_>, file: &str, doc: &serde_json::Value, stats: &mut ImportStats) {
    let parsed = match secdb::advisories(doc) {
        Ok(a) => a,
        Err(message) => {
            stats.warnings.push(ImportWarning {
                file: file.into(),
                id: None,
                message,
            });
            return;
        }
    };
    for entry in parsed.skipped {
        stats.warnings.push(ImportWarning {
            file: file.into(),
            id: None,
            message: format!("skipped secfixes entry without a vulnerability id: {entry}"),
        });
    }
    for mut adv in parsed.advisories {
        if let Some(stored) = db.stored(&adv.id) {
            secdb::merge_stored(&mut adv, &stored);
        }
        let raw = serde_json::to_vec(&adv).unwrap_or_default();
        match db.insert(&adv, &raw) {
            Ok(()) => stats.imported += 1,
            Err(e) => stats.warnings.push(ImportWarning {
                file: file.into(),
                id: Some(adv.id),
                message: e.to_string(),
            }),
        }
    }
}

fn import_into(db: &Writer<'_>, source: &Path, stats: &mut ImportStats) -> Result<(), DbError> {
    let meta = std::fs::symlink_metadata(source).map_err(|e| DbError::Io {
        path: source.display().to_string(),
        message: e.to_string(),
    })?;
    if meta.is_dir() {
        let mut stack = vec![source.to_path_buf()];
        while let Some(dir) = stack.pop() {
            let Ok(rd) = std::fs::read_dir(&dir) else {
                continue;
            };
            let mut entries: Vec<_> = rd.flatten().collect();
            entries.sort_by_key(|e| e.file_name());
            for e in entries {
                let Ok(ft) = e.file_type() else { continue };
                let path = e.path();
                if ft.is_symlink() {
                    continue;
                }
                if ft.is_dir() {
                    stack.push(path);
                } else if ft.is_file() {
                    let name = path.to_string_lossy().to_string();
                    if name.to_ascii_lowercase().ends_with(".zip") {
                        import_zip(db, &path, stats)?;
                    } else if let Some(yaml) = is_record_name(&name) {
                        read_record_file(db, &path, yaml, stats);
                    }
                }
            }
        }
        return Ok(());
    }
    // a FIFO or a device given as the source is an error, not a skipped record
    palisade_core::fsio::open_regular(source)?;
    let name = source.to_string_lossy().to_ascii_lowercase();
    if name.ends_with(".zip") {
        import_zip(db, source, stats)
    } else {
        read_record_file(db, source, is_record_name(&name).unwrap_or(false), stats);
        Ok(())
    }
}

fn read_record_file(db: &Writer<'_>, path: &Path, yaml: bool, stats: &mut ImportStats) {
    let file = path.display().to_string();
    match palisade_core::fsio::read_limited(path, MAX_RECORD_BYTES) {
        Ok(bytes) => import_bytes(db, &file, &bytes, yaml, stats),
        Err(e) => stats.warnings.push(ImportWarning {
            file,
            id: None,
            message: format!("skipped: {}", e.reason()),
        }),
    }
}

/// Reads OSV records from a zip archive. Nothing is extracted to disk; entry names with
/// `..` or absolute paths are refused, and entries that expand past the size or ratio
/// limits abort the archive (a zip bomb is not a partial success).
pub fn import_zip(db: &Writer<'_>, path: &Path, stats: &mut ImportStats) -> Result<(), DbError> {
    let shown = path.display().to_string();
    let refuse = |message: String| DbError::Archive {
        path: shown.clone(),
        message,
    };
    let (file, _) = palisade_core::fsio::open_regular(path)?;
    let mut zip = zip::ZipArchive::new(file).map_err(|e| refuse(e.to_string()))?;
    if zip.len() > MAX_ENTRIES {
        return Err(refuse(format!(
            "{} entries (limit {MAX_ENTRIES})",
            zip.len()
        )));
    }
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(|e| refuse(e.to_string()))?;
        let name = entry.name().to_string();
        if entry.is_dir() {
            continue;
        }
        if entry.enclosed_name().is_none() {
            stats.warnings.push(ImportWarning {
                file: format!("{shown}!{name}"),
                id: None,
                message: "refused entry: path escapes the archive".into(),
            });
            continue;
        }
        let Some(yaml) = is_record_name(&name) else {
            continue;
        };
        let declared = entry.size();
        let compressed = entry.compressed_size().max(1);
        if declared > MAX_RECORD_BYTES || declared / compressed > MAX_RATIO {
            return Err(refuse(format!(
                "entry {name} expands to {declared} bytes from {compressed} (zip bomb?)"
            )));
        }
        let mut bytes = Vec::with_capacity(declared as usize);
        // the declared size can lie; never read more than the limit
        (&mut entry)
            .take(MAX_RECORD_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| refuse(format!("entry {name}: {e}")))?;
        if bytes.len() as u64 > MAX_RECORD_BYTES {
            return Err(refuse(format!(
                "entry {name} larger than {MAX_RECORD_BYTES} bytes"
            )));
        }
        total += bytes.len() as u64;
        if total > MAX_ARCHIVE_BYTES {
            return Err(refuse(format!("expands past {MAX_ARCHIVE_BYTES} bytes")));
        }
        import_bytes(db, &format!("{shown}!{name}"), &bytes, yaml, stats);
    }
    Ok(())
}
