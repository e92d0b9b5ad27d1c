//! Imports: OSV and Alpine secdb records read from zip archives, folders and single files,
//! and written through a [`Writer`]; bad records are skipped and counted.

use std::io::{Read, Write};
use std::path::Path;

use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;
use rusqlite::{params, Connection};

use crate::inventory::{base_ecosystem, normalize_name};
use crate::osv::{self, Advisory, Affected};
use crate::secdb;
use crate::severity;

use super::database::sql;
use super::{DbError, MAX_ARCHIVE_BYTES, MAX_ENTRIES, MAX_RATIO, MAX_RECORD_BYTES};

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

/// Writes records through a connection or an open transaction.
pub struct Writer<'a> {
    pub(super) conn: &'a Connection,
    pub(super) path: &'a Path,
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

    pub(super) fn insert(&self, adv: &Advisory, raw: &[u8]) -> Result<(), DbError> {
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

pub(super) fn import_into(
    db: &Writer<'_>,
    source: &Path,
    stats: &mut ImportStats,
) -> Result<(), DbError> {
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
