//! `palisade image`: open the image (archive, layout, registry or root filesystem), stream
//! its layers once through the analysis of `palisade-artifact`, and render the findings in
//! the same report formats as `palisade scan`.
//!
//! The OS packages are matched against the OSV database (`image_packages`) as IMG
//! findings. Engines that look at file contents (secrets, language packages) join as
//! `LayerFileVisitor`s passed to `analyse`, so they see every file of every layer,
//! including files a later layer deleted.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use palisade_artifact::eol::EolStatus;
use palisade_artifact::{
    analyse, Image, ImagesConfig, LayerFile, LayerFileVisitor, OpenOptions, PlatformSpec,
};
use palisade_core::{Config, Finding, ScanReport};

use crate::cli::{FailOn, ImageArgs, ImageSource, OutputFormat, SbomArgs, SbomFormat};
use crate::{EXIT_ERROR, EXIT_FINDINGS};

fn load_config(args: &ImageArgs) -> anyhow::Result<Config> {
    if let Some(path) = &args.config {
        return Config::load(path).map_err(anyhow::Error::from);
    }
    let candidate = PathBuf::from(palisade_core::config::CONFIG_FILE);
    if candidate.is_file() {
        Config::load(&candidate).map_err(anyhow::Error::from)
    } else {
        Ok(Config::default())
    }
}

/// Opens `image` (or the root filesystem `rootfs`); answers the target as displayed.
pub fn open_image(
    image: Option<&str>,
    rootfs: Option<&std::path::Path>,
    source: &ImageSource,
) -> anyhow::Result<(String, Image)> {
    let mut options = OpenOptions::default();
    options.registry.insecure = source.insecure;
    options.registry.read_timeout = Duration::from_secs(source.timeout.max(1));
    if let Some(p) = source.platform.as_deref() {
        options.platform = Some(PlatformSpec::parse(p).with_context(|| {
            format!("--platform {p}: expected OS/ARCH or OS/ARCH/VARIANT, e.g. linux/arm64")
        })?);
    }
    match (rootfs, image) {
        (Some(dir), _) => Ok((
            dir.display().to_string(),
            Image::open_rootfs(dir, &options)?,
        )),
        (None, Some(image)) => Ok((image.to_string(), Image::open(image, &options)?)),
        (None, None) => anyhow::bail!("give an image or --rootfs DIR"),
    }
}

pub fn run(args: ImageArgs) -> anyhow::Result<u8> {
    let config = load_config(&args)?;
    let settings = ImagesConfig::from_table(&config.images).map_err(|e| {
        anyhow::anyhow!(
            "{}: {e}",
            config
                .source
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| palisade_core::config::CONFIG_FILE.into())
        )
    })?;
    let (target, mut image) =
        open_image(args.image.as_deref(), args.rootfs.as_deref(), &args.source)?;
    let mut report = ScanReport {
        targets: vec![target.clone()],
        ..ScanReport::default()
    };
    let bar = progress(image.layers.len(), args.quiet);
    let today = chrono::Local::now().date_naive();
    let mut secrets = LayerSecrets {
        scanner: palisade_secrets::builtin_scanner(),
        findings: Vec::new(),
    };
    let mut langpkgs = crate::image_langpkgs::LayerLanguagePackages::new();
    let analysis = analyse(
        &mut image,
        &mut [&mut secrets, &mut langpkgs],
        &|_| false,
        &settings,
        today,
        |layer| {
            bar.set_message(format!("layer {}", layer.label()));
            bar.inc(1);
        },
    );
    bar.finish_and_clear();
    let mut analysis = analysis?;
    let langpkgs = langpkgs.finish(&analysis.fs, &analysis.target);

    if !args.quiet {
        eprintln!(
            "{}, {} language packages",
            summary(&analysis),
            langpkgs.packages.len()
        );
        if args.list_packages {
            for p in &analysis.packages {
                eprintln!("  {:<40} {:<30} layer {}", p.name, p.version, p.layer + 1);
            }
            crate::image_langpkgs::list(&langpkgs);
        }
    }
    report.files_scanned = analysis.files;
    report.findings = std::mem::take(&mut analysis.findings);
    report.findings.extend(secrets.findings);
    report.errors = std::mem::take(&mut analysis.errors);
    report.warnings = std::mem::take(&mut analysis.notes);
    report.errors.extend(langpkgs.errors.iter().cloned());
    report.warnings.extend(langpkgs.warnings.iter().cloned());
    let vuln_settings = crate::image_packages::VulnSettings {
        db: args.db.clone(),
        ignore_unfixed: args.ignore_unfixed,
        min_severity: args.min_severity,
    };
    crate::image_packages::match_packages(
        &analysis,
        &langpkgs.vuln_packages(),
        &vuln_settings,
        &mut report,
    );

    config.apply(&mut report, today);
    let keep = |f: &Finding| f.severity >= args.min_severity;
    report.findings.retain(keep);
    report.suppressed.retain(keep);
    report.sort();
    crate::scan::write_rendered(
        &report,
        args.format,
        args.output.as_deref(),
        args.color,
        args.show_suppressed,
    )?;
    if !args.quiet && args.format != OutputFormat::Table {
        for w in &report.warnings {
            eprintln!("warning: {w}");
        }
        for e in &report.errors {
            eprintln!("error: {e}");
        }
    }
    if !report.errors.is_empty() {
        return Ok(EXIT_ERROR);
    }
    let failing = match args.fail_on {
        FailOn::Never => false,
        FailOn::At(t) => report.findings.iter().any(|f| f.severity >= t),
    };
    Ok(if failing { EXIT_FINDINGS } else { 0 })
}

/// Largest file of a layer handed to the secret scanner.
const MAX_SECRET_FILE: u64 = 16 * 1024 * 1024;

/// The secret engine over every file of every layer, deleted files included: a file added in
/// one layer and removed in a later one still ships in the image.
struct LayerSecrets {
    scanner: &'static palisade_secrets::Scanner,
    findings: Vec<Finding>,
}

impl LayerFileVisitor for LayerSecrets {
    fn wants(&self, file: &LayerFile<'_>) -> bool {
        file.size > 0 && file.size <= MAX_SECRET_FILE
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

fn progress(layers: usize, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(layers as u64), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} reading {msg} ({pos}/{len}) {wide_bar}")
    {
        bar.set_style(style);
    }
    bar
}

/// `app.tar: Debian GNU/Linux 12 (bookworm), supported until 2028-06-30; 3 layers, 95 OS packages`.
fn summary(a: &palisade_artifact::ImageAnalysis) -> String {
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

/// Whether `palisade sbom` was given an image rather than a tree of lockfiles.
pub fn sbom_target_is_image(args: &SbomArgs) -> bool {
    if args.image || args.rootfs.is_some() {
        return true;
    }
    let path = &args.path;
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => path.join("oci-layout").is_file(),
        Ok(_) => palisade_vuln::lockfile::kind_of(&path.to_string_lossy()).is_none(),
        // `./layout:tag`, `oci-archive:x.tar`, `registry/repo:tag`
        Err(_) => true,
    }
}

/// `palisade sbom IMAGE`: the image's OS packages with distro purls, licences and layers,
/// its language packages (with their path and layer), and its OS, as CycloneDX 1.5 or
/// SPDX 2.3.
pub fn sbom(args: SbomArgs) -> anyhow::Result<u8> {
    let image_ref = args.path.to_string_lossy().into_owned();
    let (target, mut image) = open_image(Some(&image_ref), args.rootfs.as_deref(), &args.source)?;
    let mut langpkgs = crate::image_langpkgs::LayerLanguagePackages::new();
    let analysis = analyse(
        &mut image,
        &mut [&mut langpkgs],
        &|_| false,
        &ImagesConfig::default(),
        chrono::Local::now().date_naive(),
        |_| {},
    )?;
    let langpkgs = langpkgs.finish(&analysis.fs, &analysis.target);
    for w in &langpkgs.warnings {
        eprintln!("warning: {w}");
    }
    for e in analysis.errors.iter().chain(&langpkgs.errors) {
        eprintln!("error: {e}");
    }
    let packages = crate::image_packages::sbom_packages(&analysis);
    let language = langpkgs.vuln_packages();
    let mut components = crate::image_packages::sbom_components(&analysis, &packages);
    components.extend(language.iter().map(|p| {
        let mut c = palisade_sbom::Component::of(p);
        c.properties
            .push(("palisade:path".into(), p.location.path.clone()));
        let layer = analysis
            .layers
            .iter()
            .find(|l| l.display_digest().map(|d| d.to_string()).as_deref() == p.layer.as_deref());
        if let Some(layer) = layer {
            c.properties
                .push(("palisade:layer-index".into(), (layer.index + 1).to_string()));
        }
        c
    }));
    let os = analysis
        .os
        .as_ref()
        .map(|o| palisade_sbom::OperatingSystem {
            id: o.id.clone(),
            version: o.version_id.clone(),
            description: o.pretty_name.clone(),
        });
    let subject = palisade_sbom::Subject::Image { os: os.as_ref() };
    let meta = palisade_sbom::SbomMeta::now(target);
    let doc = match args.format {
        SbomFormat::Cyclonedx => palisade_sbom::cyclonedx_components(&components, subject, &meta),
        SbomFormat::SpdxJson => palisade_sbom::spdx_components(&components, subject, &meta),
    };
    let text = serde_json::to_string_pretty(&doc)? + "\n";
    match &args.output {
        Some(p) => {
            std::fs::write(p, text).with_context(|| format!("cannot write {}", p.display()))?
        }
        None => crate::emit(&text)?,
    }
    Ok(
        if analysis.errors.is_empty() && langpkgs.errors.is_empty() {
            0
        } else {
            EXIT_ERROR
        },
    )
}
