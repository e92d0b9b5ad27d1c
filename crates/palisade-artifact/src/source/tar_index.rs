//! An index of a tar file's entries (offset and size), so blobs inside a docker-archive or
//! oci-archive are streamed straight from the file instead of being unpacked first.

use std::collections::HashMap;
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use crate::layer::normalize_path;

#[derive(Debug, Clone)]
enum Slot {
    Data { offset: u64, size: u64 },
    Link(String),
}

/// The entries of an outer archive.
#[derive(Debug)]
pub struct TarIndex {
    path: PathBuf,
    entries: HashMap<String, Slot>,
}

/// Why an archive entry could not be opened.
#[derive(Debug)]
pub enum OpenError {
    Missing,
    Io(io::Error),
    Link(String),
}

/// Why an archive could not be indexed.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// Missing, unreadable, or not a regular file.
    #[error(transparent)]
    File(#[from] palisade_core::fsio::FileError),
    #[error("not a readable tar archive: {}", palisade_core::text::io_message(.0))]
    Tar(#[from] io::Error),
}

/// Upper bound on entries of an outer archive (layers, configs, manifests).
const MAX_OUTER_ENTRIES: usize = 100_000;

impl TarIndex {
    /// Reads the headers of `path`, seeking over contents. `path` must be a regular file
    /// (a FIFO or a device is refused before a byte is read).
    pub fn build(path: &Path) -> Result<TarIndex, IndexError> {
        let (file, _) = palisade_core::fsio::open_regular(path)?;
        let file = BufReader::new(file);
        let mut archive = tar::Archive::new(file);
        let mut entries = HashMap::new();
        for entry in archive.entries_with_seek()? {
            let entry = entry?;
            if entries.len() >= MAX_OUTER_ENTRIES {
                return Err(io::Error::other(format!(
                    "more than {MAX_OUTER_ENTRIES} entries; not an image archive"
                ))
                .into());
            }
            let raw = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
            let Some(name) = normalize_path(&raw) else {
                continue;
            };
            let slot = match entry.header().entry_type() {
                tar::EntryType::Regular | tar::EntryType::Continuous => Slot::Data {
                    offset: entry.raw_file_position(),
                    size: entry.size(),
                },
                tar::EntryType::Symlink => {
                    let target = entry
                        .link_name_bytes()
                        .map(|b| String::from_utf8_lossy(&b).into_owned())
                        .unwrap_or_default();
                    let dir = name.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
                    let joined = if target.starts_with('/') || dir.is_empty() {
                        target
                    } else {
                        format!("{dir}/{target}")
                    };
                    Slot::Link(resolve_dots(&joined))
                }
                tar::EntryType::Link => {
                    let target = entry
                        .link_name_bytes()
                        .map(|b| String::from_utf8_lossy(&b).into_owned())
                        .unwrap_or_default();
                    Slot::Link(resolve_dots(&target))
                }
                _ => continue,
            };
            entries.insert(name, slot);
        }
        Ok(TarIndex {
            path: path.to_path_buf(),
            entries,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn contains(&self, name: &str) -> bool {
        self.entries.contains_key(name)
    }

    /// Opens an entry, following links inside the archive.
    pub fn open(&self, name: &str) -> Result<Box<dyn Read>, OpenError> {
        let mut current = normalize_path(name).ok_or(OpenError::Missing)?;
        for _ in 0..16 {
            match self.entries.get(&current) {
                None => return Err(OpenError::Missing),
                Some(Slot::Link(t)) => current = t.clone(),
                Some(Slot::Data { offset, size }) => {
                    let (mut file, _) = palisade_core::fsio::open_regular(&self.path)
                        .map_err(|e| OpenError::Io(io::Error::other(e.reason())))?;
                    file.seek(SeekFrom::Start(*offset)).map_err(OpenError::Io)?;
                    let len = file.metadata().map_err(OpenError::Io)?.len();
                    if offset + size > len {
                        return Err(OpenError::Io(io::Error::new(
                            io::ErrorKind::UnexpectedEof,
                            format!(
                                "entry {current} runs past the end of the archive (truncated?)"
                            ),
                        )));
                    }
                    return Ok(Box::new(BufReader::with_capacity(
                        256 << 10,
                        file.take(*size),
                    )));
                }
            }
        }
        Err(OpenError::Link(format!(
            "{name}: link loop inside the archive"
        )))
    }
}

/// `a/b/../c` to `a/c`, never above the archive root.
fn resolve_dots(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for p in path.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}
