//! `db update` against a real HTTP server on 127.0.0.1 serving real zips built from the
//! corpus: success, 304 reuse, and three failures (truncated archive, dropped connection,
//! 404) that must each leave the previous database fully usable.

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};

use palisade_testkit::archive_server::{serve, Reply};
use palisade_vuln::db::Database;
use palisade_vuln::update::{update, UpdateOptions};

/// A real zip of up to `n` records from a corpus folder.
fn zip_of(dir: &std::path::Path, n: usize) -> Vec<u8> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for f in files.iter().take(n) {
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        zip.start_file(f.file_name().unwrap().to_string_lossy(), opts)
            .unwrap();
        let mut bytes = vec![];
        std::fs::File::open(f)
            .unwrap()
            .read_to_end(&mut bytes)
            .unwrap();
        zip.write_all(&bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn count(db_path: &std::path::Path) -> usize {
    Database::open(db_path)
        .unwrap()
        .status()
        .unwrap()
        .advisories
}

#[test]
fn update_replaces_atomically_and_survives_failures() {
    let Some(corpus) = palisade_testkit::corpus("") else {
        return;
    };
    let rust = zip_of(&corpus.join("advisories-rustsec/osv"), 200);
    let go = zip_of(&corpus.join("advisories-go-osv/osv"), 100);
    let routes = Arc::new(Mutex::new(vec![
        ("/crates.io/all.zip".to_string(), Reply::Zip(rust.clone())),
        ("/Go/all.zip".to_string(), Reply::Zip(go.clone())),
    ]));
    let base = serve(routes.clone());
    let tmp = tempfile::tempdir().unwrap();
    let db_path = tmp.path().join("cache/osv.db");
    let opts = UpdateOptions {
        base_url: base,
        ecosystems: vec!["crates.io".into(), "Go".into()],
        progress: false,
        ..UpdateOptions::default()
    };

    let report = update(&db_path, &opts).unwrap();
    assert_eq!(report.downloaded, vec!["crates.io", "Go"]);
    assert_eq!(count(&db_path), 300);

    // nothing changed: 304 for both, database kept
    let report = update(&db_path, &opts).unwrap();
    assert!(report.unchanged);
    assert_eq!(count(&db_path), 300);

    let set = |reply: Reply| {
        routes.lock().unwrap()[1].1 = reply;
    };
    // truncated archive: served completely, but the zip itself is cut
    set(Reply::Zip(go[..go.len() / 2].to_vec()));
    let err = update(&db_path, &opts).unwrap_err().to_string();
    assert!(
        err.contains("archive refused") || err.contains("zip"),
        "{err}"
    );
    assert_eq!(count(&db_path), 300);

    // connection dropped mid-transfer
    set(Reply::DropAfter(go.clone(), go.len() / 3));
    let err = update(&db_path, &opts).unwrap_err().to_string();
    assert!(err.contains("transfer"), "{err}");
    assert_eq!(count(&db_path), 300);

    // 404
    set(Reply::NotFound);
    let err = update(&db_path, &opts).unwrap_err().to_string();
    assert!(err.contains("HTTP 404"), "{err}");
    assert_eq!(count(&db_path), 300);

    // no temporary files left behind
    let leftovers: Vec<_> = std::fs::read_dir(db_path.parent().unwrap())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n != "osv.db")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn zip_bombs_and_traversal_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    // path traversal entry: refused with a warning, the good record still imported
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    zip.start_file("../../evil.json", opts).unwrap();
    zip.write_all(br#"{"id":"EVIL-1"}"#).unwrap();
    zip.start_file("good.json", opts).unwrap();
    zip.write_all(br#"{"id":"GOOD-1","affected":[{"package":{"ecosystem":"npm","name":"x"},"versions":["1.0.0"]}]}"#).unwrap();
    zip.start_file("broken.json", opts).unwrap();
    zip.write_all(br#"{"id":"BROKEN-1","affected":"#).unwrap();
    let path = tmp.path().join("t.zip");
    std::fs::write(&path, zip.finish().unwrap().into_inner()).unwrap();
    let mut db = Database::create(&tmp.path().join("a.db")).unwrap();
    let stats = db.import(&path).unwrap();
    assert_eq!(stats.imported, 1);
    assert_eq!(stats.warnings.len(), 2, "{:?}", stats.warnings);
    assert!(stats.warnings[0].message.contains("escapes"));
    assert!(
        stats.warnings[1].to_string().contains("BROKEN-1")
            || stats.warnings[1].to_string().contains("broken.json")
    );

    // zip bomb: 64 MiB of zeros compresses ~1000:1
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("bomb.json", opts).unwrap();
    let zeros = vec![b' '; 1024 * 1024];
    for _ in 0..64 {
        zip.write_all(&zeros).unwrap();
    }
    let bomb = tmp.path().join("bomb.zip");
    std::fs::write(&bomb, zip.finish().unwrap().into_inner()).unwrap();
    let err = db.import(&bomb).unwrap_err().to_string();
    assert!(err.contains("zip bomb") || err.contains("larger"), "{err}");
    // the database is still intact
    assert_eq!(db.status().unwrap().advisories, 1);
}

#[test]
fn stale_temp_files_of_dead_runs_are_removed_and_live_ones_kept() {
    let tmp = tempfile::tempdir().unwrap();
    // pid 4194304 is above Linux's pid_max: no such process can be running
    let dead = tmp.path().join(".osv-4194304-1700000000000.db");
    let dead_zip = tmp.path().join(".osv-4194304-1700000000000-0.zip");
    let ours = tmp
        .path()
        .join(format!(".osv-{}-1700000000000.db", std::process::id()));
    let unrelated = tmp.path().join("osv.db");
    for p in [&dead, &dead_zip, &ours, &unrelated] {
        std::fs::write(p, b"partial").unwrap();
    }
    if std::path::Path::new("/proc/self").exists() {
        assert_eq!(palisade_vuln::db::remove_stale_temp_files(tmp.path()), 2);
        assert!(!dead.exists() && !dead_zip.exists());
    }
    assert!(ours.exists() && unrelated.exists());
}

#[test]
fn a_mirror_sending_one_byte_a_second_or_nothing_meets_a_named_deadline() {
    let routes = Arc::new(Mutex::new(vec![(
        "/crates.io/all.zip".to_string(),
        Reply::Slow(vec![b'P'; 1000], 1, std::time::Duration::from_secs(1)),
    )]));
    let slow = serve(routes);
    // a server that accepts and never answers
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let silent_url = format!("http://{}", silent.local_addr().unwrap());
    std::thread::spawn(move || {
        let held: Vec<_> = silent.incoming().take(4).collect();
        std::thread::sleep(std::time::Duration::from_secs(120));
        drop(held);
    });
    for (base, which) in [(slow, "global"), (silent_url, "response")] {
        let tmp = tempfile::tempdir().unwrap();
        let opts = UpdateOptions {
            base_url: base,
            ecosystems: vec!["crates.io".into()],
            progress: false,
            timeout: std::time::Duration::from_secs(3),
            ..UpdateOptions::default().with_idle_timeout(2)
        };
        let (tx, rx) = std::sync::mpsc::channel();
        let db_path = tmp.path().join("osv.db");
        std::thread::spawn(move || {
            let _ = tx.send(update(&db_path, &opts).map(|_| ()));
        });
        let err = rx
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("db update hung")
            .unwrap_err();
        assert!(
            matches!(err, palisade_vuln::db::DbError::Deadline { .. }),
            "{err}"
        );
        let text = err.to_string();
        assert!(text.contains("deadline passed"), "{text}");
        assert!(text.to_ascii_lowercase().contains(which), "{which}: {text}");
    }
}
