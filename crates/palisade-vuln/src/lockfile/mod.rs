//! Package inventories from lockfiles and manifests, each package with the line that
//! declares it.
//!
//! Supported: Cargo.lock; package-lock.json (v1–v3) and npm-shrinkwrap.json; yarn.lock
//! (v1 and Berry); pnpm-lock.yaml (v5–v9); requirements*.txt (with `-r` includes;
//! requirements that pin no single version are returned as [`Unpinned`]);
//! poetry.lock, uv.lock, pdm.lock, Pipfile.lock; go.mod; Gemfile.lock; composer.lock;
//! NuGet packages.lock.json and `*.csproj`; Maven pom.xml; gradle.lockfile.
//! A truncated file or an unknown format version is an error naming the file and line.
//!
//! - `javascript`: package-lock.json, npm-shrinkwrap.json, yarn.lock, pnpm-lock.yaml;
//! - `python`: requirements files (includes, unpinned requirements) and Pipfile.lock;
//! - `flat`: lockfiles that list their pins flat (TOML `[[package]]` tables, go.mod,
//!   Gemfile.lock, composer.lock, packages.lock.json, gradle.lockfile);
//! - `xml`: Maven pom.xml and `*.csproj`.

mod flat;
mod javascript;
mod python;
mod xml;

pub use python::{MAX_INCLUDED_FILES, MAX_INCLUDE_DEPTH};

use std::collections::BTreeSet;

use palisade_yaml::{Node, NodeKind};

use crate::inventory::Package;

use flat::{composer, gemfile, gomod, gradle, nuget_lock, toml_packages};
use javascript::{npm, pnpm, yarn};
use python::{pipfile, requirements};
use xml::{csproj, pom};

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
