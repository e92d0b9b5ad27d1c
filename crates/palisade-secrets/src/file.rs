//! Reading files for the engine: size limit, binary detection, memory-mapped reads of
//! large files and buffered reads of small ones.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use palisade_core::ScanError;

use crate::{Match, Scanner};

/// Files larger than this are skipped with a note unless the caller raises the limit.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 256 << 20;

/// Files at least this large are memory-mapped (see [`crate::MappedFile`] for files that
/// shrink while mapped); smaller ones are read into a buffer, which is cheaper for them.
const MMAP_THRESHOLD: u64 = 64 << 10;

/// How many leading bytes are checked for NUL to call a file binary.
const BINARY_SNIFF: usize = 8192;

/// What happened to one file.
#[derive(Debug)]
pub enum FileOutcome {
    Scanned(Vec<Match>),
    /// Not scanned, with the note to show the user.
    Skipped(String),
    /// Binary content: not scanned, not worth a note.
    Binary,
}

/// Whether the buffer looks binary (a NUL byte near the start).
pub fn looks_binary(bytes: &[u8]) -> bool {
    memchr::memchr(0, &bytes[..bytes.len().min(BINARY_SNIFF)]).is_some()
}

impl Scanner {
    /// Scans a file on disk; `display` is the path shown in findings and used by path
    /// allowlists.
    pub fn scan_file(
        &self,
        path: &Path,
        display: &str,
        max_size: u64,
    ) -> Result<FileOutcome, ScanError> {
        let err = |e: std::io::Error| ScanError::new(display, None, format!("cannot read: {e}"));
        if crate::allowlist::is_path_allowlisted(display) {
            return Ok(FileOutcome::Scanned(Vec::new()));
        }
        let file = File::open(path).map_err(err)?;
        let size = file.metadata().map_err(err)?.len();
        if size > max_size {
            return Ok(FileOutcome::Skipped(format!(
                "{display}: skipped by the secret scanner: {size} bytes is over the {max_size}-byte limit"
            )));
        }
        if size == 0 {
            return Ok(FileOutcome::Scanned(Vec::new()));
        }
        if size >= MMAP_THRESHOLD {
            if let Some(map) = crate::MappedFile::open(&file, size) {
                let outcome = self.scan_loaded(display, map.bytes());
                if map.truncated() {
                    return Err(ScanError::new(
                        display,
                        None,
                        "the file shrank while it was being read; not scanned",
                    ));
                }
                return Ok(outcome);
            }
        }
        let mut buf = Vec::with_capacity(size as usize);
        file.take(max_size).read_to_end(&mut buf).map_err(err)?;
        Ok(self.scan_loaded(display, &buf))
    }

    /// Scans bytes already in memory (the CLI reads each file once for every scanner).
    pub fn scan_loaded(&self, display: &str, bytes: &[u8]) -> FileOutcome {
        if looks_binary(bytes) {
            return FileOutcome::Binary;
        }
        FileOutcome::Scanned(self.scan_bytes(display, bytes))
    }
}
