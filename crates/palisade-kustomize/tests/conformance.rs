//! Conformance with `kubectl kustomize` (kustomize v5 embedded in the Debian `kubectl`
//! package): every kustomization folder of the corpus `kustomize-examples`, and overlays
//! generated from a seeded random source, rendered by both and compared after
//! normalisation (both outputs parsed to JSON values, documents compared in order).

use std::path::{Path, PathBuf};
use std::process::Command;

fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("PALISADE_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../../shared/corpus"
            ))
        });
    dir.is_dir().then_some(dir)
}

fn in_ci() -> bool {
    std::env::var_os("CI").is_some()
}

/// Skips locally, fails in CI.
fn unavailable(what: &str) {
    assert!(!in_ci(), "{what} (required when CI is set)");
    eprintln!("SKIP kustomize conformance: {what}");
}

fn kubectl() -> Option<PathBuf> {
    let path = std::env::var_os("PALISADE_KUBECTL")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("kubectl"));
    Command::new(&path)
        .args(["version", "--client"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|_| path)
}

/// `kubectl kustomize DIR` as JSON documents, or its error text.
fn reference(kubectl: &Path, dir: &Path) -> Result<Vec<serde_json::Value>, String> {
    let out = Command::new(kubectl)
        .arg("kustomize")
        .arg(dir)
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    Ok(normalise(&String::from_utf8_lossy(&out.stdout)))
}

fn normalise(text: &str) -> Vec<serde_json::Value> {
    let file: std::sync::Arc<Path> = std::sync::Arc::from(Path::new("rendered"));
    palisade_yaml::load(text)
        .expect("rendered YAML parses")
        .iter()
        .filter(|d| !d.root.is_null())
        .map(|d| palisade_kustomize::tree::Node::from_yaml(&d.root, &file).to_json())
        .collect()
}

fn ours(dir: &Path) -> Result<Vec<serde_json::Value>, String> {
    let r = palisade_kustomize::render(dir).map_err(|e| e.to_string())?;
    // through the text, so the YAML writer is checked too
    Ok(normalise(&r.yaml().text))
}

fn first_difference(a: &[serde_json::Value], b: &[serde_json::Value]) -> String {
    if a.len() != b.len() {
        return format!("{} documents, kubectl has {}", a.len(), b.len());
    }
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        if x != y {
            return format!(
                "document {i} differs:\n ours:    {}\n kubectl: {}",
                serde_json::to_string(x).unwrap(),
                serde_json::to_string(y).unwrap()
            );
        }
    }
    String::new()
}

fn kustomization_dirs(root: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    if palisade_kustomize::kustomization_file(root).is_some() {
        out.push(root.to_path_buf());
    }
    for p in entries {
        if p.is_dir() {
            kustomization_dirs(&p, out);
        }
    }
}

/// Folders of the corpus where the native rendering is known to differ, with why.
const KNOWN_DIFFERENCES: &[(&str, &str)] = &[];

#[test]
fn corpus_folders_render_as_kubectl_renders_them() {
    let Some(corpus) = corpus() else {
        return unavailable(
            "corpus not found (set PALISADE_CORPUS or place it at ../shared/corpus)",
        );
    };
    let Some(kubectl) = kubectl() else {
        return unavailable("kubectl not found (.ci/install.d/45-kubectl.sh installs it)");
    };
    let mut dirs = Vec::new();
    kustomization_dirs(&corpus.join("kustomize-examples"), &mut dirs);
    assert!(
        dirs.len() >= 10,
        "kustomize-examples holds {} kustomizations",
        dirs.len()
    );
    let (mut agree, mut skipped, mut differ) = (0, Vec::new(), Vec::new());
    for dir in &dirs {
        let rel = dir.strip_prefix(&corpus).unwrap().display().to_string();
        let expected = match reference(&kubectl, dir) {
            Ok(v) => v,
            Err(e) => {
                skipped.push(format!(
                    "{rel}: kubectl cannot render it: {}",
                    e.lines().last().unwrap_or("")
                ));
                continue;
            }
        };
        match ours(dir) {
            Ok(v) if v == expected => agree += 1,
            Ok(v) => differ.push(format!("{rel}: {}", first_difference(&v, &expected))),
            Err(e) => differ.push(format!("{rel}: error: {e}")),
        }
    }
    eprintln!(
        "kustomize-examples: {agree} of {} folders kubectl renders agree",
        dirs.len() - skipped.len()
    );
    for s in &skipped {
        eprintln!("  not compared: {s}");
    }
    let unexpected: Vec<&String> = differ
        .iter()
        .filter(|d| !KNOWN_DIFFERENCES.iter().any(|(k, _)| d.starts_with(k)))
        .collect();
    assert!(
        unexpected.is_empty(),
        "differences from kubectl kustomize:\n{}",
        differ.join("\n")
    );
}
