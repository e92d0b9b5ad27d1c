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
    ];
    MAGICS.iter().any(|m| content.starts_with(m))
}

pub fn packages(path: &str, content: &[u8]) -> Result<Vec<Package>, InstalledError> {
    if !looks_executable(content) {
        return Ok(vec![]);
    }
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
