//! Lockfiles that list their pins flat: the `[[package]]` tables of Cargo.lock,
//! poetry.lock, uv.lock and pdm.lock; go.mod; Gemfile.lock; composer.lock; NuGet
//! packages.lock.json; gradle.lockfile.

use std::collections::{BTreeMap, BTreeSet};

use crate::inventory::Package;

use super::{keyed, line_of, load_tree, LockfileError};

/// `[[package]]` tables of Cargo.lock, poetry.lock, uv.lock and pdm.lock.
pub(super) fn toml_packages(
    path: &str,
    text: &str,
    ecosystem: &str,
) -> Result<Vec<Package>, LockfileError> {
    if let Err(e) = text.parse::<toml::Table>() {
        let line = e.span().map(|s| line_of(text, s.start));
        return Err(LockfileError::new(
            path,
            line,
            format!("cannot parse: {}", e.message()),
        ));
    }
    let mut out = vec![];
    let mut in_pkg = false;
    let mut cur: (Option<String>, Option<String>, u32) = (None, None, 0);
    let flush = |cur: &mut (Option<String>, Option<String>, u32), out: &mut Vec<Package>| {
        if let (Some(n), Some(v)) = (cur.0.take(), cur.1.take()) {
            out.push(Package::new(ecosystem, n, v, path, Some(cur.2)));
        }
    };
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.starts_with('[') {
            flush(&mut cur, &mut out);
            in_pkg = t == "[[package]]";
            cur.2 = i as u32 + 1;
            continue;
        }
        if !in_pkg {
            continue;
        }
        if let Some((k, v)) = t.split_once('=') {
            let v = v.trim().trim_matches('"').to_string();
            match k.trim() {
                "name" => {
                    cur.0 = Some(v);
                    cur.2 = i as u32 + 1;
                }
                "version" => cur.1 = Some(v),
                _ => {}
            }
        }
    }
    flush(&mut cur, &mut out);
    Ok(out)
}

pub(super) fn gomod(path: &str, text: &str) -> Result<Vec<Package>, LockfileError> {
    let mut out = vec![];
    let mut in_block = false;
    let mut saw_module = false;
    for (i, raw) in text.lines().enumerate() {
        let n = i as u32 + 1;
        let line = raw.trim();
        if line.starts_with("module ") {
            saw_module = true;
        }
        let indirect = line.contains("// indirect");
        let body = line.split("//").next().unwrap_or("").trim();
        let spec = if in_block {
            if body == ")" {
                in_block = false;
                continue;
            }
            body
        } else if body == "require (" {
            in_block = true;
            continue;
        } else if let Some(r) = body.strip_prefix("require ") {
            r.trim()
        } else {
            continue;
        };
        let mut parts = spec.split_whitespace();
        if let (Some(m), Some(v)) = (parts.next(), parts.next()) {
            out.push(Package::new("Go", m, v, path, Some(n)).with_direct(Some(!indirect)));
        }
    }
    if in_block {
        return Err(LockfileError::new(
            path,
            Some(text.lines().count() as u32),
            "unterminated require block (truncated file?)",
        ));
    }
    if !saw_module && !out.is_empty() {
        return Err(LockfileError::new(path, Some(1), "no module directive"));
    }
    Ok(out)
}

pub(super) fn gemfile(path: &str, text: &str) -> Result<Vec<Package>, LockfileError> {
    let mut out = vec![];
    let mut section = "";
    let mut direct = BTreeSet::new();
    for (i, line) in text.lines().enumerate() {
        if !line.starts_with(' ') && !line.trim().is_empty() {
            section = line.trim();
            continue;
        }
        if section == "DEPENDENCIES" {
            let name = line.trim().split([' ', '!']).next().unwrap_or("");
            direct.insert(name.to_string());
        }
        if section == "GEM" && line.starts_with("    ") && !line.starts_with("     ") {
            let t = line.trim();
            if let Some((name, rest)) = t.split_once(" (") {
                let ver = rest.trim_end_matches(')');
                let ver = ver.split('-').next().unwrap_or(ver);
                out.push(Package::new(
                    "RubyGems",
                    name,
                    ver,
                    path,
                    Some(i as u32 + 1),
                ));
            }
        }
    }
    for p in &mut out {
        p.direct = Some(direct.contains(&p.name));
    }
    Ok(out)
}

pub(super) fn composer(path: &str, text: &str) -> Result<Vec<Package>, LockfileError> {
    let root = load_tree(path, text)?;
    let mut out = vec![];
    for section in ["packages", "packages-dev"] {
        if let Some(list) = root.get(section) {
            for p in list.items() {
                if let (Some(n), Some(v)) = (
                    p.get("name").and_then(|x| x.as_str()),
                    p.get("version").and_then(|x| x.as_str()),
                ) {
                    let line = p.get("name").map(|x| x.pos.line).unwrap_or(p.pos.line);
                    out.push(Package::new(
                        "Packagist",
                        n,
                        v.trim_start_matches('v'),
                        path,
                        Some(line),
                    ));
                }
            }
        }
    }
    Ok(out)
}

pub(super) fn nuget_lock(path: &str, text: &str) -> Result<Vec<Package>, LockfileError> {
    let root = load_tree(path, text)?;
    let mut out: BTreeMap<(String, String), Package> = BTreeMap::new();
    if let Some(fw) = root.get("dependencies") {
        for (_, _, deps) in keyed(fw) {
            for (name, line, node) in keyed(deps) {
                let Some(v) = node.get("resolved").and_then(|x| x.as_str()) else {
                    continue;
                };
                let kind = node.get("type").and_then(|x| x.as_str()).unwrap_or("");
                if kind == "Project" {
                    continue;
                }
                out.entry((name.to_string(), v.to_string()))
                    .or_insert_with(|| {
                        Package::new("NuGet", name, v, path, Some(line))
                            .with_direct(Some(kind == "Direct"))
                    });
            }
        }
    }
    Ok(out.into_values().collect())
}

pub(super) fn gradle(path: &str, text: &str) -> Result<Vec<Package>, LockfileError> {
    let mut out = vec![];
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') || t.starts_with("empty=") {
            continue;
        }
        let coord = t.split('=').next().unwrap_or(t);
        let parts: Vec<&str> = coord.split(':').collect();
        if parts.len() == 3 {
            out.push(Package::new(
                "Maven",
                format!("{}:{}", parts[0], parts[1]),
                parts[2],
                path,
                Some(i as u32 + 1),
            ));
        } else {
            return Err(LockfileError::new(
                path,
                Some(i as u32 + 1),
                format!("not a group:artifact:version line: {t}"),
            ));
        }
    }
    Ok(out)
}
