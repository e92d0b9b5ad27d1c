//! OCI image layouts (a directory or an `oci-archive` tar) and the manifest/index walk
//! shared with registries: pick the manifest by tag annotation and platform, verify every
//! document against its digest, and list the layers.

use oci_spec::image::{Descriptor, ImageIndex, ImageManifest};

use super::{verify, BlobRef, BlobStore, ImagePlan, PlannedLayer};
use crate::digest::Sha256Digest;
use crate::error::ArtifactError;
use crate::layer::{Expected, Limits, Note};

/// `os/arch[/variant]`, as given to `--platform`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlatformSpec {
    pub os: String,
    pub arch: String,
    pub variant: Option<String>,
}

impl PlatformSpec {
    /// Parses `linux/arm64` or `linux/arm/v7`.
    pub fn parse(s: &str) -> Option<PlatformSpec> {
        let mut parts = s.split('/');
        let os = parts.next().filter(|p| !p.is_empty())?.to_string();
        let arch = parts.next().filter(|p| !p.is_empty())?.to_string();
        let variant = parts.next().map(str::to_string);
        if parts.next().is_some() {
            return None;
        }
        Some(PlatformSpec { os, arch, variant })
    }

    /// The platform of this machine (`linux/amd64` on x86-64).
    pub fn host() -> PlatformSpec {
        let arch = match std::env::consts::ARCH {
            "x86_64" => "amd64",
            "aarch64" => "arm64",
            "x86" => "386",
            "powerpc64" => "ppc64le",
            other => other,
        };
        PlatformSpec {
            os: "linux".into(),
            arch: arch.into(),
            variant: None,
        }
    }

    fn matches(&self, d: &Descriptor) -> bool {
        let Some(p) = d.platform() else {
            return false;
        };
        p.os().to_string() == self.os
            && p.architecture().to_string() == self.arch
            && match (&self.variant, p.variant()) {
                (Some(want), Some(have)) => want == have,
                (Some(want), None) => want == "v8" && self.arch == "arm64",
                (None, _) => true,
            }
    }
}

impl std::fmt::Display for PlatformSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.os, self.arch)?;
        if let Some(v) = &self.variant {
            write!(f, "/{v}")?;
        }
        Ok(())
    }
}

fn platform_label(d: &Descriptor) -> String {
    d.platform()
        .as_ref()
        .map(|p| match p.variant() {
            Some(v) => format!("{}/{}/{v}", p.os(), p.architecture()),
            None => format!("{}/{}", p.os(), p.architecture()),
        })
        .unwrap_or_else(|| "unknown".into())
}

/// Whether a JSON document is an index (it has `manifests`) rather than a manifest.
pub fn is_index(bytes: &[u8]) -> bool {
    #[derive(serde::Deserialize)]
    struct Probe {
        manifests: Option<serde_json::Value>,
    }
    serde_json::from_slice::<Probe>(bytes)
        .map(|p| p.manifests.is_some())
        .unwrap_or(false)
}

/// Chooses the manifest descriptor of an index: by tag annotation when `tag` is given,
/// then by platform when several remain.
pub fn select(
    image: &str,
    index: &ImageIndex,
    tag: Option<&str>,
    platform: Option<&PlatformSpec>,
) -> Result<Descriptor, ArtifactError> {
    let mut candidates: Vec<&Descriptor> = index.manifests().iter().collect();
    if let Some(tag) = tag {
        candidates.retain(|d| {
            d.annotations().as_ref().is_some_and(|a| {
                a.get("org.opencontainers.image.ref.name")
                    .is_some_and(|n| n == tag || n.ends_with(&format!(":{tag}")))
                    || a.get("io.containerd.image.name")
                        .is_some_and(|n| n.ends_with(&format!(":{tag}")))
            })
        });
        if candidates.is_empty() {
            let known: Vec<String> = index
                .manifests()
                .iter()
                .filter_map(|d| {
                    d.annotations()
                        .as_ref()
                        .and_then(|a| a.get("org.opencontainers.image.ref.name").cloned())
                })
                .collect();
            return Err(ArtifactError::format(
                image,
                format!("no manifest tagged {tag} (tags: {})", known.join(", ")),
            ));
        }
    }
    // Attestations and other artifacts sit beside images in buildx indexes.
    candidates.retain(|d| {
        d.platform()
            .as_ref()
            .is_none_or(|p| p.os().to_string() != "unknown")
    });
    if candidates.len() == 1 && platform.is_none() {
        return Ok(candidates[0].clone());
    }
    let want = platform.cloned().unwrap_or_else(PlatformSpec::host);
    if let Some(d) = candidates.iter().find(|d| want.matches(d)) {
        return Ok((*d).clone());
    }
    if candidates.len() == 1 && candidates[0].platform().is_none() {
        return Ok(candidates[0].clone());
    }
    Err(ArtifactError::NoPlatform {
        image: image.to_string(),
        platform: want.to_string(),
        available: candidates
            .iter()
            .map(|d| platform_label(d))
            .collect::<Vec<_>>()
            .join(", "),
    })
}

/// Reads a manifest (following nested indexes) through `fetch`, which returns the verified
/// bytes of a descriptor, and lists config and layers.
pub fn plan_from_index(
    image: &str,
    first: Vec<u8>,
    tag: Option<&str>,
    platform: Option<&PlatformSpec>,
    limits: &Limits,
    fetch: &mut dyn FnMut(&Descriptor) -> Result<Vec<u8>, ArtifactError>,
) -> Result<(ImageManifest, Sha256Digest, Vec<u8>), ArtifactError> {
    let mut bytes = first;
    let mut manifest_digest = Sha256Digest::of(&bytes);
    let mut tag = tag;
    for _ in 0..4 {
        if !is_index(&bytes) {
            let manifest: ImageManifest = serde_json::from_slice(&bytes)
                .map_err(|e| ArtifactError::format(image, format!("image manifest: {e}")))?;
            let config = fetch(manifest.config())?;
            if config.len() as u64 > limits.max_document_size {
                return Err(ArtifactError::format(image, "image config too large"));
            }
            return Ok((manifest, manifest_digest, config));
        }
        let index: ImageIndex = serde_json::from_slice(&bytes)
            .map_err(|e| ArtifactError::format(image, format!("image index: {e}")))?;
        let chosen = select(image, &index, tag.take(), platform)?;
        manifest_digest = Sha256Digest::parse(chosen.digest().as_ref()).ok_or_else(|| {
            ArtifactError::format(image, format!("unsupported digest {}", chosen.digest()))
        })?;
        bytes = fetch(&chosen)?;
    }
    Err(ArtifactError::format(
        image,
        "indexes nested more than 4 deep",
    ))
}

/// The layers of a manifest, each to be checked against its descriptor digest.
pub fn layers_of(
    image: &str,
    manifest: &ImageManifest,
) -> Result<Vec<PlannedLayer>, ArtifactError> {
    manifest
        .layers()
        .iter()
        .map(|l| {
            let d = Sha256Digest::parse(l.digest().as_ref()).ok_or_else(|| {
                ArtifactError::format(image, format!("unsupported layer digest {}", l.digest()))
            })?;
            Ok(PlannedLayer {
                blob: BlobRef::Digest(d.clone()),
                expected: Expected::Blob(d.clone()),
                digest: Some(d),
                size: Some(l.size()),
            })
        })
        .collect()
}

/// Plans an OCI layout held by `store` (a directory or an oci-archive).
pub fn plan_layout(
    image: &str,
    store: BlobStore,
    tag: Option<&str>,
    platform: Option<&PlatformSpec>,
    limits: &Limits,
) -> Result<ImagePlan, ArtifactError> {
    let index_bytes = store.read_document(
        image,
        &BlobRef::Path("index.json".into()),
        limits.max_document_size,
    )?;
    let mut fetch = |d: &Descriptor| -> Result<Vec<u8>, ArtifactError> {
        let digest = Sha256Digest::parse(d.digest().as_ref()).ok_or_else(|| {
            ArtifactError::format(image, format!("unsupported digest {}", d.digest()))
        })?;
        let bytes = store.read_document(
            image,
            &BlobRef::Digest(digest.clone()),
            limits.max_document_size,
        )?;
        verify(image, &digest, &bytes)?;
        Ok(bytes)
    };
    if !is_index(&index_bytes) {
        return Err(ArtifactError::format(
            image,
            "index.json is not an image index",
        ));
    }
    let (manifest, manifest_digest, config_bytes) =
        plan_from_index(image, index_bytes, tag, platform, limits, &mut fetch)?;
    let layers = layers_of(image, &manifest)?;
    let tags = tag.map(|t| vec![t.to_string()]).unwrap_or_default();
    Ok(ImagePlan {
        config_bytes,
        config_digest: Sha256Digest::parse(manifest.config().digest().as_ref()),
        layers,
        manifest_digest: Some(manifest_digest),
        repo_tags: tags,
        store,
        notes: Vec::<Note>::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platforms_parse() {
        let p = PlatformSpec::parse("linux/arm/v7").unwrap();
        assert_eq!(p.variant.as_deref(), Some("v7"));
        assert_eq!(p.to_string(), "linux/arm/v7");
        assert!(PlatformSpec::parse("linux").is_none());
        assert!(PlatformSpec::parse("a/b/c/d").is_none());
    }
}
