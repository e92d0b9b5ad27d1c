//! Python: requirements files (continuations, comments, `-r` includes, URL and archive
//! pins, requirements that pin no single version) and Pipfile.lock.

use std::collections::BTreeSet;

use crate::inventory::Package;

use super::{keyed, load_tree, Inventory, LockfileError, Unpinned};

pub(super) fn pipfile(path: &str, text: &str) -> Result<Vec<Package>, LockfileError> {
    let root = load_tree(path, text)?;
    let mut out = vec![];
    for section in ["default", "develop"] {
        if let Some(m) = root.get(section) {
            for (name, line, node) in keyed(m) {
                if let Some(v) = node.get("version").and_then(|v| v.as_str()) {
                    out.push(
                        Package::new("PyPI", name, v.trim_start_matches("=="), path, Some(line))
                            .with_direct(Some(true)),
                    );
                }
            }
        }
    }
    Ok(out)
}

/// Joins backslash-continued lines; each logical line keeps the number of its first line.
fn logical_lines(text: &str) -> Vec<(u32, String)> {
    let mut out: Vec<(u32, String)> = vec![];
    let mut pending: Option<(u32, String)> = None;
    for (i, raw) in text.lines().enumerate() {
        let n = i as u32 + 1;
        let (start, mut acc) = pending.take().unwrap_or((n, String::new()));
        let trimmed = raw.trim_end();
        match trimmed.strip_suffix('\\') {
            Some(body) => {
                acc.push_str(body);
                acc.push(' ');
                pending = Some((start, acc));
            }
            None => {
                acc.push_str(trimmed);
                out.push((start, acc));
            }
        }
    }
    if let Some(p) = pending {
        out.push(p);
    }
    out
}

/// Strips a comment: `#` at the start or after whitespace (a URL fragment `#egg=` stays).
fn strip_comment(line: &str) -> &str {
    if line.trim_start().starts_with('#') {
        return "";
    }
    match line.find(" #").or_else(|| line.find("\t#")) {
        Some(i) => &line[..i],
        None => line,
    }
}

fn is_url_or_path(spec: &str) -> bool {
    let lower = spec.to_ascii_lowercase();
    lower.contains("://")
        || lower.starts_with("git+")
        || lower.starts_with("file:")
        || spec.starts_with('.')
        || spec.starts_with('/')
        || spec.starts_with('~')
}

/// The `#egg=NAME` of a VCS or archive URL.
fn egg_name(url: &str) -> Option<String> {
    let frag = url.split_once('#')?.1;
    frag.split('&')
        .find_map(|kv| kv.strip_prefix("egg="))
        .map(|n| n.split(['[', '-']).next().unwrap_or(n).to_string())
        .filter(|n| !n.is_empty())
}

/// (name, version) from a wheel (`name-1.0-py3-none-any.whl`, PEP 427) or sdist
/// (`name-1.0.tar.gz`) file name at the end of a URL or path: those do pin one version.
fn archive_pin(spec: &str) -> Option<(String, String)> {
    let file = spec.split(['#', '?']).next()?.rsplit('/').next()?;
    if let Some(stem) = file.strip_suffix(".whl") {
        let mut parts = stem.split('-');
        let (name, version) = (parts.next()?, parts.next()?);
        return (!name.is_empty() && !version.is_empty())
            .then(|| (name.to_string(), version.to_string()));
    }
    let stem = [".tar.gz", ".tar.bz2", ".tgz", ".zip"]
        .iter()
        .find_map(|ext| file.strip_suffix(ext))?;
    let (name, version) = stem.rsplit_once('-')?;
    (!name.is_empty() && version.starts_with(|c: char| c.is_ascii_digit()))
        .then(|| (name.to_string(), version.to_string()))
}

/// Deepest chain of `-r` includes followed. The paths of a chain differ (`sub/r.txt`,
/// `sub/sub/r.txt`...) when a symbolic link loops (`sub -> .`), so the set of files already
/// read does not stop it; real projects nest two or three levels.
pub const MAX_INCLUDE_DEPTH: usize = 16;
/// Most requirements files one top-level file may pull in through includes.
pub const MAX_INCLUDED_FILES: usize = 256;

pub(super) fn requirements(
    path: &str,
    text: &str,
    read: &dyn Fn(&str) -> Option<String>,
    seen: &mut BTreeSet<String>,
    depth: usize,
) -> Result<Inventory, LockfileError> {
    let mut inv = Inventory::default();
    if !seen.insert(path.to_string()) {
        return Ok(inv);
    }
    let dir = path.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    let unpinned = |inv: &mut Inventory, n: u32, name: Option<&str>, spec: &str, reason: &str| {
        inv.unpinned.push(Unpinned {
            ecosystem: "PyPI".into(),
            name: name.map(str::to_string),
            requirement: spec.to_string(),
            location: crate::inventory::Declared {
                path: path.to_string(),
                line: Some(n),
            },
            reason: reason.to_string(),
        });
    };
    for (n, raw) in logical_lines(text) {
        let line = strip_comment(&raw).trim();
        if line.is_empty() {
            continue;
        }
        if let Some(inc) = line
            .strip_prefix("-r ")
            .or_else(|| line.strip_prefix("--requirement "))
            .or_else(|| line.strip_prefix("--requirement="))
            .or_else(|| line.strip_prefix("-r"))
        {
            let inc = inc.trim();
            let inc_path = if dir.is_empty() {
                inc.to_string()
            } else {
                format!("{dir}/{inc}")
            };
            if depth >= MAX_INCLUDE_DEPTH || seen.len() >= MAX_INCLUDED_FILES {
                return Err(LockfileError::new(
                    path,
                    Some(n),
                    format!(
                        "`-r {inc}`: includes nested deeper than {MAX_INCLUDE_DEPTH} levels or more than {MAX_INCLUDED_FILES} files (an include loop through a symbolic link?)"
                    ),
                ));
            }
            if let Some(t) = read(&inc_path) {
                let included = requirements(&inc_path, &t, read, seen, depth + 1)?;
                inv.packages.extend(included.packages);
                inv.unpinned.extend(included.unpinned);
            }
            continue;
        }
        if let Some(target) = line
            .strip_prefix("-e ")
            .or_else(|| line.strip_prefix("--editable "))
            .or_else(|| line.strip_prefix("--editable="))
            .or_else(|| line.strip_prefix("-e"))
        {
            let target = target.trim();
            unpinned(
                &mut inv,
                n,
                egg_name(target).as_deref(),
                line,
                "an editable install from a local path or VCS URL has no version to match advisories against",
            );
            continue;
        }
        // other options (-i/--index-url, -c constraints, --hash lines, --pre...) name no package
        if line.starts_with('-') {
            continue;
        }
        let spec = line.split(';').next().unwrap_or(line);
        let spec = spec.split(" --").next().unwrap_or(spec).trim();
        if spec.is_empty() {
            continue;
        }
        // PEP 508 direct reference: `name @ url`
        let (name_part, url) = match spec.split_once(" @ ").or_else(|| spec.split_once('@')) {
            Some((name, url)) if is_url_or_path(url.trim()) => {
                (Some(name.trim()), Some(url.trim()))
            }
            _ if is_url_or_path(spec) => (None, Some(spec)),
            _ => (None, None),
        };
        if let Some(url) = url {
            let name = name_part
                .map(|n| n.split('[').next().unwrap_or(n).trim().to_string())
                .or_else(|| egg_name(url));
            match archive_pin(url) {
                Some((file_name, version)) => {
                    let name = name.unwrap_or(file_name);
                    inv.packages.push(
                        Package::new("PyPI", name, version, path, Some(n)).with_direct(Some(true)),
                    );
                }
                None => unpinned(
                    &mut inv,
                    n,
                    name.as_deref(),
                    spec,
                    "installed from a URL or path that names no version",
                ),
            }
            continue;
        }
        let name_end = spec
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
            .unwrap_or(spec.len());
        let name = &spec[..name_end];
        if name.is_empty() {
            continue;
        }
        let rest = spec[name_end..].trim_start();
        // extras: `name[a,b]==1.0`
        let rest = match rest.strip_prefix('[') {
            Some(r) => r.split_once(']').map(|(_, r)| r).unwrap_or("").trim_start(),
            None => rest,
        };
        let exact = rest
            .strip_prefix("===")
            .or_else(|| rest.strip_prefix("=="))
            .map(str::trim)
            .filter(|v| !v.is_empty() && !v.contains(['*', ',', '<', '>', '~', ' ']))
            .filter(|v| pep440_epoch_ok(v));
        match exact {
            Some(version) => inv
                .packages
                .push(Package::new("PyPI", name, version, path, Some(n)).with_direct(Some(true))),
            None if rest.is_empty() => unpinned(
                &mut inv,
                n,
                Some(name),
                spec,
                "no version is given, so any release may be installed",
            ),
            None => unpinned(
                &mut inv,
                n,
                Some(name),
                spec,
                "a range, not one exact `==` version, so the installed release is unknown",
            ),
        }
    }
    Ok(inv)
}

/// A `!` in a pinned version is only a PEP 440 epoch (`1!2.0`): digits, then the release.
fn pep440_epoch_ok(version: &str) -> bool {
    match version.split_once('!') {
        None => true,
        Some((epoch, release)) => {
            !epoch.is_empty()
                && epoch.bytes().all(|b| b.is_ascii_digit())
                && !release.is_empty()
                && !release.contains('!')
        }
    }
}
