//! Container images as virtual file trees with layer provenance.
//!
//! This crate turns a target — an unpacked root filesystem, a `docker save` archive, an
//! OCI image layout or oci-archive, or a registry reference — into an [`Image`] whose
//! layers are streamed once: every file of every layer can be shown to a
//! [`LayerFileVisitor`] (so the secret engine sees files a later layer deleted), and the
//! final filesystem view ([`ImageFs`]) is built with whiteouts applied and each path
//! remembering the layer (and Dockerfile instruction) that wrote it. On top of that view it
//! detects the OS and its end of life, reads OS package databases (dpkg, apk, rpm), and
//! checks the image configuration (IMG100–IMG149).
//!
//! It is not a vulnerability matcher, a secret detector or an SBOM writer: those engines
//! take what this crate produces (files with their layer, package inventories with their
//! ecosystem) and live in their own crates.

pub mod analysis;
pub mod config;
pub mod digest;
pub mod eol;
pub mod error;
pub mod fs;
pub mod image;
pub mod layer;
pub mod os;
pub mod packages;
pub mod rules;
pub mod source;

pub use analysis::{analyse, ImageAnalysis, ImagesConfig};
pub use config::ImageConfig;
pub use digest::Sha256Digest;
pub use error::ArtifactError;
pub use fs::{ImageFs, Node, NodeKind};
pub use image::{Image, LayerFile, LayerFileVisitor, OpenOptions, SourceKind};
pub use layer::{LayerInfo, Limits, Note};
pub use os::OsRelease;
pub use packages::OsPackage;
pub use source::oci::PlatformSpec;
pub use source::registry::RegistryOptions;

/// Every rule of this crate (IMG100–IMG149), for the registry.
pub fn rules() -> Vec<&'static palisade_core::RuleMeta> {
    rules::rules()
}
