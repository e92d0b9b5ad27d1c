//! Installed language packages on this machine, read by `palisade` and by the ecosystems'
//! own readers: Python's `importlib.metadata` over the interpreter's site-packages, and
//! Python's `zipfile` over the real jars of Debian's Java packages (Maven's libraries).

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

fn palisade(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_palisade"))
        .args(args)
        .env("PALISADE_DB", "no-vulnerability-database/osv.db")
        .output()
        .unwrap()
}

fn python(script: &str, arg: &str) -> Option<String> {
    let out = Command::new("python3")
        .args(["-c", script, arg])
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8(out.stdout).unwrap())
}

#[test]
fn site_packages_agree_with_importlib_metadata() {
    let Some(site) = python(
        "import os, pip; print(os.path.dirname(os.path.dirname(pip.__file__)))",
        "",
    ) else {
        eprintln!("skipped: no python3 with pip");
        return;
    };
    let site = site.trim().to_string();
    let expected: BTreeSet<String> = python(
        "import sys, importlib.metadata as m\nfor d in m.distributions(path=[sys.argv[1]]):\n    print(d.metadata['Name'], d.version)",
        &site,
    )
    .unwrap()
    .lines()
    .map(str::to_string)
    .collect();
    assert!(!expected.is_empty());
    // Only the metadata directories (and egg-info files), copied as they are: the rest of
    // site-packages is hundreds of megabytes that would only time the secret scanner.
    let copy = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(&site).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        let ty = entry.file_type().unwrap();
        if ty.is_dir() && (name.ends_with(".dist-info") || name.ends_with(".egg-info")) {
            for meta in ["METADATA", "PKG-INFO"] {
                let from = entry.path().join(meta);
                if from.is_file() {
                    std::fs::create_dir_all(copy.path().join(&name)).unwrap();
                    std::fs::copy(&from, copy.path().join(&name).join(meta)).unwrap();
                }
            }
        } else if ty.is_file() && name.ends_with(".egg-info") {
            std::fs::copy(entry.path(), copy.path().join(&name)).unwrap();
        }
    }
    let out = palisade(&[
        "image",
        "--rootfs",
        copy.path().to_str().unwrap(),
        "--list-packages",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let ours: BTreeSet<String> = stderr
        .lines()
        .filter(|l| l.starts_with("  ") && l.contains(" PyPI "))
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            format!("{} {}", f[0], f[1])
        })
        .collect();
    assert_eq!(ours, expected, "{stderr}");
}

const POM_PROPERTIES: &str = r#"
import os, sys, zipfile
for dirpath, _, files in os.walk(sys.argv[1]):
    for f in files:
        p = os.path.join(dirpath, f)
        if not f.endswith('.jar') or os.path.islink(p):
            continue
        try:
            z = zipfile.ZipFile(p)
        except Exception:
            continue
        found = False
        for n in z.namelist():
            if n.startswith('META-INF/maven/') and n.endswith('/pom.properties'):
                kv = {}
                for line in z.read(n).decode('utf-8', 'replace').splitlines():
                    line = line.strip()
                    if line and line[0] not in '#!' and '=' in line:
                        k, v = line.split('=', 1)
                        kv[k.strip()] = v.strip()
                if all(kv.get(k) for k in ('groupId', 'artifactId', 'version')):
                    print('pkg:maven/%s/%s@%s' % (kv['groupId'], kv['artifactId'], kv['version']))
                    found = True
        if not found:
            print('NOPOM')
"#;

#[test]
fn debian_jars_agree_with_zipfile() {
    let dir = "/usr/share/java";
    if !Path::new(dir).is_dir() {
        eprintln!("skipped: no {dir} (Debian's Java packages)");
        return;
    }
    let Some(reference) = python(POM_PROPERTIES, dir) else {
        eprintln!("skipped: no python3");
        return;
    };
    let without_pom = reference.lines().filter(|l| *l == "NOPOM").count();
    let expected: BTreeSet<&str> = reference.lines().filter(|l| *l != "NOPOM").collect();
    let out = palisade(&["sbom", dir, "--format", "cyclonedx"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let ours: BTreeSet<String> = doc["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["purl"].as_str().unwrap().to_string())
        .filter(|p| p.starts_with("pkg:maven/"))
        .collect();
    let missing: Vec<&&str> = expected.iter().filter(|p| !ours.contains(**p)).collect();
    assert!(missing.is_empty(), "not found by palisade: {missing:?}");
    // Jars without pom.properties are named from their manifest or file name instead.
    let extra = ours
        .iter()
        .filter(|p| !expected.contains(p.as_str()))
        .count();
    assert!(
        extra <= without_pom,
        "{extra} packages beyond the {without_pom} jars without pom.properties"
    );
    eprintln!(
        "{} Maven packages from pom.properties agree; {extra} more from manifests of {without_pom} jars",
        expected.len()
    );
}
