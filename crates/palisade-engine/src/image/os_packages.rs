//! An image's OS packages as the vulnerability engine and the SBOM writers see them:
//! each dpkg/apk/rpm package becomes a `palisade_vuln::Package` in the distribution's OSV
//! ecosystem (`Debian:12`, `Alpine:v3.19`, `Rocky Linux:9`...) with its source package
//! (Debian/Ubuntu advisories are keyed by source package, Alpine's by origin), its layer
//! digest and the database it was read from. Matches become IMG findings that name the
//! layer and the instruction that created it.

use palisade_artifact::packages::PackageManager;
use palisade_artifact::{ImageAnalysis, LayerInfo, OsPackage, OsRelease};
use palisade_core::{Practice, ScanError, ScanReport, Severity};
use palisade_vuln::Package;

/// The inventory in the vulnerability engine's model; empty when the OS (and so the
/// advisory ecosystem) is unknown.
pub fn vuln_packages(analysis: &ImageAnalysis) -> Vec<Package> {
    let Some(ecosystem) = analysis.os.as_ref().and_then(OsRelease::osv_ecosystem) else {
        return Vec::new();
    };
    analysis
        .packages
        .iter()
        .map(|p| to_package(p, &ecosystem, &analysis.layers))
        .collect()
}

fn to_package(p: &OsPackage, ecosystem: &str, layers: &[LayerInfo]) -> Package {
    let mut pkg = Package::new(ecosystem, &p.name, &p.version, &p.db_path, None);
    pkg.source_name = p.source_name.clone();
    pkg.source_version = p.source_version.clone();
    pkg.layer = layers
        .get(p.layer)
        .and_then(|l| l.display_digest())
        .map(|d| d.to_string());
    pkg
}

/// The inventory for an SBOM: like [`vuln_packages`], but an unrecognised OS still lists
/// its packages (under the package manager's ecosystem).
pub fn sbom_packages(analysis: &ImageAnalysis) -> Vec<Package> {
    let ecosystem = analysis.os.as_ref().and_then(OsRelease::osv_ecosystem);
    analysis
        .packages
        .iter()
        .map(|p| {
            let eco = ecosystem.clone().unwrap_or_else(|| {
                match p.manager {
                    Some(PackageManager::Dpkg) => "Debian",
                    Some(PackageManager::Apk) => "Alpine",
                    Some(PackageManager::Rpm) | None => "Red Hat",
                }
                .to_string()
            });
            to_package(p, &eco, &analysis.layers)
        })
        .collect()
}

/// SBOM components for `packages` (as made by [`sbom_packages`], same order as the
/// analysis's packages): distro purls (`pkg:deb/debian/libssl3@...?arch=amd64&distro=debian-12`),
/// licences, source package and layer index.
pub fn sbom_components<'a>(
    analysis: &ImageAnalysis,
    packages: &'a [Package],
) -> Vec<palisade_sbom::Component<'a>> {
    analysis
        .packages
        .iter()
        .zip(packages)
        .map(|(os_pkg, pkg)| {
            let mut c = palisade_sbom::Component::of(pkg);
            if let Some(purl) = os_pkg.purl(analysis.os.as_ref()) {
                c.purl = purl;
            }
            c.license = os_pkg.license.clone();
            c.properties.push((
                "palisade:layer-index".into(),
                (os_pkg.layer + 1).to_string(),
            ));
            if let Some(by) = analysis
                .layers
                .get(os_pkg.layer)
                .and_then(|l| l.created_by.as_deref())
            {
                c.properties.push((
                    "palisade:layer-created-by".into(),
                    by.trim().chars().take(200).collect(),
                ));
            }
            if let Some(src) = &os_pkg.source_name {
                let version = os_pkg.source_version.as_deref().unwrap_or(&os_pkg.version);
                c.properties
                    .push(("palisade:source-package".into(), format!("{src}@{version}")));
            }
            if let Some(label) = &os_pkg.modularity_label {
                c.properties
                    .push(("palisade:modularity-label".into(), label.clone()));
            }
            c
        })
        .collect()
}

/// How an image's packages are matched: the database and the same filters as a scan.
pub(crate) struct VulnSettings<'a> {
    pub vulnerabilities: &'a crate::VulnerabilitySettings,
    pub min_severity: Severity,
}

/// Matches the image's OS packages (IMG findings naming their layer and instruction) and
/// its language packages (DEP findings) against one opened database. A missing default
/// database or an old one is a warning: the other image checks have run regardless; one
/// that was asked for and cannot be used is an error.
pub(crate) fn match_packages(
    analysis: &ImageAnalysis,
    language: &[Package],
    settings: &VulnSettings,
    report: &mut ScanReport,
) {
    let os_packages = vuln_packages(analysis);
    if os_packages.is_empty() && !analysis.packages.is_empty() {
        report.warnings.push(format!(
            "{}: the OS was not recognised, so its {} packages were not checked for vulnerabilities",
            analysis.target,
            analysis.packages.len()
        ));
    }
    if os_packages.is_empty() && language.is_empty() {
        return;
    }
    let unchecked = || match (os_packages.is_empty(), language.len()) {
        (false, 0) => "OS packages".to_string(),
        (true, n) => format!("{n} language packages"),
        (false, n) => format!("OS packages and {n} language packages"),
    };
    let Some(database) =
        crate::packages::open_database(settings.vulnerabilities, &unchecked(), report)
    else {
        return;
    };
    let path = settings.vulnerabilities.db_path();
    let matched =
        |packages: &[Package], report: &mut ScanReport| match palisade_vuln::match_packages(
            &database, packages,
        ) {
            Ok(v) => Some(v),
            Err(e) => {
                report.errors.push(ScanError::new(
                    path.display().to_string(),
                    None,
                    format!("vulnerability matching failed: {e}"),
                ));
                None
            }
        };
    if !language.is_empty() {
        if let Some(vulns) = matched(language, report) {
            let opts = palisade_vuln::MatchOptions {
                ignore_unfixed: settings.vulnerabilities.ignore_unfixed,
                min_severity: Some(settings.min_severity),
                ..palisade_vuln::MatchOptions::default()
            };
            report
                .findings
                .extend(palisade_vuln::findings(&vulns, &opts));
        }
    }
    if os_packages.is_empty() {
        return;
    }
    let Some(vulns) = matched(&os_packages, report) else {
        return;
    };
    let opts = palisade_vuln::MatchOptions {
        ignore_unfixed: settings.vulnerabilities.ignore_unfixed,
        min_severity: Some(settings.min_severity),
        practice: Some(Practice::Img),
    };
    for mut f in palisade_vuln::findings(&vulns, &opts) {
        let layer = analysis.layers.iter().find(|l| {
            l.display_digest().map(|d| d.to_string()).as_deref() == f.location.layer.as_deref()
        });
        if let Some(layer) = layer {
            let created_by = layer
                .created_by
                .as_deref()
                .map(|c| c.trim().chars().take(120).collect::<String>());
            f.message = match &created_by {
                Some(c) => format!(
                    "{} (layer {}, created by `{c}`)",
                    f.message,
                    layer.index + 1
                ),
                None => format!("{} (layer {})", f.message, layer.index + 1),
            };
            f.location.resource = created_by;
        }
        report.findings.push(f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os_packages_carry_ecosystem_source_and_layer() {
        let p = OsPackage {
            name: "libssl3".into(),
            version: "3.0.11-1~deb12u2".into(),
            source_name: Some("openssl".into()),
            source_version: Some("3.0.11-1~deb12u2".into()),
            layer: 0,
            db_path: "var/lib/dpkg/status".into(),
            ..OsPackage::default()
        };
        let layer = LayerInfo {
            index: 0,
            digest: None,
            diff_id: palisade_artifact::Sha256Digest::parse(
                "sha256:0000000000000000000000000000000000000000000000000000000000000001",
            ),
            created_by: None,
            size: None,
        };
        let pkg = to_package(&p, "Debian:12", &[layer]);
        assert_eq!(pkg.ecosystem, "Debian:12");
        assert_eq!(pkg.source_name.as_deref(), Some("openssl"));
        assert_eq!(pkg.location.path, "var/lib/dpkg/status");
        assert!(pkg.layer.unwrap().ends_with("01"));
    }
}
