//! JavaScript lockfiles: package-lock.json (v1–v3) and npm-shrinkwrap.json, yarn.lock (v1
//! and Berry), pnpm-lock.yaml (v5–v9).

use std::collections::BTreeSet;

use palisade_yaml::Node;

use crate::inventory::Package;

use super::{keyed, load_tree, LockfileError};

pub(super) fn npm(path: &str, text: &str) -> Result<Vec<Package>, LockfileError> {
    let root = load_tree(path, text)?;
    let version = root
        .get("lockfileVersion")
        .and_then(|v| v.as_i64())
        .unwrap_or(1);
    if !(1..=3).contains(&version) {
        let line = root.get("lockfileVersion").map(|v| v.pos.line);
        return Err(LockfileError::new(
            path,
            line,
            format!("unknown lockfileVersion {version}"),
        ));
    }
    let mut out = vec![];
    if let Some(packages) = root.get("packages") {
        let top = packages.get("");
        let direct: BTreeSet<&str> = [
            "dependencies",
            "devDependencies",
            "optionalDependencies",
            "peerDependencies",
        ]
        .iter()
        .filter_map(|k| top.and_then(|t| t.get(k)))
        .flat_map(|m| keyed(m).into_iter().map(|(k, _, _)| k))
        .collect();
        for (key, line, node) in keyed(packages) {
            if key.is_empty() || node.get("link").and_then(|l| l.as_bool()) == Some(true) {
                continue;
            }
            let Some(idx) = key.rfind("node_modules/") else {
                continue;
            };
            let name = node
                .get("name")
                .and_then(|n| n.as_str())
                .unwrap_or(&key[idx + "node_modules/".len()..]);
            let Some(ver) = node.get("version").and_then(|v| v.as_str()) else {
                continue;
            };
            let top_level = key.matches("node_modules/").count() == 1;
            out.push(
                Package::new("npm", name, ver, path, Some(line))
                    .with_direct(Some(top_level && direct.contains(name))),
            );
        }
        return Ok(out);
    }
    fn walk(path: &str, deps: &Node, depth: usize, out: &mut Vec<Package>) {
        for (name, line, node) in keyed(deps) {
            if let Some(v) = node.get("version").and_then(|v| v.as_str()) {
                if !v.starts_with("file:") && !v.starts_with("link:") {
                    out.push(
                        Package::new("npm", name, v, path, Some(line)).with_direct(if depth == 0 {
                            None
                        } else {
                            Some(false)
                        }),
                    );
                }
            }
            if let Some(sub) = node.get("dependencies") {
                walk(path, sub, depth + 1, out);
            }
        }
    }
    if let Some(deps) = root.get("dependencies") {
        walk(path, deps, 0, &mut out);
    }
    Ok(out)
}

/// `name@range` → `name` (scoped names keep their leading `@`).
fn descriptor_name(desc: &str) -> &str {
    let d = desc.trim().trim_matches('"');
    let start = usize::from(d.starts_with('@'));
    match d[start..].find('@') {
        Some(i) => &d[..start + i],
        None => d,
    }
}

pub(super) fn yarn(path: &str, text: &str) -> Result<Vec<Package>, LockfileError> {
    let berry = text.contains("__metadata:");
    let mut out = vec![];
    let mut current: Option<(String, u32)> = None;
    for (i, line) in text.lines().enumerate() {
        let n = i as u32 + 1;
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if !line.starts_with(' ') {
            let head = line.trim_end().trim_end_matches(':');
            if head == "__metadata" {
                current = None;
                continue;
            }
            let first = head.split(", ").next().unwrap_or(head);
            let name = descriptor_name(first);
            if first.contains("@workspace:")
                || first.contains("@link:")
                || first.contains("@portal:")
            {
                current = None;
                continue;
            }
            current = Some((name.to_string(), n));
            continue;
        }
        let t = line.trim();
        let version = if berry {
            t.strip_prefix("version: ")
        } else {
            t.strip_prefix("version ")
        };
        if let (Some(v), Some((name, decl))) = (version, current.take()) {
            out.push(Package::new(
                "npm",
                name,
                v.trim().trim_matches('"'),
                path,
                Some(decl),
            ));
        }
    }
    if let Some((name, decl)) = current {
        return Err(LockfileError::new(
            path,
            Some(decl),
            format!("entry {name} has no version (truncated file?)"),
        ));
    }
    Ok(out)
}

pub(super) fn pnpm(path: &str, text: &str) -> Result<Vec<Package>, LockfileError> {
    let root = load_tree(path, text)?;
    let ver_node = root.get("lockfileVersion");
    let version: f64 = ver_node
        .and_then(|v| v.as_str())
        .and_then(|s| s.trim_matches('\'').parse().ok())
        .unwrap_or(0.0);
    if !(5.0..10.0).contains(&version) {
        return Err(LockfileError::new(
            path,
            ver_node.map(|v| v.pos.line),
            format!("unknown pnpm lockfileVersion {version}"),
        ));
    }
    let mut direct = BTreeSet::new();
    let importers: Vec<&Node> = match root.get("importers") {
        Some(imp) => keyed(imp).into_iter().map(|(_, _, n)| n).collect(),
        None => vec![&root],
    };
    for imp in importers {
        for k in ["dependencies", "devDependencies", "optionalDependencies"] {
            if let Some(m) = imp.get(k) {
                for (name, _, _) in keyed(m) {
                    direct.insert(name.to_string());
                }
            }
        }
    }
    let mut out = vec![];
    if let Some(packages) = root.get("packages") {
        for (key, line, _) in keyed(packages) {
            let key = key.trim_start_matches('/');
            let key = key.split('(').next().unwrap_or(key);
            let (name, ver) = if version < 6.0 {
                // v5: `/name/1.2.3` or `/@scope/name/1.2.3_peer`
                match key.rsplit_once('/') {
                    Some((n, v)) => (n, v.split('_').next().unwrap_or(v)),
                    None => continue,
                }
            } else {
                let start = usize::from(key.starts_with('@'));
                match key[start..].find('@') {
                    Some(i) => (&key[..start + i], &key[start + i + 1..]),
                    None => continue,
                }
            };
            out.push(
                Package::new("npm", name, ver, path, Some(line))
                    .with_direct(Some(direct.contains(name))),
            );
        }
    }
    Ok(out)
}
