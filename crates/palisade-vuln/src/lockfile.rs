//! Package inventories from lockfiles and manifests, each package with the line that
//! declares it.
//!
//! Supported: Cargo.lock; package-lock.json (v1–v3) and npm-shrinkwrap.json; yarn.lock
//! (v1 and Berry); pnpm-lock.yaml (v5–v9); requirements*.txt (with `-r` includes;
//! requirements that pin no single version are returned as [`Unpinned`]);
//! poetry.lock, uv.lock, pdm.lock, Pipfile.lock; go.mod; Gemfile.lock; composer.lock;
//! NuGet packages.lock.json and `*.csproj`; Maven pom.xml; gradle.lockfile.
//! A truncated file or an unknown format version is an error naming the file and line.

use std::collections::{BTreeMap, BTreeSet};

use palisade_yaml::{Node, NodeKind};

use crate::inventory::Package;

/// Largest lockfile read (real ones reach a few MB).
pub const MAX_LOCKFILE_BYTES: u64 = 64 * 1024 * 1024;

/// Reads a lockfile or a requirements `-r` include from disk: regular files only (a FIFO
/// or a device is refused at once, see [`palisade_core::fsio`]), at most
/// [`MAX_LOCKFILE_BYTES`], UTF-8. Use it for the `read` callback of [`parse`].
pub fn read_lockfile_text(
    path: &std::path::Path,
) -> Result<String, palisade_core::fsio::FileError> {
    palisade_core::fsio::read_to_string_limited(path, MAX_LOCKFILE_BYTES)
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct LockfileError {
    pub path: String,
    pub line: Option<u32>,
    pub message: String,
}

impl LockfileError {
    fn new(path: &str, line: Option<u32>, message: impl Into<String>) -> Self {
        LockfileError {
            path: path.to_string(),
            line,
            message: message.into(),
        }
    }
}

impl From<LockfileError> for palisade_core::ScanError {
    fn from(e: LockfileError) -> Self {
        palisade_core::ScanError::new(e.path, e.line, e.message)
    }
}

/// Which parser handles a file, from its name alone.
pub fn kind_of(path: &str) -> Option<&'static str> {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let lower = name.to_ascii_lowercase();
    Some(match name {
        "Cargo.lock" => "cargo",
        "package-lock.json" | "npm-shrinkwrap.json" => "npm",
        "yarn.lock" => "yarn",
        "pnpm-lock.yaml" => "pnpm",
        "poetry.lock" | "uv.lock" | "pdm.lock" => "pylock",
        "Pipfile.lock" => "pipfile",
        "go.mod" => "gomod",
        "Gemfile.lock" | "gems.locked" => "gemfile",
        "composer.lock" => "composer",
        "packages.lock.json" => "nuget",
        "pom.xml" => "pom",
        "gradle.lockfile" => "gradle",
        _ if lower.ends_with(".csproj") => "csproj",
        _ if lower.starts_with("requirements") && lower.ends_with(".txt") => "requirements",
        _ => return None,
    })
}

/// Parses one lockfile. `read` resolves `-r` includes of requirements files (relative to
/// the including file); return `None` when a file cannot be read.
pub fn parse(
    path: &str,
    text: &str,
    read: &dyn Fn(&str) -> Option<String>,
) -> Result<Vec<Package>, LockfileError> {
    parse_inventory(path, text, read).map(|inv| inv.packages)
}

/// Like [`parse`], with the requirements that name no single version as well (today only
/// requirements files can declare those; lockfiles always pin).
pub fn parse_inventory(
    path: &str,
    text: &str,
    read: &dyn Fn(&str) -> Option<String>,
) -> Result<Inventory, LockfileError> {
    let packages = match kind_of(path) {
        Some("cargo") => toml_packages(path, text, "crates.io"),
        Some("pylock") => toml_packages(path, text, "PyPI"),
        Some("npm") => npm(path, text),
        Some("yarn") => yarn(path, text),
        Some("pnpm") => pnpm(path, text),
        Some("pipfile") => pipfile(path, text),
        Some("gomod") => gomod(path, text),
        Some("gemfile") => gemfile(path, text),
        Some("composer") => composer(path, text),
        Some("nuget") => nuget_lock(path, text),
        Some("gradle") => gradle(path, text),
        Some("pom") => pom(path, text),
        Some("csproj") => csproj(path, text),
        Some("requirements") => {
            let mut seen = BTreeSet::new();
            return requirements(path, text, read, &mut seen, 0);
        }
        _ => Ok(vec![]),
    }?;
    Ok(Inventory {
        packages,
        unpinned: vec![],
    })
}

fn line_of(text: &str, offset: usize) -> u32 {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count() as u32
        + 1
}

fn load_tree(path: &str, text: &str) -> Result<Node, LockfileError> {
    let docs = palisade_yaml::load(text).map_err(|e| {
        LockfileError::new(path, Some(e.line), format!("cannot parse: {}", e.message))
    })?;
    docs.into_iter()
        .next()
        .map(|d| d.root)
        .ok_or_else(|| LockfileError::new(path, Some(1), "empty file"))
}

/// Map entries with the key's line.
fn keyed(node: &Node) -> Vec<(&str, u32, &Node)> {
    match &node.kind {
        NodeKind::Map(entries) => entries
            .iter()
            .filter_map(|(k, v)| k.as_str().map(|s| (s, k.pos.line, v)))
            .collect(),
        _ => vec![],
    }
}

/// `[[package]]` tables of Cargo.lock, poetry.lock, uv.lock and pdm.lock.
fn toml_packages(path: &str, text: &str, ecosystem: &str) -> Result<Vec<Package>, LockfileError> {
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

fn npm(path: &str, text: &str) -> Result<Vec<Package>, LockfileError> {
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

fn yarn(path: &str, text: &str) -> Result<Vec<Package>, LockfileError> {
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

fn pnpm(path: &str, text: &str) -> Result<Vec<Package>, LockfileError> {
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

fn pipfile(path: &str, text: &str) -> Result<Vec<Package>, LockfileError> {
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

/// A requirement that names no single version: `flask>=2`, a bare `flask`, a URL, an
/// editable install. Its vulnerabilities cannot be looked up, which a scan must say
/// rather than stay silent about (DEP002).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unpinned {
    pub ecosystem: String,
    /// The package name when the line gives one (a bare URL or path may not).
    pub name: Option<String>,
    /// The requirement as written, without comments, markers or hashes.
    pub requirement: String,
    pub location: crate::inventory::Declared,
    /// Why no version can be matched, for the finding's message.
    pub reason: String,
}

/// What one file declares: exact versions that can be matched, and requirements that
/// cannot.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inventory {
    pub packages: Vec<Package>,
    pub unpinned: Vec<Unpinned>,
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

fn requirements(
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

fn gomod(path: &str, text: &str) -> Result<Vec<Package>, LockfileError> {
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

fn gemfile(path: &str, text: &str) -> Result<Vec<Package>, LockfileError> {
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

fn composer(path: &str, text: &str) -> Result<Vec<Package>, LockfileError> {
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

fn nuget_lock(path: &str, text: &str) -> Result<Vec<Package>, LockfileError> {
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

fn gradle(path: &str, text: &str) -> Result<Vec<Package>, LockfileError> {
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

/// Elements of a small XML document with the line each starts on.
struct XmlElem {
    path: Vec<String>,
    text: String,
    line: u32,
    attrs: Vec<(String, String)>,
}

fn xml_elements(path: &str, text: &str) -> Result<Vec<XmlElem>, LockfileError> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut stack: Vec<String> = vec![];
    let mut open: Vec<usize> = vec![];
    let mut out: Vec<XmlElem> = vec![];
    loop {
        let pos = reader.buffer_position() as usize;
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                stack.push(String::from_utf8_lossy(e.local_name().as_ref()).into_owned());
                let attrs = e
                    .attributes()
                    .flatten()
                    .map(|a| {
                        (
                            String::from_utf8_lossy(a.key.local_name().as_ref()).into_owned(),
                            String::from_utf8_lossy(&a.value).into_owned(),
                        )
                    })
                    .collect();
                out.push(XmlElem {
                    path: stack.clone(),
                    text: String::new(),
                    line: line_of(text, pos + 1),
                    attrs,
                });
                open.push(out.len() - 1);
            }
            Ok(Event::Empty(e)) => {
                let mut p = stack.clone();
                p.push(String::from_utf8_lossy(e.local_name().as_ref()).into_owned());
                let attrs = e
                    .attributes()
                    .flatten()
                    .map(|a| {
                        (
                            String::from_utf8_lossy(a.key.local_name().as_ref()).into_owned(),
                            String::from_utf8_lossy(&a.value).into_owned(),
                        )
                    })
                    .collect();
                out.push(XmlElem {
                    path: p,
                    text: String::new(),
                    line: line_of(text, pos + 1),
                    attrs,
                });
            }
            Ok(Event::Text(t)) => {
                if let Some(&i) = open.last() {
                    out[i].text.push_str(&String::from_utf8_lossy(t.as_ref()));
                }
            }
            Ok(Event::End(_)) => {
                stack.pop();
                open.pop();
            }
            Ok(Event::Eof) => break,
            Err(e) => {
                return Err(LockfileError::new(
                    path,
                    Some(line_of(text, reader.buffer_position() as usize)),
                    format!("invalid XML: {e}"),
                ))
            }
            _ => {}
        }
    }
    if !stack.is_empty() {
        return Err(LockfileError::new(
            path,
            Some(text.lines().count() as u32),
            format!(
                "unclosed <{}> (truncated file?)",
                stack.last().map(String::as_str).unwrap_or("")
            ),
        ));
    }
    Ok(out)
}

fn pom(path: &str, text: &str) -> Result<Vec<Package>, LockfileError> {
    let elems = xml_elements(path, text)?;
    let mut props: BTreeMap<String, String> = BTreeMap::new();
    for e in &elems {
        if e.path.len() == 3 && e.path[1] == "properties" {
            props.insert(e.path[2].clone(), e.text.trim().to_string());
        }
        if e.path == ["project", "version"] {
            props.insert("project.version".into(), e.text.trim().to_string());
        }
    }
    let resolve = |v: &str| -> Option<String> {
        let v = v.trim();
        if let Some(key) = v.strip_prefix("${").and_then(|s| s.strip_suffix('}')) {
            props.get(key).cloned().filter(|x| !x.contains("${"))
        } else if v.is_empty() || v.starts_with('[') || v.starts_with('(') {
            None
        } else {
            Some(v.to_string())
        }
    };
    let mut out = vec![];
    let mut i = 0;
    while i < elems.len() {
        let e = &elems[i];
        let is_dep = e.path.last().is_some_and(|l| l == "dependency")
            && e.path.len() >= 2
            && e.path[e.path.len() - 2] == "dependencies";
        if is_dep {
            let depth = e.path.len();
            let (mut g, mut a, mut v) = (None, None, None);
            let mut j = i + 1;
            while j < elems.len() && elems[j].path.len() > depth {
                if elems[j].path.len() == depth + 1 {
                    match elems[j].path[depth].as_str() {
                        "groupId" => g = Some(elems[j].text.trim().to_string()),
                        "artifactId" => a = Some(elems[j].text.trim().to_string()),
                        "version" => v = resolve(&elems[j].text),
                        _ => {}
                    }
                }
                j += 1;
            }
            if let (Some(g), Some(a), Some(v)) = (g, a, v) {
                out.push(
                    Package::new("Maven", format!("{g}:{a}"), v, path, Some(e.line))
                        .with_direct(Some(true)),
                );
            }
            i = j;
            continue;
        }
        i += 1;
    }
    Ok(out)
}

fn csproj(path: &str, text: &str) -> Result<Vec<Package>, LockfileError> {
    let elems = xml_elements(path, text)?;
    let mut out = vec![];
    for (i, e) in elems.iter().enumerate() {
        if e.path.last().is_some_and(|l| l == "PackageReference") {
            let attr = |k: &str| e.attrs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
            let version = attr("Version").or_else(|| {
                elems[i + 1..]
                    .iter()
                    .take_while(|c| c.path.len() > e.path.len())
                    .find(|c| c.path.last().is_some_and(|l| l == "Version"))
                    .map(|c| c.text.trim().to_string())
            });
            if let (Some(n), Some(v)) = (attr("Include"), version) {
                if !v.starts_with('[') && !v.contains('*') && !v.contains("$(") {
                    out.push(
                        Package::new("NuGet", n, v, path, Some(e.line)).with_direct(Some(true)),
                    );
                }
            }
        }
    }
    Ok(out)
}
