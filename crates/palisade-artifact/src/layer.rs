//! One layer: a (possibly compressed) tar stream turned into safe, normalised entries.
//!
//! This is where untrusted archive bytes meet the file model: compression is sniffed from
//! the magic bytes, paths are normalised and refused when they climb out of the root,
//! device files and oversized entries are skipped with a note, and the decompressed size
//! is bounded so a gzip bomb ends with an error instead of a full disk or memory.

use std::io::{self, BufRead, BufReader, Read};

use crate::digest::{HashingReader, Sha256Digest};

/// Bounds applied to every image read; the defaults suit real images, tests shrink them.
#[derive(Debug, Clone)]
pub struct Limits {
    /// File contents larger than this are not handed to visitors (the entry is still listed).
    pub max_file_read: u64,
    /// A layer whose decompressed tar exceeds this is refused (gzip bombs).
    pub max_layer_uncompressed: u64,
    /// A layer blob (compressed) is read no further than its declared size, nor than this.
    pub max_layer_compressed: u64,
    /// A layer with more entries than this is refused.
    pub max_entries_per_layer: usize,
    /// Longest accepted entry path, in bytes.
    pub max_path_len: usize,
    /// Largest JSON document (manifest, index, config) accepted.
    pub max_document_size: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_read: 64 << 20,
            max_layer_uncompressed: 16 << 30,
            max_layer_compressed: 16 << 30,
            max_entries_per_layer: 2_000_000,
            max_path_len: 4096,
            max_document_size: 8 << 20,
        }
    }
}

/// What a layer is and where it came from in the image's build.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LayerInfo {
    /// Position in the image, base layer first.
    pub index: usize,
    /// Digest of the blob as stored (compressed), when the source names one.
    pub digest: Option<Sha256Digest>,
    /// Digest of the uncompressed tar (`rootfs.diff_ids`), when the config lists it.
    pub diff_id: Option<Sha256Digest>,
    /// The history `created_by` command that produced the layer (a Dockerfile instruction).
    pub created_by: Option<String>,
    /// Size of the blob in bytes, when known.
    pub size: Option<u64>,
}

impl LayerInfo {
    /// The digest shown to users: the diff id (stable across recompression), else the blob digest.
    pub fn display_digest(&self) -> Option<&Sha256Digest> {
        self.diff_id.as_ref().or(self.digest.as_ref())
    }

    /// `layer 2 (sha256:0123456789ab)`, for messages.
    pub fn label(&self) -> String {
        match self.display_digest() {
            Some(d) => format!("{} ({})", self.index + 1, d.short()),
            None => format!("{}", self.index + 1),
        }
    }
}

/// The kind of a layer entry after whiteout interpretation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryKind {
    File,
    Dir,
    /// A symbolic link and its target as written in the tar.
    Symlink(String),
    /// A hard link to another path of the image (normalised).
    Hardlink(String),
    /// `.wh.<name>`: deletes `<name>` from lower layers; the entry path is the deleted path.
    Whiteout,
    /// `.wh..wh..opq`: hides everything lower layers put in this directory.
    OpaqueDir,
}

/// One normalised entry of a layer tar.
#[derive(Debug, Clone)]
pub struct LayerEntry {
    /// Path relative to the image root, without leading `/` or `./` (`etc/passwd`).
    pub path: String,
    pub kind: EntryKind,
    pub size: u64,
    pub mode: u32,
    pub uid: u64,
}

/// Something skipped or odd, reported to the user but not fatal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub layer: Option<String>,
    pub entry: Option<String>,
    pub message: String,
}

impl std::fmt::Display for Note {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(l) = &self.layer {
            write!(f, "layer {l}: ")?;
        }
        if let Some(e) = &self.entry {
            write!(f, "{e}: ")?;
        }
        f.write_str(&self.message)
    }
}

/// What a layer's bytes are checked against.
#[derive(Debug, Clone)]
pub enum Expected {
    /// The digest of the stored (possibly compressed) blob.
    Blob(Sha256Digest),
    /// The digest of the uncompressed tar (a docker-archive `layer.tar` named by diff id).
    DiffId(Sha256Digest),
    /// Nothing to check against (a legacy archive without diff ids).
    Nothing,
}

/// Why a layer could not be read.
#[derive(Debug)]
pub enum LayerError {
    Io(io::Error),
    /// Raised by the visitor callback; passed through unchanged.
    Visitor(String),
    Limit(String),
    Mismatch {
        expected: Sha256Digest,
        actual: Sha256Digest,
    },
    Entry {
        entry: String,
        message: String,
    },
}

impl std::fmt::Display for LayerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LayerError::Io(e) => write!(f, "{e}"),
            LayerError::Visitor(e) => f.write_str(e),
            LayerError::Limit(e) => f.write_str(e),
            LayerError::Mismatch { expected, actual } => {
                write!(f, "content hashes to {actual}, expected {expected}")
            }
            LayerError::Entry { entry, message } => write!(f, "entry {entry}: {message}"),
        }
    }
}

/// Counts decompressed bytes and fails once a limit is passed.
struct BoundedReader<R> {
    inner: R,
    read: u64,
    limit: u64,
}

impl<R: Read> Read for BoundedReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if self.read > self.limit {
            return Err(io::Error::other(format!(
                "decompressed layer exceeds {} bytes (possible decompression bomb)",
                self.limit
            )));
        }
        Ok(n)
    }
}

/// The compression of a blob, from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
    Zstd,
}

impl Compression {
    pub fn sniff(head: &[u8]) -> Compression {
        if head.starts_with(&[0x1f, 0x8b]) {
            Compression::Gzip
        } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Compression::Zstd
        } else {
            Compression::None
        }
    }
}

/// Normalises a tar path to `a/b/c`; `None` when it climbs above the root or is empty.
pub fn normalize_path(raw: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in raw.split('/') {
        match part {
            "" | "." => {}
            ".." => return None,
            p => parts.push(p),
        }
    }
    if parts.is_empty() {
        return None;
    }
    Some(parts.join("/"))
}

/// Reads one layer stream, calling `on_entry` for each safe entry (with a reader over the
/// content for regular files) and collecting notes for what was skipped.
pub fn read_layer<R, F>(
    blob: R,
    expected: &Expected,
    limits: &Limits,
    notes: &mut Vec<Note>,
    layer_label: &str,
    mut on_entry: F,
) -> Result<u64, LayerError>
where
    R: Read,
    F: FnMut(&LayerEntry, &mut dyn Read) -> Result<(), String>,
{
    let mut raw = HashingReader::with_hashing(blob, matches!(expected, Expected::Blob(_)));
    let mut buffered = BufReader::with_capacity(256 << 10, &mut raw);
    let compression = Compression::sniff(buffered.fill_buf().map_err(LayerError::Io)?);
    let decompressed: Box<dyn Read + '_> = match compression {
        Compression::None => Box::new(buffered),
        Compression::Gzip => Box::new(flate2::bufread::MultiGzDecoder::new(buffered)),
        Compression::Zstd => {
            Box::new(zstd::stream::read::Decoder::with_buffer(buffered).map_err(LayerError::Io)?)
        }
    };
    let bounded = BoundedReader {
        inner: decompressed,
        read: 0,
        limit: limits.max_layer_uncompressed,
    };
    let mut tar_stream =
        HashingReader::with_hashing(bounded, matches!(expected, Expected::DiffId(_)));
    let mut entries_seen = 0usize;
    {
        let mut archive = tar::Archive::new(&mut tar_stream);
        let entries = archive.entries().map_err(LayerError::Io)?;
        for entry in entries {
            let mut entry = entry.map_err(LayerError::Io)?;
            entries_seen += 1;
            if entries_seen > limits.max_entries_per_layer {
                return Err(LayerError::Limit(format!(
                    "more than {} entries",
                    limits.max_entries_per_layer
                )));
            }
            let raw_path = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
            let note = |notes: &mut Vec<Note>, message: &str| {
                notes.push(Note {
                    layer: Some(layer_label.to_string()),
                    entry: Some(raw_path.clone()),
                    message: message.to_string(),
                })
            };
            if raw_path.len() > limits.max_path_len {
                note(notes, "path too long; entry skipped");
                continue;
            }
            let Some(path) = normalize_path(&raw_path) else {
                if raw_path.split('/').any(|p| p == "..") {
                    note(notes, "path climbs out of the image root; entry skipped");
                }
                continue;
            };
            let header = entry.header();
            let mode = header.mode().unwrap_or(0o644);
            let uid = header.uid().unwrap_or(0);
            let size = entry.size();
            let (dir, base) = match path.rfind('/') {
                Some(i) => (&path[..i], &path[i + 1..]),
                None => ("", path.as_str()),
            };
            let kind = if base == ".wh..wh..opq" {
                EntryKind::OpaqueDir
            } else if let Some(hidden) = base.strip_prefix(".wh.") {
                if hidden.is_empty() || hidden == "." || hidden == ".." {
                    note(notes, "malformed whiteout; entry skipped");
                    continue;
                }
                EntryKind::Whiteout
            } else {
                match header.entry_type() {
                    tar::EntryType::Regular | tar::EntryType::Continuous => EntryKind::File,
                    tar::EntryType::Directory => EntryKind::Dir,
                    tar::EntryType::Symlink => {
                        let target = entry
                            .link_name_bytes()
                            .map(|b| String::from_utf8_lossy(&b).into_owned())
                            .unwrap_or_default();
                        EntryKind::Symlink(target)
                    }
                    tar::EntryType::Link => {
                        let target = entry
                            .link_name_bytes()
                            .map(|b| String::from_utf8_lossy(&b).into_owned())
                            .unwrap_or_default();
                        match normalize_path(&target) {
                            Some(t) => EntryKind::Hardlink(t),
                            None => {
                                note(
                                    notes,
                                    "hard link points outside the image root; entry skipped",
                                );
                                continue;
                            }
                        }
                    }
                    tar::EntryType::Char | tar::EntryType::Block => {
                        // /dev nodes of a debootstrapped root are expected; elsewhere odd.
                        if !path.starts_with("dev/") {
                            note(notes, "device file skipped");
                        }
                        continue;
                    }
                    _ => continue,
                }
            };
            let entry_path = match &kind {
                EntryKind::Whiteout => {
                    let hidden = &base[4..];
                    if dir.is_empty() {
                        hidden.to_string()
                    } else {
                        format!("{dir}/{hidden}")
                    }
                }
                EntryKind::OpaqueDir => dir.to_string(),
                _ => path.clone(),
            };
            let layer_entry = LayerEntry {
                path: entry_path,
                kind,
                size,
                mode,
                uid,
            };
            on_entry(&layer_entry, &mut entry).map_err(LayerError::Visitor)?;
        }
    }
    let (diff_id, uncompressed) = tar_stream.finish().map_err(LayerError::Io)?;
    let (blob_digest, _) = raw.finish().map_err(LayerError::Io)?;
    let actual = match expected {
        Expected::Blob(_) => blob_digest,
        Expected::DiffId(_) => diff_id,
        Expected::Nothing => None,
    };
    if let (Expected::Blob(d) | Expected::DiffId(d), Some(actual)) = (expected, actual) {
        if *d != actual {
            return Err(LayerError::Mismatch {
                expected: d.clone(),
                actual,
            });
        }
    }
    Ok(uncompressed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_normalised_and_traversal_refused() {
        assert_eq!(
            normalize_path("./etc/passwd").as_deref(),
            Some("etc/passwd")
        );
        assert_eq!(normalize_path("/usr//bin/").as_deref(), Some("usr/bin"));
        assert_eq!(normalize_path("../../etc/passwd"), None);
        assert_eq!(normalize_path("a/../../b"), None);
        assert_eq!(normalize_path("./"), None);
    }

    #[test]
    fn compression_is_sniffed() {
        assert_eq!(Compression::sniff(&[0x1f, 0x8b, 8]), Compression::Gzip);
        assert_eq!(
            Compression::sniff(&[0x28, 0xb5, 0x2f, 0xfd]),
            Compression::Zstd
        );
        assert_eq!(Compression::sniff(b"etc/"), Compression::None);
    }
}
