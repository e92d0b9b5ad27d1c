//! Builds real layered images on disk for the tests: layer tars (plain, gzip, zstd) with
//! any entries (including hostile ones), a config with history, and the three layouts
//! (docker-archive, OCI layout directory, oci-archive).
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

pub fn sha(bytes: &[u8]) -> String {
    format!("sha256:{:x}", Sha256::digest(bytes))
}

/// One entry of a test layer.
pub enum E {
    File(&'static str, Vec<u8>),
    Mode(&'static str, Vec<u8>, u32),
    Dir(&'static str),
    Symlink(&'static str, &'static str),
    Hardlink(&'static str, &'static str),
    /// A raw path written without any normalisation (`../../etc/passwd`).
    Raw(&'static str, Vec<u8>),
    Device(&'static str),
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Comp {
    None,
    Gzip,
    Zstd,
}

fn header(path: &str, kind: tar::EntryType, size: u64, mode: u32) -> tar::Header {
    let mut h = tar::Header::new_gnu();
    h.set_entry_type(kind);
    h.set_size(size);
    h.set_mode(mode);
    h.set_mtime(1_700_000_000);
    // set_path refuses `..`; write the name bytes directly so hostile paths survive.
    let name = &mut h.as_old_mut().name;
    name.fill(0);
    name[..path.len()].copy_from_slice(path.as_bytes());
    h.set_cksum();
    h
}

/// The uncompressed tar of a layer.
pub fn layer_tar(entries: &[E]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for e in entries {
        match e {
            E::File(p, data) | E::Raw(p, data) => {
                let h = header(p, tar::EntryType::Regular, data.len() as u64, 0o644);
                b.append(&h, &data[..]).unwrap();
            }
            E::Mode(p, data, mode) => {
                let h = header(p, tar::EntryType::Regular, data.len() as u64, *mode);
                b.append(&h, &data[..]).unwrap();
            }
            E::Dir(p) => {
                let h = header(p, tar::EntryType::Directory, 0, 0o755);
                b.append(&h, &[][..]).unwrap();
            }
            E::Symlink(p, t) | E::Hardlink(p, t) => {
                let kind = if matches!(e, E::Symlink(..)) {
                    tar::EntryType::Symlink
                } else {
                    tar::EntryType::Link
                };
                let mut h = header(p, kind, 0, 0o777);
                h.set_link_name(t).unwrap();
                h.set_cksum();
                b.append(&h, &[][..]).unwrap();
            }
            E::Device(p) => {
                let h = header(p, tar::EntryType::Char, 0, 0o600);
                b.append(&h, &[][..]).unwrap();
            }
        }
    }
    b.into_inner().unwrap()
}

pub fn compress(tar: &[u8], comp: Comp) -> Vec<u8> {
    match comp {
        Comp::None => tar.to_vec(),
        Comp::Gzip => {
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            enc.write_all(tar).unwrap();
            enc.finish().unwrap()
        }
        Comp::Zstd => zstd::encode_all(tar, 1).unwrap(),
    }
}

/// A test image: layers (uncompressed tar + created_by) and config settings.
pub struct TestImage {
    pub layers: Vec<(Vec<u8>, String)>,
    pub env: Vec<String>,
    pub user: Option<String>,
    pub exposed: Vec<String>,
    pub healthcheck: bool,
    pub created: String,
    pub architecture: String,
    pub extra_history: Vec<String>,
}

impl TestImage {
    pub fn new() -> Self {
        TestImage {
            layers: Vec::new(),
            env: vec!["PATH=/usr/bin:/bin".into()],
            user: None,
            exposed: Vec::new(),
            healthcheck: false,
            created: "2026-11-01T00:00:00Z".into(),
            architecture: "amd64".into(),
            extra_history: Vec::new(),
        }
    }

    pub fn layer(mut self, created_by: &str, entries: &[E]) -> Self {
        self.layers
            .push((layer_tar(entries), created_by.to_string()));
        self
    }

    pub fn config_json(&self) -> Vec<u8> {
        let diff_ids: Vec<String> = self.layers.iter().map(|(t, _)| sha(t)).collect();
        let mut history: Vec<serde_json::Value> = self
            .layers
            .iter()
            .map(|(_, c)| serde_json::json!({"created": self.created, "created_by": c}))
            .collect();
        for h in &self.extra_history {
            history.push(serde_json::json!({"created_by": h, "empty_layer": true}));
        }
        let mut config = serde_json::json!({
            "Env": self.env,
            "Cmd": ["/bin/sh"],
        });
        if let Some(u) = &self.user {
            config["User"] = serde_json::json!(u);
        }
        if !self.exposed.is_empty() {
            let ports: serde_json::Map<String, serde_json::Value> = self
                .exposed
                .iter()
                .map(|p| (p.clone(), serde_json::json!({})))
                .collect();
            config["ExposedPorts"] = serde_json::Value::Object(ports);
        }
        if self.healthcheck {
            config["Healthcheck"] = serde_json::json!({"Test": ["CMD", "true"]});
        }
        serde_json::to_vec(&serde_json::json!({
            "architecture": self.architecture,
            "os": "linux",
            "created": self.created,
            "config": config,
            "rootfs": {"type": "layers", "diff_ids": diff_ids},
            "history": history,
        }))
        .unwrap()
    }

    /// `docker save` layout with `<hex>/layer.tar` entries (uncompressed, as Docker writes).
    pub fn docker_archive(&self, path: &Path) {
        let config = self.config_json();
        let config_name = format!("{}.json", &sha(&config)[7..]);
        let mut b = tar::Builder::new(std::fs::File::create(path).unwrap());
        let mut layer_names = Vec::new();
        for (tar, _) in &self.layers {
            let name = format!("{}/layer.tar", &sha(tar)[7..]);
            append(&mut b, &name, tar);
            layer_names.push(name);
        }
        append(&mut b, &config_name, &config);
        let manifest = serde_json::json!([{"Config": config_name, "RepoTags": ["test/app:1"], "Layers": layer_names}]);
        append(
            &mut b,
            "manifest.json",
            &serde_json::to_vec(&manifest).unwrap(),
        );
        b.finish().unwrap();
    }

    /// Writes the OCI blobs of this image under `blobs/` of `dir` and returns the manifest
    /// descriptor JSON (without annotations).
    pub fn write_oci_blobs(&self, dir: &Path, comp: Comp) -> serde_json::Value {
        let blobs = dir.join("blobs/sha256");
        std::fs::create_dir_all(&blobs).unwrap();
        let put = |bytes: &[u8]| -> (String, usize) {
            let d = sha(bytes);
            std::fs::write(blobs.join(&d[7..]), bytes).unwrap();
            (d, bytes.len())
        };
        let config = self.config_json();
        let (cd, cs) = put(&config);
        let media = match comp {
            Comp::None => "application/vnd.oci.image.layer.v1.tar",
            Comp::Gzip => "application/vnd.oci.image.layer.v1.tar+gzip",
            Comp::Zstd => "application/vnd.oci.image.layer.v1.tar+zstd",
        };
        let layers: Vec<serde_json::Value> = self
            .layers
            .iter()
            .map(|(t, _)| {
                let (d, s) = put(&compress(t, comp));
                serde_json::json!({"mediaType": media, "digest": d, "size": s})
            })
            .collect();
        let manifest = serde_json::to_vec(&serde_json::json!({
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": cs},
            "layers": layers,
        }))
        .unwrap();
        let (md, ms) = put(&manifest);
        serde_json::json!({
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": md, "size": ms,
            "platform": {"os": "linux", "architecture": self.architecture},
        })
    }

    /// An OCI image layout directory tagged `tag`.
    pub fn oci_layout(&self, dir: &Path, tag: &str, comp: Comp) {
        let mut desc = self.write_oci_blobs(dir, comp);
        desc["annotations"] = serde_json::json!({"org.opencontainers.image.ref.name": tag});
        write_index(dir, vec![desc]);
    }
}

pub fn write_index(dir: &Path, manifests: Vec<serde_json::Value>) {
    std::fs::write(dir.join("oci-layout"), br#"{"imageLayoutVersion":"1.0.0"}"#).unwrap();
    let index = serde_json::json!({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": manifests});
    std::fs::write(dir.join("index.json"), serde_json::to_vec(&index).unwrap()).unwrap();
}

pub fn append<W: Write>(b: &mut tar::Builder<W>, name: &str, data: &[u8]) {
    let mut h = tar::Header::new_gnu();
    h.set_path(name).unwrap();
    h.set_size(data.len() as u64);
    h.set_mode(0o644);
    h.set_cksum();
    b.append(&h, data).unwrap();
}

/// Packs a directory (an OCI layout) into an oci-archive tar.
pub fn tar_dir(dir: &Path, out: &Path) {
    let mut b = tar::Builder::new(std::fs::File::create(out).unwrap());
    b.append_dir_all(".", dir).unwrap();
    b.finish().unwrap();
}

pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

pub fn path_in(dir: &tempfile::TempDir, name: &str) -> PathBuf {
    dir.path().join(name)
}

/// The date the tests call today (end-of-life checks depend on it).
pub fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
}

/// The analysis with no visitors, default settings and no progress reporting.
pub fn analyse_plain(
    image: &mut palisade_artifact::Image,
) -> Result<palisade_artifact::ImageAnalysis, palisade_artifact::ArtifactError> {
    palisade_artifact::analyse(
        image,
        &mut [],
        &|_| false,
        &palisade_artifact::ImagesConfig::default(),
        today(),
        |_| {},
    )
}
