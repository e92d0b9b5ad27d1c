//! `palisade image` and `palisade sbom IMAGE`: options → engine settings, the summary and
//! package list on standard error, the report or SBOM, the exit code.

use anyhow::Context;
use palisade_engine::image::{self, ImageSettings};
use palisade_engine::{Engine, Settings, VulnerabilitySettings};

use crate::cli::{ImageArgs, ImageSource, SbomArgs, SbomFormat};
use crate::scan::Bar;
use crate::EXIT_ERROR;

fn image_settings(source: &ImageSource) -> ImageSettings {
    ImageSettings {
        platform: source.platform.clone(),
        insecure: source.insecure,
        timeout_secs: source.timeout,
    }
}

pub fn run(args: ImageArgs) -> anyhow::Result<u8> {
    let config = palisade_engine::load_config(args.config.as_deref(), &[])?;
    let engine = Engine::new(Settings {
        config,
        vulnerabilities: VulnerabilitySettings {
            db: args.db.clone(),
            ignore_unfixed: args.ignore_unfixed,
            require_db: args.require_db,
        },
        min_severity: args.report.min_severity,
        ..Settings::default()
    })?;
    let mut opened = image::open(
        args.image.as_deref(),
        args.rootfs.as_deref(),
        &image_settings(&args.source),
    )?;
    let bar = Bar::new(
        args.quiet,
        "{spinner} reading {msg} ({pos}/{len}) {wide_bar}",
        0,
    );
    let scan = engine.scan_image(&mut opened, &bar)?;
    if !args.quiet {
        eprintln!(
            "{}, {} language packages",
            scan.summary(),
            scan.language.packages.len()
        );
        if args.list_packages {
            for line in scan.package_listing() {
                eprintln!("{line}");
            }
        }
    }
    crate::scan::finish(&scan.report, &args.report.to(args.format, args.quiet))
}

/// Whether `palisade sbom` was given an image rather than a tree of lockfiles.
pub fn sbom_target_is_image(args: &SbomArgs) -> bool {
    args.image || args.rootfs.is_some() || image::names_an_image(&args.path)
}

/// `palisade sbom IMAGE`: the image's OS packages with distro purls, licences and layers,
/// its language packages (with their path and layer), and its OS, as CycloneDX 1.5 or
/// SPDX 2.3.
pub fn sbom(args: SbomArgs) -> anyhow::Result<u8> {
    let image_ref = args.path.to_string_lossy().into_owned();
    let mut opened = image::open(
        Some(&image_ref),
        args.rootfs.as_deref(),
        &image_settings(&args.source),
    )?;
    let engine = Engine::new(Settings::default())?;
    let inventory = engine.image_inventory(&mut opened)?;
    for w in &inventory.warnings {
        eprintln!("warning: {}", palisade_core::text::printable(w));
    }
    for e in &inventory.errors {
        eprintln!("error: {e}");
    }
    let components = inventory.components();
    let os = inventory
        .analysis
        .os
        .as_ref()
        .map(|o| palisade_sbom::OperatingSystem {
            id: o.id.clone(),
            version: o.version_id.clone(),
            description: o.pretty_name.clone(),
        });
    let subject = palisade_sbom::Subject::Image { os: os.as_ref() };
    let meta = palisade_sbom::SbomMeta::now(opened.target.clone());
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
    Ok(if inventory.errors.is_empty() {
        0
    } else {
        EXIT_ERROR
    })
}
