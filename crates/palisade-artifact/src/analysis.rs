//! One call that reads an image and answers what `palisade image` reports: OS and its
//! lifecycle, OS packages with their layers, image-rule findings, and the notes and
//! errors met on the way. Engines from other crates join through the visitors and the
//! capture predicate.

use chrono::NaiveDate;
use palisade_core::{Finding, ScanError};

use crate::eol::{self, EolStatus};
use crate::error::ArtifactError;
use crate::fs::ImageFs;
use crate::image::{Image, LayerFileVisitor, SourceKind};
use crate::layer::LayerInfo;
use crate::os::{self, OsRelease};
use crate::packages::{self, OsPackage};
use crate::rules::{self, ImageContext};

/// `[images]` settings of `palisade.toml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImagesConfig {
    /// IMG103: an image older than this many days is stale.
    pub stale_after_days: i64,
    /// IMG102: warn this many days before the base OS's end of life.
    pub eol_warning_days: i64,
    /// IMG110: setuid/setgid paths accepted besides the distribution defaults.
    pub setuid_allowed: Vec<String>,
}

impl Default for ImagesConfig {
    fn default() -> Self {
        ImagesConfig {
            stale_after_days: 365,
            eol_warning_days: 90,
            setuid_allowed: Vec::new(),
        }
    }
}

impl ImagesConfig {
    /// Reads the `[images]` table; unknown keys and wrong types are errors naming the key.
    pub fn from_table(table: &toml::Table) -> Result<ImagesConfig, String> {
        let mut cfg = ImagesConfig::default();
        for (key, value) in table {
            match key.as_str() {
                "stale_after_days" | "eol_warning_days" => {
                    let n = value
                        .as_integer()
                        .filter(|n| *n >= 0)
                        .ok_or_else(|| format!("[images] {key} must be a non-negative integer"))?;
                    if key == "stale_after_days" {
                        cfg.stale_after_days = n;
                    } else {
                        cfg.eol_warning_days = n;
                    }
                }
                "setuid_allowed" => {
                    cfg.setuid_allowed = value
                        .as_array()
                        .and_then(|a| {
                            a.iter()
                                .map(|v| v.as_str().map(str::to_string))
                                .collect::<Option<Vec<_>>>()
                        })
                        .ok_or_else(|| "[images] setuid_allowed must be a list of paths".to_string())?;
                }
                other => {
                    return Err(format!(
                        "[images] unknown key `{other}` (expected stale_after_days, eol_warning_days, setuid_allowed)"
                    ))
                }
            }
        }
        Ok(cfg)
    }
}

/// Whether the analysis itself needs a file's content.
pub fn needs_content(path: &str) -> bool {
    os::RELEASE_FILES.contains(&path) || packages::is_package_db(path)
}

/// The result of reading and checking one image.
#[derive(Debug)]
pub struct ImageAnalysis {
    pub target: String,
    pub kind: SourceKind,
    pub manifest_digest: Option<String>,
    pub created: Option<String>,
    pub architecture: Option<String>,
    pub layers: Vec<LayerInfo>,
    pub os: Option<OsRelease>,
    pub eol: EolStatus,
    pub packages: Vec<OsPackage>,
    pub findings: Vec<Finding>,
    pub errors: Vec<ScanError>,
    /// Skipped entries and other notes, for the report's warnings.
    pub notes: Vec<String>,
    /// Number of paths in the final view.
    pub files: usize,
    /// The final view, for callers that analyse captured files further (lockfiles...).
    pub fs: ImageFs,
}

/// Reads `image` once and runs OS detection, the package inventory and the image rules.
/// `extra_capture` adds paths whose contents the caller wants in `ImageAnalysis::fs`.
pub fn analyse(
    image: &mut Image,
    visitors: &mut [&mut dyn LayerFileVisitor],
    extra_capture: &dyn Fn(&str) -> bool,
    settings: &ImagesConfig,
    today: NaiveDate,
    progress: impl FnMut(&LayerInfo),
) -> Result<ImageAnalysis, ArtifactError> {
    let capture = |p: &str| needs_content(p) || extra_capture(p);
    let fs = image.read(visitors, &capture, progress)?;
    let os = os::detect(&fs);
    let (packages, db_errors) = packages::inventory(&fs);
    let config = (image.kind != SourceKind::Rootfs).then_some(&image.config);
    let cx = ImageContext {
        target: &image.name,
        config,
        layers: &image.layers,
        fs: &fs,
        os: os.as_ref(),
        settings,
        today,
    };
    let mut findings = rules::check(&cx);
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let eol = os
        .as_ref()
        .map(|o| eol::status(o, today, settings.eol_warning_days))
        .unwrap_or(EolStatus::Unknown);
    let errors = db_errors
        .into_iter()
        .map(|e| ScanError::new(format!("{}:/{}", image.name, e.path), None, e.message))
        .collect();
    Ok(ImageAnalysis {
        target: image.name.clone(),
        kind: image.kind,
        manifest_digest: image.manifest_digest.as_ref().map(|d| d.to_string()),
        created: image.config.created.clone(),
        architecture: image.config.architecture.clone(),
        layers: image.layers.clone(),
        os,
        eol,
        packages,
        findings,
        errors,
        notes: image
            .notes
            .iter()
            .map(|n| format!("{}: {n}", image.name))
            .collect(),
        files: fs.len(),
        fs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_table_is_validated() {
        let t: toml::Table =
            toml::from_str("stale_after_days = 30\nsetuid_allowed = [\"/usr/bin/x\"]").unwrap();
        let c = ImagesConfig::from_table(&t).unwrap();
        assert_eq!(c.stale_after_days, 30);
        assert_eq!(c.setuid_allowed, ["/usr/bin/x"]);
        let t: toml::Table = toml::from_str("stale_days = 30").unwrap();
        assert!(ImagesConfig::from_table(&t)
            .unwrap_err()
            .contains("unknown key `stale_days`"));
        let t: toml::Table = toml::from_str("eol_warning_days = -1").unwrap();
        assert!(ImagesConfig::from_table(&t).is_err());
    }
}
