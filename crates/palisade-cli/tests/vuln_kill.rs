//! kill -9 of `palisade db update` and `palisade db import` in the middle of their work:
//! the previous database must open and match exactly as before, the killed run's partial
//! files must never be taken for the database, and the next run removes them.
//!
//! The archives come from a real HTTP server on 127.0.0.1 (palisade-testkit's archive
//! mirror, the one palisade-vuln's update tests use), made to serve slowly so that the kill
//! lands mid-download; a large archive of generated records makes the kill land while the
//! new database file is being written.

use crate::common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{stderr, stdout};
use palisade_testkit::archive_server::{serve, Reply};
use sha2::Digest;

const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../palisade-vuln/tests/fixtures"
);

fn palisade(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_palisade"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn spawn(dir: &Path, args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_palisade"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// A zip archive of OSV records.
fn zip_of(records: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in records {
        zip.start_file(name.as_str(), opts).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// The fixture advisories (those the "before" database holds).
fn fixture_records() -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(format!("{FIXTURES}/osv"))
        .unwrap()
        .flatten()
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

/// Many small generated records: an archive whose import takes long enough to be killed.
fn generated_records(n: usize) -> Vec<(String, Vec<u8>)> {
    (0..n)
        .map(|i| {
            let record = serde_json::json!({
                "id": format!("GEN-{i:06}"),
                "modified": "2024-01-01T00:00:00Z",
                "summary": "generated advisory",
                "affected": [{
                    "package": {"ecosystem": "npm", "name": format!("generated-{i}")},
                    "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.0.0"}]}]
                }]
            });
            (format!("GEN-{i:06}.json"), record.to_string().into_bytes())
        })
        .collect()
}

/// What a reader sees: the file's digest, its status and the findings of a scan.
#[derive(Debug, PartialEq)]
struct Observed {
    sha256: String,
    advisories: String,
    findings: Vec<(String, String)>,
}

fn observe(dir: &Path, db: &str) -> Observed {
    let bytes = std::fs::read(db).unwrap();
    let status = palisade(dir, &["db", "status", "--db", db]);
    assert!(status.status.success(), "status: {}", stderr(&status));
    let advisories = stdout(&status)
        .lines()
        .find(|l| l.starts_with("advisories:"))
        .unwrap_or_default()
        .to_string();
    let project = format!("{FIXTURES}/DEP001/fail");
    let scan = palisade(dir, &["scan", &project, "--db", db, "-f", "json"]);
    assert_ne!(scan.status.code(), Some(2), "scan: {}", stderr(&scan));
    let json: serde_json::Value = serde_json::from_str(&stdout(&scan)).unwrap();
    let findings = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap_or_default().to_string(),
                f["package"]["version"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            )
        })
        .collect();
    Observed {
        sha256: format!("{:x}", sha2::Sha256::digest(&bytes)),
        advisories,
        findings,
    }
}

fn temp_files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(".osv-"))
        })
        .collect();
    out.sort();
    out
}

/// Waits until a temporary file with `suffix` has data, then kills the child with SIGKILL.
/// Returns false when the child finished first (the kill came too late to test anything).
fn kill_when_written(child: &mut Child, dir: &Path, suffix: &str) -> bool {
    let deadline = Instant::now() + Duration::from_secs(120);
    while Instant::now() < deadline {
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        let written = temp_files(dir).iter().any(|p| {
            p.to_string_lossy().ends_with(suffix)
                && std::fs::metadata(p).map(|m| m.len() > 0).unwrap_or(false)
        });
        if written {
            child.kill().unwrap(); // SIGKILL on Unix: no destructor, no cleanup runs
            child.wait().unwrap();
            return true;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    panic!("no temporary {suffix} file appeared");
}

fn setup() -> (tempfile::TempDir, String, Observed) {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("cache").join("osv.db");
    let db = db.to_str().unwrap().to_string();
    let out = palisade(
        tmp.path(),
        &["db", "import", &format!("{FIXTURES}/osv"), "--db", &db],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let before = observe(tmp.path(), &db);
    assert!(
        !before.findings.is_empty(),
        "the fixture project has findings"
    );
    (tmp, db, before)
}

#[test]
fn killed_update_mid_download_and_mid_write_leaves_the_old_database() {
    let (tmp, db, before) = setup();
    let cache = Path::new(&db).parent().unwrap().to_path_buf();
    let routes = Arc::new(Mutex::new(vec![(
        "/npm/all.zip".to_string(),
        Reply::Slow(zip_of(&fixture_records()), 256, Duration::from_millis(40)),
    )]));
    let base = serve(routes.clone());
    let update = [
        "db",
        "update",
        "--db",
        &db,
        "--base-url",
        &base,
        "--ecosystems",
        "npm",
        "--quiet",
    ];

    // 1. killed while the archive trickles in
    let mut child = spawn(tmp.path(), &update);
    assert!(
        kill_when_written(&mut child, &cache, ".zip"),
        "update finished before the kill"
    );
    assert_eq!(observe(tmp.path(), &db), before);
    assert!(
        !temp_files(&cache).is_empty(),
        "the killed run left its partial download"
    );

    // 2. killed while the new database file is being written
    routes.lock().unwrap()[0].1 = Reply::Zip(zip_of(&generated_records(20_000)));
    let mut child = spawn(tmp.path(), &update);
    assert!(
        kill_when_written(&mut child, &cache, ".db"),
        "update finished before the kill"
    );
    assert_eq!(observe(tmp.path(), &db), before);
    assert!(temp_files(&cache)
        .iter()
        .any(|p| p.to_string_lossy().ends_with(".db")));

    // 3. the next update completes, replaces the database and removes the leftovers
    routes.lock().unwrap()[0].1 = Reply::Zip(zip_of(&fixture_records()));
    let out = palisade(tmp.path(), &update);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(temp_files(&cache), Vec::<PathBuf>::new());
    let after = observe(tmp.path(), &db);
    assert_eq!(after.findings, before.findings);
}

#[test]
fn killed_import_leaves_the_old_database() {
    let (tmp, db, before) = setup();
    let cache = Path::new(&db).parent().unwrap().to_path_buf();
    let archive = tmp.path().join("big.zip");
    std::fs::write(&archive, zip_of(&generated_records(20_000))).unwrap();

    let mut child = spawn(
        tmp.path(),
        &["db", "import", archive.to_str().unwrap(), "--db", &db],
    );
    assert!(
        kill_when_written(&mut child, &cache, ".db"),
        "import finished before the kill"
    );
    assert_eq!(observe(tmp.path(), &db), before);
    assert!(
        !temp_files(&cache).is_empty(),
        "the killed run left its partial database"
    );

    // the next import adds to the old database and removes the leftovers
    let out = palisade(
        tmp.path(),
        &[
            "db",
            "import",
            &format!("{FIXTURES}/osv/CVE-2019-10744.json"),
            "--db",
            &db,
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(temp_files(&cache), Vec::<PathBuf>::new());
    let after = observe(tmp.path(), &db);
    assert_eq!(after.advisories, before.advisories);
    assert_eq!(after.findings, before.findings);
}
