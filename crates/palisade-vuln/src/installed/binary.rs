//! Executables (ELF, PE, Mach-O) that say what they were built from: Go build info and
//! cargo-auditable dependency trees. Anything else — scripts, C programs, data — yields no
//! packages and no error.

use super::{gobinary, rustaudit, InstalledError};
use crate::inventory::Package;

fn looks_executable(content: &[u8]) -> bool {
    const MAGICS: &[&[u8]] = &[
        b"\x7fELF",
        b"MZ",
        b"\xfe\xed\xfa\xce",
        b"\xfe\xed\xfa\xcf",
        b"\xce\xfa\xed\xfe",
        b"\xcf\xfa\xed\xfe",
        b"\xca\xfe\xba\xbe",
        b"\xca\xfe\xba\xbf",
    ];
    MAGICS.iter().any(|m| content.starts_with(m))
}

pub fn packages(path: &str, content: &[u8]) -> Result<Vec<Package>, InstalledError> {
    if !looks_executable(content) {
        return Ok(vec![]);
    }
    if let Some(slices) = universal_slices(content) {
        // a macOS universal binary: one program per architecture, usually built from the
        // same dependencies, each listed once
        let mut out: Vec<Package> = Vec::new();
        for slice in slices {
            for p in single(path, slice)? {
                if !out.iter().any(|o| {
                    (&o.ecosystem, &o.name, &o.version) == (&p.ecosystem, &p.name, &p.version)
                }) {
                    out.push(p);
                }
            }
        }
        return Ok(out);
    }
    single(path, content)
}

/// The per-architecture programs of a Mach-O universal ("fat") binary, or `None` when
/// `content` is not one. Java class files share the magic number; they fail to parse as
/// slices and are left to the ordinary path, which finds nothing in them.
fn universal_slices(content: &[u8]) -> Option<Vec<&[u8]>> {
    use object::read::macho::{FatArch32, FatArch64};
    let slices = match object::FileKind::parse(content).ok()? {
        object::FileKind::MachOFat32 => fat_slices::<FatArch32>(content)?,
        object::FileKind::MachOFat64 => fat_slices::<FatArch64>(content)?,
        _ => return None,
    };
    // every slice must be a Mach-O program of its own (never another universal binary)
    let all_macho = slices.iter().all(|s| {
        matches!(
            object::FileKind::parse(*s),
            Ok(object::FileKind::MachO32 | object::FileKind::MachO64)
        )
    });
    (all_macho && !slices.is_empty()).then_some(slices)
}

/// The slices of a universal binary whose header uses `Fat` entries (32- or 64-bit offsets).
fn fat_slices<Fat: object::read::macho::FatArch>(content: &[u8]) -> Option<Vec<&[u8]>> {
    object::read::macho::MachOFatFile::<Fat>::parse(content)
        .ok()?
        .arches()
        .iter()
        .map(|a| a.data(content))
        .collect::<Result<_, _>>()
        .ok()
}

fn single(path: &str, content: &[u8]) -> Result<Vec<Package>, InstalledError> {
    // Truncated or odd headers still get the header scan for Go's inline build info.
    let file = object::File::parse(content).ok();
    let mut out = Vec::new();
    match gobinary::build_info(content, file.as_ref()) {
        Ok(Some(info)) => out.extend(info.packages(path)),
        Ok(None) => {}
        Err(e) => return Err(InstalledError::new(path, e)),
    }
    if let Some(file) = &file {
        match rustaudit::packages(file, path) {
            Ok(Some(found)) => out.extend(found),
            Ok(None) => {}
            Err(e) => return Err(InstalledError::new(path, e)),
        }
    }
    Ok(out)
}
