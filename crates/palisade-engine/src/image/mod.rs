//! Images in the engine: open one (archive, OCI layout, registry, root filesystem), stream
//! its layers once through the analysis of `palisade-artifact` with the engine's own
//! analyzers joined as layer visitors (secrets, language packages), match its packages,
//! and return the same [`ScanReport`] as a scan of files, plus what an SBOM needs.
//!
//! Engines that look at file contents see every file of every layer, including files a
//! later layer deleted: a file added in one layer and removed in a later one still ships.

pub mod fleet;
mod language_packages;
mod os_packages;

use std::time::Duration;

use palisade_artifact::eol::EolStatus;
use palisade_artifact::{
    analyse, Image, ImageAnalysis, ImagesConfig, LayerFile, LayerFileVisitor, OpenOptions,
    PlatformSpec,
};
use palisade_core::{Finding, ScanReport};

pub use language_packages::{listing as language_package_listing, LanguagePackages};

use crate::{Engine, EngineError, Progress};

/// Where and how to fetch an image.
#[derive(Debug, Clone, Default)]
pub struct ImageSettings {
    /// `OS/ARCH[/VARIANT]` of a multi-platform image (default: this machine's).
    pub platform: Option<String>,
    /// Plain HTTP and unverified TLS for registries (test registries only).
    pub insecure: bool,
    /// Seconds to wait for a registry's answer.
    pub timeout_secs: u64,
    /// Seconds a Docker credential helper may take to answer; `None`: the registry
    /// client's default (30).
    pub credential_helper_timeout_secs: Option<u64>,
}

/// An image (or a root filesystem) opened for analysis, with the name reports give it.
pub struct OpenedImage {
    pub target: String,
    pub image: Image,
}

/// Opens `image` (or the root filesystem `rootfs`).
pub fn open(
    image: Option<&str>,
    rootfs: Option<&std::path::Path>,
    settings: &ImageSettings,
) -> Result<OpenedImage, EngineError> {
    let mut options = OpenOptions::default();
    options.registry.insecure = settings.insecure;
    options.registry.read_timeout = Duration::from_secs(settings.timeout_secs.max(1));
    if let Some(secs) = settings.credential_helper_timeout_secs {
        options.registry.credential_helper_timeout = Duration::from_secs(secs.max(1));
    }
    if let Some(p) = settings.platform.as_deref() {
        options.platform = Some(PlatformSpec::parse(p).ok_or_else(|| EngineError::Settings {
            source_name: "--platform".into(),
            message: format!("`{p}`: expected OS/ARCH or OS/ARCH/VARIANT, e.g. linux/arm64"),
        })?);
    }
    match (rootfs, image) {
        (Some(dir), _) => Ok(OpenedImage {
            target: dir.display().to_string(),
            image: Image::open_rootfs(dir, &options)?,
        }),
        (None, Some(image)) => Ok(OpenedImage {
            target: image.to_string(),
            image: Image::open(image, &options)?,
        }),
        (None, None) => Err(EngineError::Settings {
            source_name: "image".into(),
            message: "give an image or a root filesystem".into(),
        }),
    }
}

/// What a scan of an image found: the report, and the inventory behind it.
pub struct ImageScan {
    pub report: ScanReport,
    pub analysis: ImageAnalysis,
    pub language: LanguagePackages,
}

impl ImageScan {
    /// `app.tar: Debian GNU/Linux 12 (bookworm), supported until 2028-06-30; 3 layers, 95 OS packages`.
    pub fn summary(&self) -> String {
        summary(&self.analysis)
    }

    /// `--list-packages`: the OS packages, then the language packages, one per line.
    pub fn package_listing(&self) -> Vec<String> {
        let mut lines: Vec<String> = self
            .analysis
            .packages
            .iter()
            .map(|p| format!("  {:<40} {:<30} layer {}", p.name, p.version, p.layer + 1))
            .collect();
        lines.extend(language_packages::listing(&self.language));
        lines
    }
}

/// The packages of an image as an SBOM lists them.
pub struct ImageInventory {
    pub analysis: ImageAnalysis,
    /// OS packages with their distribution purls, licences and layers.
    os: Vec<palisade_vuln::Package>,
    /// Language packages with their paths and layers.
    language: Vec<palisade_vuln::Package>,
    pub errors: Vec<palisade_core::ScanError>,
    pub warnings: Vec<String>,
}

impl ImageInventory {
    /// The SBOM components: OS packages, then language packages with where they are.
    pub fn components(&self) -> Vec<palisade_sbom::Component<'_>> {
        let analysis = &self.analysis;
        let mut components = os_packages::sbom_components(analysis, &self.os);
        components.extend(self.language.iter().map(|p| {
            let mut c = palisade_sbom::Component::of(p);
            c.properties
                .push(("palisade:path".into(), p.location.path.clone()));
            let layer = analysis.layers.iter().find(|l| {
                l.display_digest().map(|d| d.to_string()).as_deref() == p.layer.as_deref()
            });
            if let Some(layer) = layer {
                c.properties
                    .push(("palisade:layer-index".into(), (layer.index + 1).to_string()));
            }
            c
        }));
        components
    }
}

impl Engine {
    /// Scans an opened image: its configuration and history (IMG rules), OS and language
    /// packages (matched against the database), and every file of every layer for secrets.
    pub fn scan_image(
        &self,
        opened: &mut OpenedImage,
        progress: &dyn Progress,
    ) -> Result<ImageScan, EngineError> {
        let config = &self.settings.config;
        let images =
            ImagesConfig::from_table(&config.images).map_err(|e| EngineError::Settings {
                source_name: crate::settings::config_source(config),
                message: e,
            })?;
        let mut report = ScanReport {
            targets: vec![opened.target.clone()],
            ..ScanReport::default()
        };
        let today = chrono::Local::now().date_naive();
        let scanner = match &self.secrets {
            Some(s) => &s.scanner,
            None => palisade_secrets::builtin_scanner(),
        };
        let mut secrets = LayerSecrets {
            scanner,
            enabled: self.settings.scanners.secret,
            findings: Vec::new(),
        };
        let mut langpkgs = language_packages::LayerLanguagePackages::new();
        progress.start(opened.image.layers.len() as u64);
        let analysis = analyse(
            &mut opened.image,
            &mut [&mut secrets, &mut langpkgs],
            &|_| false,
            &images,
            today,
            |layer| progress.advance(Some(&format!("layer {}", layer.label()))),
        );
        progress.finish();
        let mut analysis = analysis?;
        let language = langpkgs.finish(&analysis.fs, &analysis.target);

        report.files_scanned = analysis.files;
        report.findings = std::mem::take(&mut analysis.findings);
        report.findings.extend(secrets.findings);
        report.errors = std::mem::take(&mut analysis.errors);
        report.warnings = std::mem::take(&mut analysis.notes);
        report.errors.extend(language.errors.iter().cloned());
        report.warnings.extend(language.warnings.iter().cloned());
        if self.settings.scanners.vuln {
            os_packages::match_packages(
                &analysis,
                &language.vuln_packages(),
                &os_packages::VulnSettings {
                    vulnerabilities: &self.settings.vulnerabilities,
                    min_severity: self.settings.min_severity,
                },
                &mut report,
            );
        }
        self.finish(&mut report);
        Ok(ImageScan {
            report,
            analysis,
            language,
        })
    }

    /// The OS and language packages of an opened image, with their layers and purls, for
    /// an SBOM.
    pub fn image_inventory(&self, opened: &mut OpenedImage) -> Result<ImageInventory, EngineError> {
        let mut langpkgs = language_packages::LayerLanguagePackages::new();
        let analysis = analyse(
            &mut opened.image,
            &mut [&mut langpkgs],
            &|_| false,
            &ImagesConfig::default(),
            chrono::Local::now().date_naive(),
            |_| {},
        )?;
        let language = langpkgs.finish(&analysis.fs, &analysis.target);
        let os = os_packages::sbom_packages(&analysis);
        let mut errors = analysis.errors.clone();
        errors.extend(language.errors.iter().cloned());
        Ok(ImageInventory {
            os,
            language: language.vuln_packages(),
            analysis,
            errors,
            warnings: language.warnings,
        })
    }
}

/// Largest file of a layer handed to the secret scanner.
const MAX_SECRET_FILE: u64 = 16 * 1024 * 1024;

/// The secret engine over every file of every layer, deleted files included. Findings carry
/// the same fingerprint and preview as in a scan of files, so a `[[suppress]] fingerprint`
/// silences a secret wherever it is found.
struct LayerSecrets<'a> {
    scanner: &'a palisade_secrets::Scanner,
    enabled: bool,
    findings: Vec<Finding>,
}

impl LayerFileVisitor for LayerSecrets<'_> {
    fn wants(&self, file: &LayerFile<'_>) -> bool {
        self.enabled && file.size > 0 && file.size <= MAX_SECRET_FILE
    }

    fn visit(&mut self, file: &LayerFile<'_>, content: &[u8]) {
        let palisade_secrets::FileOutcome::Scanned(matches) =
            self.scanner.scan_loaded(file.path, content)
        else {
            return;
        };
        for m in matches {
            let mut finding = m.to_finding(file.path);
            finding.location.layer = file.layer.display_digest().map(|d| d.to_string());
            let created_by = file
                .layer
                .created_by
                .as_deref()
                .map(|c| c.trim().chars().take(120).collect::<String>());
            finding.message = match &created_by {
                Some(c) => format!(
                    "{} (layer {}, created by `{c}`)",
                    finding.message,
                    file.layer.index + 1
                ),
                None => format!("{} (layer {})", finding.message, file.layer.index + 1),
            };
            if finding.location.resource.is_none() {
                finding.location.resource = created_by;
            }
            self.findings.push(finding);
        }
    }
}

/// `app.tar: Debian GNU/Linux 12 (bookworm), supported until 2028-06-30; 3 layers, 95 OS packages`.
fn summary(a: &ImageAnalysis) -> String {
    let os = match &a.os {
        Some(os) => {
            let name = if os.pretty_name.is_empty() {
                format!("{} {}", os.id, os.version_id)
            } else {
                os.pretty_name.clone()
            };
            let life = match &a.eol {
                EolStatus::Ended { eol } => format!(", END OF LIFE since {eol}"),
                EolStatus::EndingSoon { eol, days_left } => {
                    format!(", end of life on {eol} (in {days_left} days)")
                }
                EolStatus::Supported { eol } => format!(", supported until {eol}"),
                EolStatus::Rolling => ", rolling release".to_string(),
                EolStatus::Unknown => ", end of life unknown".to_string(),
            };
            format!("{name}{life}")
        }
        None => "unknown OS".to_string(),
    };
    format!(
        "{}: {os}; {} layer{}, {} files, {} OS packages",
        a.target,
        a.layers.len(),
        if a.layers.len() == 1 { "" } else { "s" },
        a.files,
        a.packages.len()
    )
}

/// Whether `path` names an image (a layout, an archive, a reference) rather than a tree
/// of lockfiles.
pub fn names_an_image(path: &std::path::Path) -> bool {
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => path.join("oci-layout").is_file(),
        Ok(_) => palisade_vuln::lockfile::kind_of(&path.to_string_lossy()).is_none(),
        // `./layout:tag`, `oci-archive:x.tar`, `registry/repo:tag`
        Err(_) => true,
    }
}
