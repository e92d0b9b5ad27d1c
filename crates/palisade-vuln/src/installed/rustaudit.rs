//! Rust executables built with `cargo auditable`: the dependency tree as zlib-compressed
//! JSON in a `.dep-v0` section (ELF, PE; `__DATA,.dep-v0` on Mach-O). Only crates from crates.io are
//! reported (local and git crates have no advisories under their names), and only runtime
//! dependencies: build-time crates are not part of the executable.

use std::io::Read;

use object::{Object, ObjectSection};
use serde::Deserialize;

use crate::inventory::Package;

/// On Mach-O the `object` crate also finds the `__dep-v0` spelling under this name.
const SECTION_NAMES: &[&str] = &[".dep-v0"];
/// The JSON of a large program is tens of kilobytes; more than this is a decompression bomb.
const MAX_JSON: u64 = 8 << 20;

#[derive(Deserialize)]
struct VersionInfo {
    packages: Vec<AuditedPackage>,
}

#[derive(Deserialize)]
struct AuditedPackage {
    name: String,
    version: String,
    source: String,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    dependencies: Vec<usize>,
    #[serde(default)]
    root: bool,
}

/// `Ok(None)` when the executable has no cargo-auditable section.
pub fn packages(file: &object::File<'_>, location: &str) -> Result<Option<Vec<Package>>, String> {
    let Some(section) = SECTION_NAMES.iter().find_map(|n| file.section_by_name(n)) else {
        return Ok(None);
    };
    let compressed = section
        .data()
        .map_err(|e| format!("cargo-auditable section unreadable: {e}"))?;
    let mut json = Vec::new();
    flate2::read::ZlibDecoder::new(compressed)
        .take(MAX_JSON + 1)
        .read_to_end(&mut json)
        .map_err(|e| format!("cargo-auditable section is not zlib data: {e}"))?;
    if json.len() as u64 > MAX_JSON {
        return Err(format!(
            "cargo-auditable section decompresses to more than {MAX_JSON} bytes"
        ));
    }
    let info: VersionInfo = serde_json::from_slice(&json)
        .map_err(|e| format!("cargo-auditable section is not the expected JSON: {e}"))?;
    let direct: Option<Vec<usize>> = info
        .packages
        .iter()
        .find(|p| p.root)
        .map(|r| r.dependencies.clone());
    Ok(Some(
        info.packages
            .iter()
            .enumerate()
            .filter(|(_, p)| p.source == "crates.io" && p.kind.as_deref() != Some("build"))
            .map(|(i, p)| {
                Package::new("crates.io", &p.name, &p.version, location, None)
                    .with_direct(direct.as_ref().map(|d| d.contains(&i)))
            })
            .collect(),
    ))
}
