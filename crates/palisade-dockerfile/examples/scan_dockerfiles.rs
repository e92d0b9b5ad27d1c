//! Scans the Dockerfiles given as arguments and prints one finding per line
//! (`path:line rule severity message`). A stand-in for `palisade scan` while measuring.

fn main() {
    let mut findings = 0usize;
    let mut errors = 0usize;
    for path in std::env::args().skip(1) {
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("{path}: {e}");
                errors += 1;
                continue;
            }
        };
        match palisade_dockerfile::scan_dockerfile(&path, &text) {
            Ok(scan) => {
                for f in scan.findings {
                    findings += 1;
                    println!("{} {} {} {}", f.location, f.rule_id, f.severity, f.message);
                }
            }
            Err(e) => {
                errors += 1;
                eprintln!("{path}: {e}");
            }
        }
    }
    eprintln!("{findings} findings, {errors} errors");
}
