//! Scans a directory tree with the built-in rules on N threads and prints throughput:
//! a quick way to measure the engine alone, without the CLI's walker and other scanners.
//!
//!     cargo run --release -p palisade-secrets --example scan_tree -- DIR [THREADS]

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use palisade_secrets::{FileOutcome, Scanner};

fn walk(dir: PathBuf, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    for e in entries.flatten() {
        let Ok(t) = e.file_type() else { continue };
        if t.is_dir() {
            walk(e.path(), out);
        } else if t.is_file() {
            out.push(e.path());
        }
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let root = PathBuf::from(args.next().expect("usage: scan_tree DIR [THREADS]"));
    let threads: usize = args.next().and_then(|t| t.parse().ok()).unwrap_or(2);
    let mut files = Vec::new();
    walk(root.clone(), &mut files);
    let scanner = Scanner::builtin().unwrap();
    let next = AtomicUsize::new(0);
    let bytes = AtomicUsize::new(0);
    let found = AtomicUsize::new(0);
    let t0 = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(path) = files.get(i) else { break };
                let display = path.strip_prefix(&root).unwrap_or(path).to_string_lossy();
                if let Ok(FileOutcome::Scanned(m)) = scanner.scan_file(path, &display, u64::MAX) {
                    found.fetch_add(m.len(), Ordering::Relaxed);
                }
                let len = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
                bytes.fetch_add(len as usize, Ordering::Relaxed);
            });
        }
    });
    let secs = t0.elapsed().as_secs_f64();
    let mb = bytes.load(Ordering::Relaxed) as f64 / 1e6;
    println!(
        "{} files, {mb:.0} MB, {} matches, {secs:.2} s wall, {:.0} MB/s",
        files.len(),
        found.load(Ordering::Relaxed),
        mb / secs
    );
}
