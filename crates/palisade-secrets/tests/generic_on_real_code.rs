//! The generic rule's false positives on real source code: the crate sources in the local
//! cargo registry (read-only). Published crates do not ship live credentials, so every
//! generic finding there counts as a false positive. Bounded to keep CI fast.

use std::path::{Path, PathBuf};

use palisade_secrets::{FileOutcome, Scanner, GENERIC_RULE_ID};

const MAX_FILES: usize = 6000;
const MAX_BYTES: u64 = 30 << 20;

/// Rules that, like the generic rule, judge a value by its context rather than by a
/// provider's format: an environment lookup's fallback, XML element text, a legacy Google
/// client secret near its client ID, keys and JWKs inside base64, bare DER keys, OTP seeds
/// under OTP-named keys. Measured
/// here: none of them reports anything on the whole local registry (235 MB).
const CONTEXT_RULE_IDS: &[&str] = &[
    "SEC225", "SEC226", "SEC227", "SEC228", "SEC229", "SEC230", "SEC231",
];

fn registry_sources() -> Option<PathBuf> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))?;
    let src = home.join("registry/src");
    src.is_dir().then_some(src)
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(|e| e.ok()).collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        if out.len() >= MAX_FILES {
            return;
        }
        let Ok(kind) = e.file_type() else { continue };
        let path = e.path();
        if kind.is_dir() {
            collect(&path, out);
        } else if kind.is_file()
            && path.extension().is_some_and(|x| {
                matches!(
                    x.to_str(),
                    Some("rs" | "toml" | "md" | "json" | "yml" | "yaml")
                )
            })
        {
            out.push(path);
        }
    }
}

#[test]
fn generic_rule_is_quiet_on_published_crate_sources() {
    let Some(src) = registry_sources() else {
        println!("SKIP: no cargo registry sources found");
        return;
    };
    let mut files = Vec::new();
    collect(&src, &mut files);
    let scanner = Scanner::builtin().unwrap();
    let (mut bytes, mut scanned, mut generic) = (0u64, 0usize, Vec::new());
    let mut contextual = Vec::new();
    for path in &files {
        if bytes > MAX_BYTES {
            break;
        }
        let display = path
            .strip_prefix(&src)
            .unwrap_or(path)
            .display()
            .to_string();
        bytes += std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        scanned += 1;
        if let Ok(FileOutcome::Scanned(matches)) = scanner.scan_file(path, &display, 16 << 20) {
            for m in matches.iter().filter(|m| &*m.rule_id == GENERIC_RULE_ID) {
                generic.push(format!("{display}:{} {}", m.line, m.preview));
            }
            for m in matches
                .iter()
                .filter(|m| CONTEXT_RULE_IDS.contains(&&*m.rule_id))
            {
                contextual.push(format!("{} {display}:{} {}", m.rule_id, m.line, m.preview));
            }
        }
    }
    let mb = bytes as f64 / 1e6;
    println!(
        "generic rule on {scanned} files ({mb:.1} MB) of crate sources: {} findings ({:.2} per MB)",
        generic.len(),
        generic.len() as f64 / mb.max(0.001)
    );
    for g in &generic {
        println!("  {g}");
    }
    assert!(scanned > 0, "no files scanned under {}", src.display());
    assert!(
        contextual.is_empty(),
        "context rules reported published code:\n{}",
        contextual.join("\n")
    );
    // Measured here: 1 finding (a badge token in a README) on 63 MB; allow one per 20 MB.
    assert!(
        (generic.len() as f64) <= (mb / 20.0).max(2.0),
        "{} generic findings on {mb:.1} MB of published code",
        generic.len()
    );
}
