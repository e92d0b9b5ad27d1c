//! Java archives found by `palisade scan` and `palisade sbom PATH` (jar, war, ear, nested
//! archives included): their Maven packages join the lockfile inventory.

use palisade_core::ScanError;
use palisade_vuln::installed::{self, InstalledKind, Limits};
use palisade_vuln::Package;

use crate::source::{read_bounded, FileEntry, Source};

/// Largest archive read; a bigger one is an error naming it.
const MAX_ARCHIVE_FILE: u64 = 256 << 20;

pub fn is_java_archive(entry: &FileEntry) -> bool {
    !matches!(entry.source, Source::Stdin) && installed::is_java_archive(&entry.display)
}

/// Reads one archive into `packages`; unreadable parts become error entries naming the
/// archive and the entry inside it, and archives listed without a version (none in
/// pom.properties, the manifest or the file name) a warning saying they are unchecked.
pub fn read_java_archive(
    entry: &FileEntry,
    packages: &mut Vec<Package>,
    errors: &mut Vec<ScanError>,
    warnings: &mut Vec<String>,
) {
    let bytes = match read_bounded(entry, MAX_ARCHIVE_FILE) {
        Ok(Some(bytes)) => bytes,
        Ok(None) => {
            errors.push(ScanError::new(
                &entry.display,
                None,
                format!("Java archive larger than {MAX_ARCHIVE_FILE} bytes; not read"),
            ));
            return;
        }
        Err(e) => {
            errors.push(ScanError::new(
                &entry.display,
                None,
                format!("cannot read: {e}"),
            ));
            return;
        }
    };
    let parsed = installed::parse(
        &entry.display,
        InstalledKind::JavaArchive,
        &bytes,
        &Limits::default(),
    );
    packages.extend(parsed.packages);
    errors.extend(parsed.errors.into_iter().map(ScanError::from));
    warnings.extend(
        parsed
            .warnings
            .into_iter()
            .map(|w| format!("{}: {}", w.path, w.message)),
    );
}
