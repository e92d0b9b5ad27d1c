//! `palisade db update|import|status`, `palisade sbom`, and the vulnerability step of
//! `palisade scan` (lockfiles → inventory → OSV matches).

use std::path::{Path, PathBuf};

use anyhow::Context;
use palisade_core::{ScanError, ScanReport};
use palisade_vuln::db::{self, Database};
use palisade_vuln::{lockfile, Package};

use crate::cli::{DbCommand, SbomArgs, SbomFormat, ScanArgs};
use crate::walk::{self, FileEntry, SkipRules};

/// Data older than this makes `palisade scan` say so.
pub(crate) const STALE_DAYS: i64 = 7;

fn db_path(given: &Option<PathBuf>) -> PathBuf {
    given.clone().unwrap_or_else(db::default_path)
}

pub fn run(cmd: DbCommand) -> anyhow::Result<u8> {
    match cmd {
        DbCommand::Update(args) => {
            let path = db_path(&args.db.db);
            let mut opts = palisade_vuln::update::UpdateOptions {
                progress: !args.quiet,
                ..Default::default()
            };
            if let Some(url) = args.base_url {
                opts.base_url = url;
            }
            if !args.ecosystems.is_empty() {
                opts.ecosystems = args.ecosystems;
            }
            let report = palisade_vuln::update::update(&path, &opts)?;
            if report.unchanged {
                crate::emit(&format!("{}: up to date\n", path.display()))?;
            } else {
                crate::emit(&format!(
                    "{}: {} advisories from {} ({} skipped)\n",
                    path.display(),
                    report.stats.imported,
                    report.downloaded.join(", "),
                    report.stats.warnings.len()
                ))?;
                if !args.quiet {
                    for w in report.stats.warnings.iter().take(20) {
                        eprintln!("warning: {w}");
                    }
                }
            }
            Ok(0)
        }
        DbCommand::Import(args) => {
            let path = db_path(&args.db.db);
            // built beside the current file and renamed over it: a killed import leaves
            // the previous database as it was
            let stats = db::import_atomically(&path, &args.source)
                .with_context(|| format!("importing {}", args.source.display()))?;
            for w in stats.warnings.iter().take(50) {
                eprintln!("warning: {w}");
            }
            crate::emit(&format!(
                "{}: imported {} advisories ({} withdrawn, {} skipped with warnings)\n",
                path.display(),
                stats.imported,
                stats.withdrawn,
                stats.warnings.len()
            ))?;
            Ok(0)
        }
        DbCommand::Status(args) => {
            let path = db_path(&args.db);
            let db = Database::open(&path)?;
            let mut text = db.status()?.to_string();
            if let Some(age) = db.age_days() {
                text.push_str(&format!("age:        {age} days\n"));
            }
            crate::emit(&text)?;
            Ok(0)
        }
    }
}

/// Parses one lockfile into `packages`; requirements that pin no version become DEP002
/// findings, failures error entries naming the file.
pub fn read_lockfile(
    entry: &FileEntry,
    packages: &mut Vec<Package>,
    findings: &mut Vec<palisade_core::Finding>,
    errors: &mut Vec<ScanError>,
) {
    let Some(real) = &entry.path else { return };
    let read_limited = |p: &Path| -> Option<String> {
        let meta = std::fs::metadata(p).ok()?;
        if meta.len() > lockfile::MAX_LOCKFILE_BYTES {
            return None;
        }
        std::fs::read_to_string(p).ok()
    };
    let Some(text) = read_limited(real) else {
        errors.push(ScanError::new(
            &entry.display,
            None,
            "cannot read lockfile (unreadable, not UTF-8, or larger than the limit)",
        ));
        return;
    };
    // `-r` includes name paths relative to the display path; map them onto the real one
    let display_dir = entry.display.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    let real_dir = real.parent().unwrap_or(Path::new("."));
    let read = |p: &str| {
        let rel = p
            .strip_prefix(display_dir)
            .unwrap_or(p)
            .trim_start_matches('/');
        read_limited(&real_dir.join(rel))
    };
    match lockfile::parse_inventory(&entry.display, &text, &read) {
        Ok(found) => {
            packages.extend(found.packages);
            findings.extend(palisade_vuln::unpinned_findings(&found.unpinned));
        }
        Err(e) => errors.push(e.into()),
    }
}

/// Matches the packages of a scan against the database and adds the findings; a missing
/// or stale database is a warning, never a failure of the other scanners.
pub fn scan_packages(args: &ScanArgs, packages: &[Package], report: &mut ScanReport) {
    let path = db_path(&args.db);
    if !path.exists() {
        report.warnings.push(format!(
            "no vulnerability database at {}: dependencies were not checked for vulnerabilities. Run `palisade db update` (or `palisade db import PATH` offline).",
            path.display()
        ));
        return;
    }
    let db = match Database::open(&path) {
        Ok(db) => db,
        Err(e) => {
            report.warnings.push(format!(
                "vulnerability scan skipped: {e}. Run `palisade db update` (or `palisade db import PATH` offline)."
            ));
            return;
        }
    };
    if let Some(age) = db.age_days().filter(|a| *a > STALE_DAYS) {
        report.warnings.push(format!(
            "the vulnerability database {} is {age} days old; run `palisade db update`",
            path.display()
        ));
    }
    match palisade_vuln::match_packages(&db, packages) {
        Ok(vulns) => {
            let opts = palisade_vuln::MatchOptions {
                ignore_unfixed: args.ignore_unfixed,
                ..Default::default()
            };
            report
                .findings
                .extend(palisade_vuln::findings(&vulns, &opts));
        }
        Err(e) => report.errors.push(ScanError::new(
            path.display().to_string(),
            None,
            format!("vulnerability matching failed: {e}"),
        )),
    }
}

pub fn sbom(args: SbomArgs) -> anyhow::Result<u8> {
    if crate::image_cmd::sbom_target_is_image(&args) {
        return crate::image_cmd::sbom(args);
    }
    let skip = SkipRules::new(&[], &[])?;
    let config = palisade_core::Config::default();
    let mut files = Vec::new();
    let mut errors = Vec::new();
    walk::collect(&args.path, &skip, &config, false, &mut files, &mut errors);
    let mut packages = Vec::new();
    let mut warnings = Vec::new();
    for f in files
        .iter()
        .filter(|f| lockfile::kind_of(&f.display).is_some())
    {
        // an SBOM lists what is installed; unpinned requirements are not part of it
        read_lockfile(f, &mut packages, &mut Vec::new(), &mut errors);
    }
    for f in files
        .iter()
        .filter(|f| crate::java_archives::is_java_archive(f))
    {
        crate::java_archives::read_java_archive(f, &mut packages, &mut errors, &mut warnings);
    }
    for w in &warnings {
        eprintln!("warning: {w}");
    }
    for e in &errors {
        eprintln!("error: {e}");
    }
    let meta = palisade_sbom::SbomMeta::now(args.path.display().to_string());
    let doc = match args.format {
        SbomFormat::Cyclonedx => palisade_sbom::cyclonedx(&packages, &meta),
        SbomFormat::SpdxJson => palisade_sbom::spdx(&packages, &meta),
    };
    let text = serde_json::to_string_pretty(&doc)? + "\n";
    match &args.output {
        Some(p) => {
            std::fs::write(p, text).with_context(|| format!("cannot write {}", p.display()))?
        }
        None => crate::emit(&text)?,
    }
    Ok(if errors.is_empty() {
        0
    } else {
        crate::EXIT_ERROR
    })
}
