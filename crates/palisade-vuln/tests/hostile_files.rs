//! Files an attacker (or an accident) puts where Palisade expects data: a FIFO or a device
//! as the database, as the import source or inside an import folder, and imports where
//! every record is malformed. Each must be refused with a named error at once, never block,
//! and never replace a working database.

use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use palisade_core::fsio::{FileError, FileKind};
use palisade_vuln::db::{import_atomically, Database, DbError};

const RECORD: &str = r#"{"id":"RUSTSEC-2099-0001","modified":"2024-01-01T00:00:00Z","summary":"test","affected":[{"package":{"ecosystem":"crates.io","name":"demo"},"versions":["1.0.0"]}]}"#;

/// Fails the test instead of hanging it when `f` blocks (a regression reading a FIFO).
fn within_deadline<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(20))
        .expect("blocked for 20 s on a special file")
}

fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo");
    assert!(status.success());
}

fn not_regular(e: &DbError) -> Option<FileKind> {
    match e {
        DbError::File(FileError::NotRegular { kind, .. }) => Some(*kind),
        _ => None,
    }
}

/// A database with one advisory, and its folder.
fn working_db() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("good.json");
    std::fs::write(&src, RECORD).unwrap();
    let db = tmp.path().join("osv.db");
    let stats = import_atomically(&db, &src).unwrap();
    assert_eq!(stats.imported, 1);
    (tmp, db)
}

fn advisories(db: &Path) -> usize {
    Database::open(db).unwrap().status().unwrap().advisories
}

#[test]
fn a_fifo_or_device_as_the_database_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let fifo = tmp.path().join("osv.db");
    mkfifo(&fifo);
    let err = within_deadline(move || Database::open(&fifo).err().unwrap());
    assert_eq!(not_regular(&err), Some(FileKind::Fifo), "{err}");
    let err = within_deadline(|| Database::open(Path::new("/dev/zero")).err().unwrap());
    assert_eq!(not_regular(&err), Some(FileKind::CharDevice), "{err}");
    // an import into a database path that is a FIFO refuses instead of renaming over it
    let fifo = tmp.path().join("osv.db");
    let src = tmp.path().join("good.json");
    std::fs::write(&src, RECORD).unwrap();
    let err = within_deadline(move || import_atomically(&fifo, &src).unwrap_err());
    assert_eq!(not_regular(&err), Some(FileKind::Fifo), "{err}");
    assert!(std::fs::symlink_metadata(tmp.path().join("osv.db"))
        .unwrap()
        .file_type()
        .is_fifo());
}

#[test]
fn a_fifo_or_device_as_the_import_source_is_refused_and_the_database_kept() {
    let (tmp, db) = working_db();
    let fifo = tmp.path().join("records.json");
    mkfifo(&fifo);
    let db2 = db.clone();
    let err = within_deadline(move || import_atomically(&db2, &fifo).unwrap_err());
    assert_eq!(not_regular(&err), Some(FileKind::Fifo), "{err}");
    let db2 = db.clone();
    let err = within_deadline(move || import_atomically(&db2, Path::new("/dev/zero")).unwrap_err());
    assert_eq!(not_regular(&err), Some(FileKind::CharDevice), "{err}");
    let zip_link = tmp.path().join("all.zip");
    std::os::unix::fs::symlink("/dev/zero", &zip_link).unwrap();
    let db2 = db.clone();
    let err = within_deadline(move || import_atomically(&db2, &zip_link).unwrap_err());
    assert_eq!(not_regular(&err), Some(FileKind::CharDevice), "{err}");
    assert_eq!(advisories(&db), 1);
}

#[test]
fn fifos_inside_an_import_folder_do_not_block() {
    let (tmp, db) = working_db();
    let dir = tmp.path().join("advisories");
    std::fs::create_dir(&dir).unwrap();
    mkfifo(&dir.join("a.json"));
    std::os::unix::fs::symlink("/dev/zero", dir.join("b.json")).unwrap();
    std::fs::write(
        dir.join("c.json"),
        RECORD.replace("RUSTSEC-2099-0001", "RUSTSEC-2099-0002"),
    )
    .unwrap();
    let db2 = db.clone();
    let stats = within_deadline(move || import_atomically(&db2, &dir).unwrap());
    assert_eq!(stats.imported, 1);
    assert_eq!(advisories(&db), 2);
}

#[test]
fn an_import_where_every_record_is_malformed_fails_and_keeps_the_database() {
    let (tmp, db) = working_db();
    // one malformed file
    let bad = tmp.path().join("bad.json");
    std::fs::write(&bad, "{\"id\": 12}").unwrap();
    let err = import_atomically(&db, &bad).unwrap_err();
    assert!(
        matches!(err, DbError::NothingImported { skipped: 1, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("left unchanged"), "{err}");
    // a folder of malformed files
    let dir = tmp.path().join("junk");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("a.json"), "not json").unwrap();
    std::fs::write(dir.join("b.yaml"), "- [").unwrap();
    let err = import_atomically(&db, &dir).unwrap_err();
    assert!(
        matches!(err, DbError::NothingImported { skipped: 2, .. }),
        "{err}"
    );
    // an empty folder
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let err = import_atomically(&db, &empty).unwrap_err();
    assert!(
        matches!(err, DbError::NothingImported { skipped: 0, .. }),
        "{err}"
    );
    assert_eq!(advisories(&db), 1);
}

#[test]
fn lockfile_includes_refuse_special_files() {
    let tmp = tempfile::tempdir().unwrap();
    let fifo = tmp.path().join("base.txt");
    mkfifo(&fifo);
    let err =
        within_deadline(move || palisade_vuln::lockfile::read_lockfile_text(&fifo).unwrap_err());
    assert!(
        matches!(
            err,
            FileError::NotRegular {
                kind: FileKind::Fifo,
                ..
            }
        ),
        "{err}"
    );
    let err = palisade_vuln::lockfile::read_lockfile_text(Path::new("/dev/zero")).unwrap_err();
    assert!(
        matches!(
            err,
            FileError::NotRegular {
                kind: FileKind::CharDevice,
                ..
            }
        ),
        "{err}"
    );
}
