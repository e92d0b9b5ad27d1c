//! `palisade image` and `palisade sbom IMAGE`: options → engine settings, the summary and
//! package list on standard error, the report or SBOM, the exit code.

use anyhow::Context;
use palisade_engine::image::{self, fleet, ImageSettings};
use palisade_engine::{Engine, Settings, VulnerabilitySettings};

use crate::cli::{ImageArgs, ImageSource, SbomArgs, SbomFormat};
use crate::scan::Bar;
use crate::EXIT_ERROR;

pub fn image_settings(source: &ImageSource) -> ImageSettings {
    ImageSettings {
        platform: source.platform.clone(),
        insecure: source.insecure,
        timeout_secs: source.timeout,
        credential_helper_timeout_secs: Some(source.credential_helper_timeout),
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
    if args.list || args.shard.is_some() {
        return run_list(&args, &engine);
    }
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

/// Largest images file read.
const MAX_LIST_BYTES: u64 = 64 << 20;

/// `palisade image --list FILE` and `--shard I/N FILE`: the images of a list (or of its
/// shard), each scanned once, in one report.
fn run_list(args: &ImageArgs, engine: &Engine) -> anyhow::Result<u8> {
    let file = args.image.as_deref().unwrap_or("-");
    let text = if file == "-" {
        let mut text = String::new();
        std::io::Read::read_to_string(
            &mut std::io::Read::take(std::io::stdin().lock(), MAX_LIST_BYTES),
            &mut text,
        )
        .context("cannot read the list of images from standard input")?;
        text
    } else {
        palisade_core::fsio::read_to_string_limited(std::path::Path::new(file), MAX_LIST_BYTES)
            .map_err(|e| anyhow::anyhow!("{file}: cannot read: {}", e.reason()))?
    };
    let mut images = fleet::images_from_list(&text);
    if let Some(spec) = &args.shard {
        let index = std::env::var("JOB_COMPLETION_INDEX").ok();
        let (i, n) = parse_shard(spec, index.as_deref())?;
        images = fleet::shard(images, i, n);
    }
    let reports = scan_images(
        engine,
        &images,
        &image_settings(&args.source),
        usize::from(args.concurrency),
        !args.no_cache,
        args.quiet,
    );
    let report = palisade_report::merge(reports);
    crate::scan::finish(&report, &args.report.to(args.format, args.quiet))
}

/// `I/N` (or `N`, with I from `$JOB_COMPLETION_INDEX`) as (I, N), with I < N.
pub fn parse_shard(spec: &str, job_index: Option<&str>) -> anyhow::Result<(usize, usize)> {
    let usage =
        "expected I/N with 0 <= I < N (e.g. --shard 2/8), or N with $JOB_COMPLETION_INDEX set";
    let shown = palisade_core::text::printable(spec);
    let number = |text: &str, what: &str| -> anyhow::Result<usize> {
        text.trim()
            .parse::<usize>()
            .map_err(|_| anyhow::anyhow!("--shard {shown}: {what} is not a number; {usage}"))
    };
    let (i, n) = match spec.split_once('/') {
        Some((i, n)) => (number(i, "I")?, number(n, "N")?),
        None => {
            let n = number(spec, "N")?;
            let Some(index) = job_index else {
                anyhow::bail!(
                    "--shard {shown}: no shard index: JOB_COMPLETION_INDEX is not set; {usage}"
                );
            };
            let i = index.trim().parse::<usize>().map_err(|_| {
                anyhow::anyhow!(
                    "--shard {shown}: JOB_COMPLETION_INDEX `{}` is not a number; {usage}",
                    palisade_core::text::printable(index)
                )
            })?;
            (i, n)
        }
    };
    if n == 0 || i >= n {
        anyhow::bail!("--shard {shown}: shard {i} of {n} does not exist; {usage}");
    }
    Ok((i, n))
}

/// Scans `images`, `concurrency` at a time, through the result cache unless `cache` is
/// off; one report per image, and a summary line on standard error unless `quiet`.
pub fn scan_images(
    engine: &Engine,
    images: &[fleet::FleetImage],
    settings: &ImageSettings,
    concurrency: usize,
    cache: bool,
    quiet: bool,
) -> Vec<palisade_core::ScanReport> {
    let cache = cache.then(|| {
        let cache = fleet::ResultCache::new(fleet::ResultCache::default_dir(), engine, settings);
        cache.prune();
        cache
    });
    let scans = engine.scan_fleet(images, settings, concurrency, cache.as_ref());
    if !quiet {
        let counts = fleet::FleetCounts::of(&scans);
        eprintln!(
            "{} image{}: {} scanned, {} from the cache, {} could not be scanned",
            images.len(),
            if images.len() == 1 { "" } else { "s" },
            counts.scanned,
            counts.cached,
            counts.failed
        );
    }
    scans.into_iter().map(|s| s.report).collect()
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
