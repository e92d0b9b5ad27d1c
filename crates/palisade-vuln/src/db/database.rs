//! The database file: opening and creating it (schema, pragmas), metadata, snapshots,
//! per-package and per-advisory lookups, and its status.

use std::io::Read;
use std::path::{Path, PathBuf};

use flate2::read::DeflateDecoder;
use rusqlite::{params, Connection, OpenFlags, OptionalExtension};

use crate::inventory::{base_ecosystem, normalize_name};
use crate::osv::{Advisory, Affected};

use super::import::{import_into, ImportStats, Writer};
use super::queries::{AdvisoryInfo, MatchingQueries};
use super::{DbError, SCHEMA_VERSION};

pub struct Database {
    conn: Connection,
    path: PathBuf,
}

pub(super) fn sql(path: &Path) -> impl Fn(rusqlite::Error) -> DbError + '_ {
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
    pub(super) fn create_scratch(path: &Path) -> Result<Database, DbError> {
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
