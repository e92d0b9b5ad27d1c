//! Where an image's blobs come from: a directory (OCI layout), a tar file (docker-archive,
//! oci-archive) read in place by offset, or a registry. Each source produces an
//! [`ImagePlan`]: the config bytes and the ordered layers with what they must hash to.

pub mod docker_archive;
pub mod oci;
pub mod reference;
pub mod registry;
pub mod tar_index;

use std::io::Read;
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
        let path = match blob {
            BlobRef::Path(p) => p.clone(),
            BlobRef::Digest(d) => match self {
                BlobStore::Registry(client) => return client.open_blob(d),
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
                            source: e,
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
