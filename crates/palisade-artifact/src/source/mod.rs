//! Where an image's blobs come from: a directory (OCI layout), a tar file (docker-archive,
//! oci-archive) read in place by offset, or a registry. Each source produces an
//! [`ImagePlan`]: the config bytes and the ordered layers with what they must hash to.

pub mod credentials;
pub mod docker_archive;
pub mod oci;
pub mod reference;
pub mod registry;
pub mod tar_index;

use std::io::{self, Read};
use std::path::PathBuf;

use crate::digest::Sha256Digest;
use crate::error::ArtifactError;
use crate::layer::{Expected, Note};
use tar_index::TarIndex;

/// A layer to read: where its blob is and what it must hash to.
#[derive(Debug, Clone)]
pub struct PlannedLayer {
    pub blob: BlobRef,
    pub expected: Expected,
    pub digest: Option<Sha256Digest>,
    pub size: Option<u64>,
}

/// A blob by path inside a directory or archive, or by digest in a registry.
#[derive(Debug, Clone)]
pub enum BlobRef {
    Path(String),
    Digest(Sha256Digest),
}

/// Everything needed to read an image, before any layer is read.
pub struct ImagePlan {
    pub config_bytes: Vec<u8>,
    pub config_digest: Option<Sha256Digest>,
    pub layers: Vec<PlannedLayer>,
    pub manifest_digest: Option<Sha256Digest>,
    pub repo_tags: Vec<String>,
    pub store: BlobStore,
    pub notes: Vec<Note>,
}

/// The place blobs are read from.
pub enum BlobStore {
    Dir(PathBuf),
    Tar(TarIndex),
    Registry(Box<registry::RegistryClient>),
}

impl BlobStore {
    /// Opens a blob for streaming.
    pub fn open(&self, image: &str, blob: &BlobRef) -> Result<Box<dyn Read + '_>, ArtifactError> {
        self.open_declared(image, blob, None)
    }

    /// Opens a layer blob whose descriptor declares `declared` bytes: the stream fails once
    /// it passes that size, or `cap` when nothing is declared (a server or file that never
    /// ends is stopped, whatever the digest check would say later).
    pub fn open_sized(
        &self,
        image: &str,
        blob: &BlobRef,
        declared: Option<u64>,
        cap: u64,
    ) -> Result<Box<dyn Read + '_>, ArtifactError> {
        let inner = self.open_declared(image, blob, declared)?;
        Ok(Box::new(SizeCapped {
            inner,
            left: declared.unwrap_or(cap).min(cap),
            declared: declared.is_some_and(|d| d <= cap),
        }))
    }

    fn open_declared(
        &self,
        image: &str,
        blob: &BlobRef,
        declared: Option<u64>,
    ) -> Result<Box<dyn Read + '_>, ArtifactError> {
        let path = match blob {
            BlobRef::Path(p) => p.clone(),
            BlobRef::Digest(d) => match self {
                BlobStore::Registry(client) => return client.open_blob(d, declared),
                _ => format!("blobs/sha256/{}", d.hex()),
            },
        };
        match self {
            BlobStore::Dir(root) => {
                let full = root.join(&path);
                // a blob that is a FIFO or /dev/zero would block or never end
                let (file, _) = palisade_core::fsio::open_regular(&full).map_err(|e| {
                    if e.is_not_found() {
                        ArtifactError::MissingBlob {
                            image: image.to_string(),
                            digest: path.clone(),
                            place: full.display().to_string(),
                        }
                    } else {
                        ArtifactError::File {
                            image: image.to_string(),
                            error: e,
                        }
                    }
                })?;
                Ok(Box::new(file))
            }
            BlobStore::Tar(index) => index.open(&path).map_err(|e| match e {
                tar_index::OpenError::Missing => ArtifactError::MissingBlob {
                    image: image.to_string(),
                    digest: path.clone(),
                    place: format!("no entry {path} in {}", index.path().display()),
                },
                tar_index::OpenError::Io(e) => ArtifactError::io(image, index.path(), e),
                tar_index::OpenError::Link(m) => ArtifactError::format(image, m),
            }),
            BlobStore::Registry(_) => Err(ArtifactError::format(
                image,
                format!("registry blobs are addressed by digest, not path {path}"),
            )),
        }
    }

    /// Reads a small JSON document (manifest, index, config) with a size limit.
    pub fn read_document(
        &self,
        image: &str,
        blob: &BlobRef,
        limit: u64,
    ) -> Result<Vec<u8>, ArtifactError> {
        let mut reader = self.open(image, blob)?.take(limit + 1);
        let mut bytes = Vec::new();
        reader
            .read_to_end(&mut bytes)
            .map_err(|e| ArtifactError::format(image, format!("reading {blob:?}: {e}")))?;
        if bytes.len() as u64 > limit {
            return Err(ArtifactError::format(
                image,
                format!("{blob:?} is larger than {limit} bytes; refusing to parse it"),
            ));
        }
        Ok(bytes)
    }
}

/// A reader that fails once more than `left` bytes arrive.
struct SizeCapped<R> {
    inner: R,
    left: u64,
    /// The cap is the descriptor's size (else the fixed limit), for the message.
    declared: bool,
}

impl<R: Read> Read for SizeCapped<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        // one byte past the cap tells an exact-size blob from a longer one
        let want = (buf.len() as u64).min(self.left.saturating_add(1)) as usize;
        let n = self.inner.read(&mut buf[..want])?;
        if n as u64 > self.left {
            return Err(io::Error::other(if self.declared {
                "blob is longer than the size its descriptor declares"
            } else {
                "blob is longer than the limit for a compressed layer"
            }));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

/// Checks that `bytes` hash to `digest`.
pub(crate) fn verify(
    image: &str,
    digest: &Sha256Digest,
    bytes: &[u8],
) -> Result<(), ArtifactError> {
    let actual = Sha256Digest::of(bytes);
    if &actual != digest {
        return Err(ArtifactError::DigestMismatch {
            image: image.to_string(),
            digest: digest.to_string(),
            actual: actual.to_string(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod size_cap_tests {
    use super::*;

    fn read_capped(data: &[u8], left: u64, declared: bool) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        SizeCapped {
            inner: data,
            left,
            declared,
        }
        .read_to_end(&mut out)
        .map(|_| out)
    }

    #[test]
    fn a_blob_is_read_up_to_its_declared_size_and_no_further() {
        assert_eq!(read_capped(b"12345", 5, true).unwrap(), b"12345");
        let err = read_capped(b"123456", 5, true).unwrap_err();
        assert!(err.to_string().contains("declares"), "{err}");
        // an endless stream stops at the fixed cap
        let err = read_capped(&vec![0u8; 1 << 16], 1000, false).unwrap_err();
        assert!(
            err.to_string().contains("limit for a compressed layer"),
            "{err}"
        );
    }
}
