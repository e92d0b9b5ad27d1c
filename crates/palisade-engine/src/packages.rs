//! Dependencies in a scan: lockfiles read into the package inventory, and the inventory
//! matched against the vulnerability database (for trees and images alike).

use std::path::Path;

use palisade_core::{ScanError, ScanReport};
use palisade_vuln::db::Database;
use palisade_vuln::{lockfile, Package};

use crate::source::{read_bounded, FileEntry, Source};
use crate::VulnerabilitySettings;

/// Data older than this makes a scan say so.
pub const STALE_DAYS: i64 = 7;

/// Parses one lockfile into `packages`; requirements that pin no version become DEP002
/// findings, failures error entries naming the file.
pub(crate) fn read_lockfile(
    entry: &FileEntry,
    packages: &mut Vec<Package>,
    findings: &mut Vec<palisade_core::Finding>,
    errors: &mut Vec<ScanError>,
) {
    let content = read_bounded(entry, lockfile::MAX_LOCKFILE_BYTES)
        .ok()
        .flatten();
    parse_lockfile(entry, content.as_deref(), packages, findings, errors);
}

/// [`read_lockfile`] on the file's bytes, read by the caller (`None`: unreadable);
/// more than the lockfile limit is refused as if it had not been read.
pub(crate) fn parse_lockfile(
    entry: &FileEntry,
    bytes: Option<&[u8]>,
    packages: &mut Vec<Package>,
    findings: &mut Vec<palisade_core::Finding>,
    errors: &mut Vec<ScanError>,
) {
    let text = bytes
        .filter(|b| b.len() as u64 <= lockfile::MAX_LOCKFILE_BYTES)
        .and_then(|b| std::str::from_utf8(b).ok())
        .map(str::to_string);
    let Some(text) = text else {
        errors.push(ScanError::new(
            &entry.display,
            None,
            "cannot read lockfile (unreadable, not UTF-8, or larger than the limit)",
        ));
        return;
    };
    // `-r` includes name paths relative to the display path; map them onto the real one
    // (documents held in memory have no neighbours to include).
    let display_dir = entry.display.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    let real_dir = match &entry.source {
        Source::Disk(real) => Some(real.parent().unwrap_or(Path::new(".")).to_path_buf()),
        _ => None,
    };
    let read = |p: &str| {
        let rel = p
            .strip_prefix(display_dir)
            .unwrap_or(p)
            .trim_start_matches('/');
        let included = FileEntry {
            source: Source::Disk(real_dir.as_ref()?.join(rel)),
            display: p.to_string(),
        };
        let bytes = read_bounded(&included, lockfile::MAX_LOCKFILE_BYTES).ok()??;
        String::from_utf8(bytes.to_vec()).ok()
    };
    match lockfile::parse_inventory(&entry.display, &text, &read) {
        Ok(found) => {
            packages.extend(found.packages);
            findings.extend(palisade_vuln::unpinned_findings(&found.unpinned));
        }
        Err(e) => errors.push(e.into()),
    }
}

/// The database of a run, opened once. `Ok(None)` when there is none at the default path
/// and none is required: the report then says what was not checked. A database that was
/// asked for (`--db`, `require_db`) and cannot be used is an error, never a silent pass.
pub(crate) fn open_database(
    settings: &VulnerabilitySettings,
    unchecked: &str,
    report: &mut ScanReport,
) -> Option<Database> {
    let path = settings.db_path();
    let explicit = settings.db.is_some();
    let fix = "Run `palisade db update` (or `palisade db import PATH` offline)";
    if !path.exists() {
        if explicit || settings.require_db {
            report.errors.push(ScanError::new(
                path.display().to_string(),
                None,
                format!(
                    "no vulnerability database here: {unchecked} were not checked for vulnerabilities. {fix}{}.",
                    if explicit { "" } else { ", or drop require_db" }
                ),
            ));
        } else {
            report.warnings.push(format!(
                "no vulnerability database at {}: {unchecked} were not checked for vulnerabilities. {fix}.",
                path.display()
            ));
        }
        return None;
    }
    let database = match Database::open(&path) {
        Ok(db) => db,
        Err(e) => {
            report.errors.push(ScanError::new(
                path.display().to_string(),
                None,
                format!(
                    "the vulnerability database cannot be used ({e}): {unchecked} were not checked for vulnerabilities. {fix}."
                ),
            ));
            return None;
        }
    };
    if let Some(age) = database.age_days().filter(|a| *a > STALE_DAYS) {
        report.warnings.push(format!(
            "the vulnerability database {} is {age} days old; run `palisade db update`",
            path.display()
        ));
    }
    Some(database)
}

/// Matches the packages of a scan against the database and adds the findings.
pub(crate) fn check_packages(
    settings: &VulnerabilitySettings,
    packages: &[Package],
    report: &mut ScanReport,
) {
    if packages.is_empty() {
        return;
    }
    let Some(db) = open_database(settings, "dependencies", report) else {
        return;
    };
    match palisade_vuln::match_packages(&db, packages) {
        Ok(vulns) => {
            let opts = palisade_vuln::MatchOptions {
                ignore_unfixed: settings.ignore_unfixed,
                ..Default::default()
            };
            report
                .findings
                .extend(palisade_vuln::findings(&vulns, &opts));
        }
        Err(e) => report.errors.push(ScanError::new(
            settings.db_path().display().to_string(),
            None,
            format!("vulnerability matching failed: {e}"),
        )),
    }
}

/// The installed packages of a tree, for an SBOM, with what could not be read.
pub struct Inventory {
    pub packages: Vec<Package>,
    pub errors: Vec<ScanError>,
    pub warnings: Vec<String>,
}

impl crate::Engine {
    /// The lockfiles and Java archives under `paths`: installed packages only (unpinned
    /// requirements are not part of an SBOM).
    pub fn inventory(&self, paths: &[std::path::PathBuf]) -> Inventory {
        let mut entries = Vec::new();
        let mut errors = Vec::new();
        let mut warnings = Vec::new();
        for target in paths {
            crate::source::collect(
                target,
                &self.skip,
                &self.settings.config,
                self.settings.follow_symlinks,
                &mut entries,
                &mut errors,
            );
        }
        let mut packages = Vec::new();
        for f in entries
            .iter()
            .filter(|f| lockfile::kind_of(&f.display).is_some())
        {
            read_lockfile(f, &mut packages, &mut Vec::new(), &mut errors);
        }
        for f in entries.iter().filter(|f| crate::java::is_java_archive(f)) {
            crate::java::read_java_archive(f, &mut packages, &mut errors, &mut warnings);
        }
        Inventory {
            packages,
            errors,
            warnings,
        }
    }
}
