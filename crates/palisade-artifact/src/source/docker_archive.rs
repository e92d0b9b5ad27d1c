//! `docker save` / `podman save` archives: `manifest.json` (with layers either as
//! `<id>/layer.tar` or, since Docker 25, as OCI `blobs/sha256/<hex>`), and the legacy
//! layout with only `repositories` and `<id>/json` parent chains.

use serde::Deserialize;

use super::tar_index::TarIndex;
use super::{verify, BlobRef, BlobStore, ImagePlan, PlannedLayer};
use crate::config::ImageConfig;
use crate::digest::Sha256Digest;
use crate::error::ArtifactError;
use crate::layer::{Expected, Limits, Note};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ManifestEntry {
    config: String,
    #[serde(default)]
    repo_tags: Option<Vec<String>>,
    layers: Vec<String>,
}

/// The digest named by a `blobs/sha256/<hex>` or `<hex>.json` path.
fn digest_from_path(path: &str) -> Option<Sha256Digest> {
    let base = path.rsplit('/').next()?;
    let hex = base.strip_suffix(".json").unwrap_or(base);
    Sha256Digest::parse(&format!("sha256:{hex}"))
}

/// Whether the archive index looks like a docker-archive.
pub fn is_docker_archive(index: &TarIndex) -> bool {
    index.contains("manifest.json") || index.contains("repositories")
}

/// Plans the reading of a docker-archive; `selector` picks one of several images by tag.
pub fn plan(
    image: &str,
    index: TarIndex,
    selector: Option<&str>,
    limits: &Limits,
) -> Result<ImagePlan, ArtifactError> {
    let store = BlobStore::Tar(index);
    let BlobStore::Tar(idx) = &store else {
        unreachable!("constructed as Tar above")
    };
    if !idx.contains("manifest.json") {
        return plan_legacy(image, store, selector, limits);
    }
    let bytes = store.read_document(
        image,
        &BlobRef::Path("manifest.json".into()),
        limits.max_document_size,
    )?;
    let entries: Vec<ManifestEntry> = serde_json::from_slice(&bytes)
        .map_err(|e| ArtifactError::format(image, format!("manifest.json: {e}")))?;
    let mut notes = Vec::new();
    let chosen = match selector {
        Some(sel) => entries
            .iter()
            .find(|e| {
                e.repo_tags
                    .iter()
                    .flatten()
                    .any(|t| t == sel || t.ends_with(&format!("/{sel}")))
            })
            .ok_or_else(|| {
                ArtifactError::format(image, format!("manifest.json has no image tagged {sel}"))
            })?,
        None => {
            if entries.len() > 1 {
                notes.push(Note {
                    layer: None,
                    entry: Some("manifest.json".into()),
                    message: format!(
                        "archive holds {} images; scanning the first (name one with ARCHIVE:TAG)",
                        entries.len()
                    ),
                });
            }
            entries
                .first()
                .ok_or_else(|| ArtifactError::format(image, "manifest.json lists no image"))?
        }
    };
    let config_bytes = store.read_document(
        image,
        &BlobRef::Path(chosen.config.clone()),
        limits.max_document_size,
    )?;
    let config_digest = digest_from_path(&chosen.config);
    if let Some(d) = &config_digest {
        verify(image, d, &config_bytes)?;
    }
    let config: ImageConfig = serde_json::from_slice(&config_bytes)
        .map_err(|e| ArtifactError::format(image, format!("{}: {e}", chosen.config)))?;
    let diff_ids = config.rootfs.clone().unwrap_or_default().diff_ids;
    let layers = chosen
        .layers
        .iter()
        .enumerate()
        .map(|(i, path)| {
            let diff_id = diff_ids.get(i).and_then(|d| Sha256Digest::parse(d));
            let (expected, digest) = if path.starts_with("blobs/") {
                match digest_from_path(path) {
                    Some(d) => (Expected::Blob(d.clone()), Some(d)),
                    None => (Expected::Nothing, None),
                }
            } else {
                match &diff_id {
                    Some(d) => (Expected::DiffId(d.clone()), None),
                    None => (Expected::Nothing, None),
                }
            };
            PlannedLayer {
                blob: BlobRef::Path(path.clone()),
                expected,
                digest,
                size: None,
            }
        })
        .collect();
    Ok(ImagePlan {
        config_bytes,
        config_digest,
        layers,
        manifest_digest: None,
        repo_tags: chosen.repo_tags.clone().unwrap_or_default(),
        store,
        notes,
    })
}

/// Archives from Docker before 1.10: `repositories` names the top layer id, each
/// `<id>/json` names its parent, and the top layer's json doubles as the config.
fn plan_legacy(
    image: &str,
    store: BlobStore,
    selector: Option<&str>,
    limits: &Limits,
) -> Result<ImagePlan, ArtifactError> {
    let repos_bytes = store.read_document(
        image,
        &BlobRef::Path("repositories".into()),
        limits.max_document_size,
    )?;
    let repos: std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>> =
        serde_json::from_slice(&repos_bytes)
            .map_err(|e| ArtifactError::format(image, format!("repositories: {e}")))?;
    let mut tagged: Vec<(String, String)> = repos
        .iter()
        .flat_map(|(repo, tags)| {
            tags.iter()
                .map(move |(t, id)| (format!("{repo}:{t}"), id.clone()))
        })
        .collect();
    if let Some(sel) = selector {
        tagged.retain(|(t, _)| t == sel || t.ends_with(&format!("/{sel}")));
    }
    let (tag, top) = tagged
        .first()
        .cloned()
        .ok_or_else(|| ArtifactError::format(image, "repositories names no image"))?;
    let mut chain: Vec<(String, serde_json::Value)> = Vec::new();
    let mut next = Some(top);
    while let Some(id) = next.take() {
        if id.contains('/') || id.contains("..") || chain.len() > 500 {
            return Err(ArtifactError::format(
                image,
                format!("bad layer id {id} in parent chain"),
            ));
        }
        let bytes = store.read_document(
            image,
            &BlobRef::Path(format!("{id}/json")),
            limits.max_document_size,
        )?;
        let json: serde_json::Value = serde_json::from_slice(&bytes)
            .map_err(|e| ArtifactError::format(image, format!("{id}/json: {e}")))?;
        next = json
            .get("parent")
            .and_then(|p| p.as_str())
            .map(str::to_string);
        chain.push((id, json));
    }
    chain.reverse();
    let history: Vec<serde_json::Value> = chain
        .iter()
        .map(|(_, j)| {
            let cmd = j
                .pointer("/container_config/Cmd")
                .and_then(|c| c.as_array())
                .map(|parts| {
                    parts
                        .iter()
                        .filter_map(|p| p.as_str())
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .unwrap_or_default();
            serde_json::json!({"created_by": cmd, "created": j.get("created")})
        })
        .collect();
    let mut config = chain.last().map(|(_, j)| j.clone()).unwrap_or_default();
    config["history"] = serde_json::Value::Array(history);
    let config_bytes = serde_json::to_vec(&config).unwrap_or_default();
    let layers = chain
        .iter()
        .map(|(id, _)| PlannedLayer {
            blob: BlobRef::Path(format!("{id}/layer.tar")),
            expected: Expected::Nothing,
            digest: None,
            size: None,
        })
        .collect();
    Ok(ImagePlan {
        config_bytes,
        config_digest: None,
        layers,
        manifest_digest: None,
        repo_tags: vec![tag],
        store,
        notes: Vec::new(),
    })
}
