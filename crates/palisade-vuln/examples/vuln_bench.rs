//! Benchmark driver for bench/vuln.sh: import advisories, then match a generated inventory.
//!
//! usage: vuln_bench DB_PATH PACKAGES [SOURCE...]
//! With no SOURCE the existing database at DB_PATH is matched against (for profiling).

use std::time::Instant;

/// Time this process has spent on a CPU, in ms (`/proc/self/schedstat`), so that the
/// figure stays meaningful on a machine busy with other work.
fn cpu_ms() -> f64 {
    std::fs::read_to_string("/proc/self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map(|ns| ns / 1e6)
        .unwrap_or(f64::NAN)
}

use palisade_vuln::db::Database;
use palisade_vuln::Package;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: vuln_bench DB_PATH PACKAGES [SOURCE...]");
        std::process::exit(2);
    }
    let db_path = std::path::PathBuf::from(&args[1]);
    let n: usize = args[2].parse().expect("PACKAGES");
    let t = Instant::now();
    let mut imported = 0;
    if args.len() > 3 {
        let _ = std::fs::remove_file(&db_path);
        let mut db = Database::create(&db_path).expect("create");
        for src in &args[3..] {
            let stats = db.import(std::path::Path::new(src)).expect("import");
            imported += stats.imported;
        }
    }
    let import_s = t.elapsed().as_secs_f64();
    let size = std::fs::metadata(&db_path).map(|m| m.len()).unwrap_or(0);

    let t = Instant::now();
    let db = Database::open(&db_path).expect("open");
    let open_ms = t.elapsed().as_secs_f64() * 1000.0;

    // inventory: real package names from the database, mixed with names it does not know
    let names: Vec<(String, String)> = {
        let conn = rusqlite::Connection::open(&db_path).unwrap();
        let mut stmt = conn
            .prepare("SELECT DISTINCT base_ecosystem, name FROM affected ORDER BY name")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .flatten()
            .collect()
    };
    let versions = [
        "0.1.0", "1.0.0", "1.2.3", "2.0.0", "v0.3.1", "3.1.4", "0.9.12",
    ];
    let mut packages = Vec::with_capacity(n);
    for i in 0..n {
        let (eco, name) = if i % 3 == 0 || names.is_empty() {
            ("npm".to_string(), format!("unknown-package-{i}"))
        } else {
            names[i % names.len()].clone()
        };
        packages.push(Package::new(
            eco,
            name,
            versions[i % versions.len()],
            "bench.lock",
            Some(i as u32 + 1),
        ));
    }
    let t = Instant::now();
    let cpu = cpu_ms();
    let vulns = palisade_vuln::match_packages(&db, &packages).expect("match");
    let match_ms = t.elapsed().as_secs_f64() * 1000.0;
    let match_cpu_ms = cpu_ms() - cpu;
    println!("advisories imported: {imported}");
    println!("import time:         {import_s:.2} s");
    println!("database size:       {:.1} MiB", size as f64 / 1048576.0);
    println!("database open:       {open_ms:.2} ms");
    println!(
        "packages matched:    {n} in {match_ms:.0} ms, {match_cpu_ms:.0} ms on CPU ({} vulnerable findings)",
        vulns.len()
    );
}
