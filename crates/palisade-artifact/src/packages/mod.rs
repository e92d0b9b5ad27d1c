//! OS package inventories read from the final view's package databases: dpkg (`status`
//! and distroless `status.d/*`), apk (`installed`) and rpm (sqlite, NDB, Berkeley DB).
//!
//! Each package records the layer that introduced it: the first layer whose copy of the
//! database lists that exact name and version. Matching against advisories is not done
//! here; the vulnerability engine receives these packages with their ecosystem.

use packageurl::PackageUrl;

pub mod apk;
pub mod dpkg;
pub mod rpm;

use crate::fs::ImageFs;
use crate::os::OsRelease;

/// The package manager a package was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PackageManager {
    Dpkg,
    Apk,
    Rpm,
}

impl PackageManager {
    /// Package-URL type (`deb`, `apk`, `rpm`).
    pub fn purl_type(self) -> &'static str {
        match self {
            PackageManager::Dpkg => "deb",
            PackageManager::Apk => "apk",
            PackageManager::Rpm => "rpm",
        }
    }
}

/// One installed OS package.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct OsPackage {
    pub name: String,
    /// Full version as the package manager compares it (`1:2.36-9+deb12u4`, `3.0.7-r0`,
    /// `1:3.0.1-43.el9_0` with the epoch when it is set).
    pub version: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arch: Option<String>,
    /// Source package (dpkg `Source`, apk origin, rpm source RPM name) where advisories are
    /// keyed by it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_version: Option<String>,
    /// rpm modularity label (`nodejs:18:8090020231019152822:a75119d5`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub modularity_label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
    pub manager: Option<PackageManager>,
    /// Index of the layer that introduced the package.
    pub layer: usize,
    /// The database file it was read from.
    pub db_path: String,
}

impl OsPackage {
    /// A package URL (`pkg:deb/debian/openssl@3.0.11-1?arch=amd64&distro=debian-12`).
    pub fn purl(&self, os: Option<&OsRelease>) -> Option<String> {
        let manager = self.manager?;
        let namespace = os.map(|o| o.id.as_str()).unwrap_or("unknown");
        let mut purl = PackageUrl::new(manager.purl_type(), self.name.as_str()).ok()?;
        purl.with_namespace(namespace).ok()?;
        purl.with_version(self.version.as_str()).ok()?;
        if let Some(a) = &self.arch {
            purl.add_qualifier("arch", a.as_str()).ok()?;
        }
        if let Some(o) = os.filter(|o| !o.version_id.is_empty()) {
            purl.add_qualifier("distro", format!("{}-{}", o.id, o.version_id))
                .ok()?;
        }
        if let Some(src) = self.source_name.as_ref().filter(|s| **s != self.name) {
            purl.add_qualifier("upstream", src.as_str()).ok()?;
        }
        Some(purl.to_string())
    }
}

/// Why a package database could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct PackageDbError {
    pub path: String,
    pub message: String,
}

/// Whether a path is a package database the inventory reads (for capture).
pub fn is_package_db(path: &str) -> bool {
    matches!(
        path,
        "var/lib/dpkg/status"
            | "lib/apk/db/installed"
            | "var/lib/rpm/rpmdb.sqlite"
            | "var/lib/rpm/Packages.db"
            | "usr/lib/sysimage/rpm/rpmdb.sqlite"
            | "usr/lib/sysimage/rpm/Packages.db"
            | "var/lib/rpm/Packages"
            | "usr/lib/sysimage/rpm/Packages"
    ) || path
        .strip_prefix("var/lib/dpkg/status.d/")
        .is_some_and(|rest| !rest.contains('/'))
}

/// Every OS package of the image, with the layer that introduced it.
pub fn inventory(fs: &ImageFs) -> (Vec<OsPackage>, Vec<PackageDbError>) {
    let mut packages = Vec::new();
    let mut errors = Vec::new();
    dpkg::collect(fs, &mut packages, &mut errors);
    apk::collect(fs, &mut packages, &mut errors);
    rpm::collect(fs, &mut packages, &mut errors);
    packages.sort_by(|a, b| (&a.name, &a.version, &a.arch).cmp(&(&b.name, &b.version, &b.arch)));
    (packages, errors)
}

/// For a database present in several layers: the first layer whose copy lists each
/// (name, version). `parse` reads one copy.
pub(crate) fn attribute_layers(
    fs: &ImageFs,
    path: &str,
    final_packages: &mut [OsPackage],
    parse: &dyn Fn(&[u8]) -> Vec<OsPackage>,
) {
    let layers = fs.captured_layers(path);
    if layers.len() < 2 {
        return;
    }
    let mut first_seen: std::collections::HashMap<(String, String), usize> = Default::default();
    for layer in layers {
        let Some(Ok(bytes)) = fs.read_captured(layer, path) else {
            continue;
        };
        for p in parse(&bytes) {
            first_seen.entry((p.name, p.version)).or_insert(layer);
        }
    }
    for p in final_packages {
        if let Some(l) = first_seen.get(&(p.name.clone(), p.version.clone())) {
            p.layer = *l;
        }
    }
}
