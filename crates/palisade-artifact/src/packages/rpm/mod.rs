//! rpm databases: `rpmdb.sqlite` (rpm ≥ 4.16, Fedora/RHEL 9), NDB `Packages.db`
//! (SUSE) and Berkeley DB `Packages` (RHEL/CentOS ≤ 8, Amazon Linux 2), each a set of
//! header blobs.

pub mod bdb;
pub mod header;
pub mod ndb;

use std::io::Write;

use header::*;

use super::{attribute_layers, OsPackage, PackageDbError, PackageManager};
use crate::fs::ImageFs;

const DB_PATHS: &[&str] = &[
    "var/lib/rpm/rpmdb.sqlite",
    "usr/lib/sysimage/rpm/rpmdb.sqlite",
    "var/lib/rpm/Packages.db",
    "usr/lib/sysimage/rpm/Packages.db",
    "var/lib/rpm/Packages",
    "usr/lib/sysimage/rpm/Packages",
];

/// One package from a header blob; `None` for headers without name or version (the
/// gpg-pubkey pseudo packages are kept, as `rpm -qa` lists them).
pub fn package_from_header(blob: &[u8], db_path: &str) -> Result<Option<OsPackage>, HeaderError> {
    let h = Header::parse(blob)?;
    let (Some(name), Some(version)) = (h.string(TAG_NAME), h.string(TAG_VERSION)) else {
        return Ok(None);
    };
    let release = h.string(TAG_RELEASE).unwrap_or_default();
    let epoch = h.int32(TAG_EPOCH);
    let evr = |v: &str, r: &str| {
        let vr = if r.is_empty() {
            v.to_string()
        } else {
            format!("{v}-{r}")
        };
        match epoch {
            Some(e) if e > 0 => format!("{e}:{vr}"),
            _ => vr,
        }
    };
    let (source_name, source_version) = match h.string(TAG_SOURCERPM) {
        Some(srpm) => match split_source_rpm(&srpm) {
            Some((n, v, r)) => (Some(n), Some(evr(&v, &r))),
            None => (None, None),
        },
        None => (None, None),
    };
    Ok(Some(OsPackage {
        version: evr(&version, &release),
        name,
        arch: h.string(TAG_ARCH),
        source_name,
        source_version,
        modularity_label: h.string(TAG_MODULARITYLABEL).filter(|l| !l.is_empty()),
        license: h.string(TAG_LICENSE),
        manager: Some(PackageManager::Rpm),
        layer: 0,
        db_path: db_path.to_string(),
    }))
}

/// `openssl-3.0.1-43.el9_0.src.rpm` to (`openssl`, `3.0.1`, `43.el9_0`).
pub fn split_source_rpm(srpm: &str) -> Option<(String, String, String)> {
    let base = srpm.strip_suffix(".rpm")?;
    let base = base.rsplit_once('.').map(|(b, _arch)| b)?;
    let (nv, release) = base.rsplit_once('-')?;
    let (name, version) = nv.rsplit_once('-')?;
    Some((name.to_string(), version.to_string(), release.to_string()))
}

/// Reads every header of an rpm database file's bytes.
pub fn parse_db(
    bytes: &[u8],
    db_path: &str,
    scratch: &std::path::Path,
) -> Result<(Vec<OsPackage>, Vec<String>), String> {
    let blobs = if db_path.ends_with(".sqlite") {
        sqlite_blobs(bytes, scratch)?
    } else if db_path.ends_with(".db") {
        ndb::blobs(bytes)?
    } else {
        // Key 0 holds rpm's next-header-number counter, not a header.
        bdb::blobs(bytes)?
            .into_iter()
            .filter(|(key, _)| *key != 0)
            .collect()
    };
    let mut packages = Vec::new();
    let mut problems = Vec::new();
    for (id, blob) in blobs {
        match package_from_header(&blob, db_path) {
            Ok(Some(p)) => packages.push(p),
            Ok(None) => {}
            Err(e) => problems.push(format!("package record {id}: corrupt header: {e}")),
        }
    }
    Ok((packages, problems))
}

fn sqlite_blobs(bytes: &[u8], scratch: &std::path::Path) -> Result<Vec<(i64, Vec<u8>)>, String> {
    let mut file = tempfile::Builder::new()
        .prefix("rpmdb-")
        .suffix(".sqlite")
        .tempfile_in(scratch)
        .map_err(|e| format!("cannot write scratch copy: {e}"))?;
    file.write_all(bytes)
        .map_err(|e| format!("cannot write scratch copy: {e}"))?;
    let uri = format!("file:{}?immutable=1", file.path().display());
    let conn = rusqlite::Connection::open_with_flags(
        uri,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_URI,
    )
    .map_err(|e| format!("not an sqlite database: {e}"))?;
    let mut stmt = conn
        .prepare("SELECT hnum, blob FROM Packages")
        .map_err(|e| format!("no Packages table: {e}"))?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?)))
        .map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for row in rows {
        out.push(row.map_err(|e| format!("reading Packages: {e}"))?);
    }
    Ok(out)
}

pub(crate) fn collect(
    fs: &ImageFs,
    packages: &mut Vec<OsPackage>,
    errors: &mut Vec<PackageDbError>,
) {
    let scratch = fs
        .scratch_dir()
        .map(|p| p.to_path_buf())
        .unwrap_or_else(std::env::temp_dir);
    for path in DB_PATHS {
        let Some(node) = fs.get(path) else {
            continue;
        };
        let Some(Ok(bytes)) = fs.read(path) else {
            continue;
        };
        match parse_db(&bytes, path, &scratch) {
            Ok((mut found, problems)) => {
                for p in &mut found {
                    p.layer = node.layer;
                }
                attribute_layers(fs, path, &mut found, &|b| {
                    parse_db(b, path, &scratch)
                        .map(|(p, _)| p)
                        .unwrap_or_default()
                });
                packages.extend(found);
                errors.extend(problems.into_iter().map(|message| PackageDbError {
                    path: path.to_string(),
                    message,
                }));
            }
            Err(message) => errors.push(PackageDbError {
                path: path.to_string(),
                message,
            }),
        }
        // The first database found is the one rpm uses.
        return;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_rpm_names_split() {
        assert_eq!(
            split_source_rpm("openssl-3.0.1-43.el9_0.src.rpm"),
            Some(("openssl".into(), "3.0.1".into(), "43.el9_0".into()))
        );
        assert_eq!(split_source_rpm("garbage"), None);
    }

    #[test]
    fn header_to_package_with_epoch_and_source() {
        let b = header::tests::blob(
            &[
                (TAG_NAME, "openssl-libs"),
                (TAG_VERSION, "3.0.1"),
                (TAG_RELEASE, "43.el9_0"),
                (TAG_ARCH, "x86_64"),
                (TAG_SOURCERPM, "openssl-3.0.1-43.el9_0.src.rpm"),
                (TAG_MODULARITYLABEL, "nodejs:18:1:a"),
            ],
            Some(1),
        );
        let p = package_from_header(&b, "db").unwrap().unwrap();
        assert_eq!(p.version, "1:3.0.1-43.el9_0");
        assert_eq!(p.source_name.as_deref(), Some("openssl"));
        assert_eq!(p.source_version.as_deref(), Some("1:3.0.1-43.el9_0"));
        assert_eq!(p.modularity_label.as_deref(), Some("nodejs:18:1:a"));
    }
}
