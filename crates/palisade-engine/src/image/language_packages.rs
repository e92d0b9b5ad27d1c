//! Language packages installed in an image (or a root filesystem): Python, Node, Ruby,
//! PHP and .NET package metadata, Java archives, Go and cargo-auditable binaries, and
//! lockfiles shipped in the image, parsed by `palisade_vuln::installed` and
//! `palisade_vuln::lockfile` as the layers stream by.
//!
//! Every layer's copy of a file is parsed when it passes (so nothing has to be kept), and
//! only the copies still present in the final view count: a package whose files a later
//! layer deleted or replaced is not installed. Each package keeps the layer that wrote its
//! file and its path in the image.

use std::collections::HashMap;

use palisade_artifact::{ImageFs, LayerFile, LayerFileVisitor, LayerInfo, NodeKind};
use palisade_core::ScanError;
use palisade_vuln::installed::{self, InstalledError, InstalledKind, Limits};
use palisade_vuln::{lockfile, Package};

/// What a wanted file holds.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Wanted {
    Installed(InstalledKind),
    Lockfile,
}

/// Directories whose lockfiles belong to packages' own sources or documentation, not to
/// anything installed in the image.
const NOT_APP_LOCKFILE_DIRS: &[&str] = &[
    "node_modules/",
    "site-packages/",
    "dist-packages/",
    "vendor/",
    "usr/share/",
    "gems/",
];

fn wanted(path: &str, mode: u32, size: u64) -> Option<Wanted> {
    if let Some(kind) = installed::kind_of(path, mode & 0o111 != 0, size) {
        return Some(Wanted::Installed(kind));
    }
    let kind = lockfile::kind_of(path)?;
    // Sources, not what was installed: a pom.xml or .csproj in an image is a build leftover.
    if matches!(kind, "pom" | "csproj") || size > lockfile::MAX_LOCKFILE_BYTES {
        return None;
    }
    let inside = |dir: &str| path.starts_with(dir) || path.contains(&format!("/{dir}"));
    (!NOT_APP_LOCKFILE_DIRS.iter().any(|d| inside(d))).then_some(Wanted::Lockfile)
}

/// What one layer's copy of one file declared.
struct LayerCopy {
    packages: Vec<Package>,
    errors: Vec<ScanError>,
    /// Packages listed without a version, and why (path, message).
    warnings: Vec<(String, String)>,
}

/// The visitor `palisade image` passes to `analyse`.
#[derive(Default)]
pub struct LayerLanguagePackages {
    limits: Limits,
    copies: HashMap<(usize, String), LayerCopy>,
}

/// A language package of the final view, with the index of the layer that installed it.
#[derive(Debug, Clone)]
pub struct LanguagePackage {
    pub layer: usize,
    pub package: Package,
}

/// The language-package inventory of an image.
#[derive(Debug, Default)]
pub struct LanguagePackages {
    /// In path order, then in the order each file declares them.
    pub packages: Vec<LanguagePackage>,
    /// Files of the final view that could not be read as what their name says.
    pub errors: Vec<ScanError>,
    /// What the report should say about packages listed without a version (Java
    /// archives that name none), `TARGET:/path: message`.
    pub warnings: Vec<String>,
}

impl LanguagePackages {
    /// The packages in the vulnerability engine's model (for `match_packages` and SBOMs).
    pub fn vuln_packages(&self) -> Vec<Package> {
        self.packages.iter().map(|p| p.package.clone()).collect()
    }
}

impl LayerFileVisitor for LayerLanguagePackages {
    fn wants(&self, file: &LayerFile<'_>) -> bool {
        wanted(file.path, file.mode, file.size).is_some()
    }

    fn visit(&mut self, file: &LayerFile<'_>, content: &[u8]) {
        let Some(what) = wanted(file.path, file.mode, file.size) else {
            return;
        };
        let shown = format!("/{}", file.path);
        let mut warnings = vec![];
        let (mut packages, errors) = match what {
            Wanted::Installed(kind) => {
                let parsed = installed::parse(&shown, kind, content, &self.limits);
                warnings = parsed
                    .warnings
                    .into_iter()
                    .map(|w| (w.path, w.message))
                    .collect();
                (
                    parsed.packages,
                    parsed.errors.into_iter().map(ScanError::from).collect(),
                )
            }
            Wanted::Lockfile => match std::str::from_utf8(content) {
                Ok(text) => match lockfile::parse(&shown, text, &|_| None) {
                    Ok(p) => (p, vec![]),
                    Err(e) => (vec![], vec![e.into()]),
                },
                Err(_) => (
                    vec![],
                    vec![InstalledError::new(&shown, "lockfile is not UTF-8 text").into()],
                ),
            },
        };
        let digest = layer_digest(file.layer);
        for p in &mut packages {
            p.layer = digest.clone();
        }
        self.copies.insert(
            (file.layer.index, file.path.to_string()),
            LayerCopy {
                packages,
                errors,
                warnings,
            },
        );
    }
}

fn layer_digest(layer: &LayerInfo) -> Option<String> {
    layer.display_digest().map(|d| d.to_string())
}

impl LayerLanguagePackages {
    pub fn new() -> Self {
        Self::default()
    }

    /// Keeps the copies the final view still has, with errors named `TARGET:/path`.
    pub fn finish(self, fs: &ImageFs, target: &str) -> LanguagePackages {
        let mut kept: Vec<((usize, String), LayerCopy)> = self
            .copies
            .into_iter()
            .filter(|((layer, path), _)| {
                fs.get(path)
                    .is_some_and(|n| n.layer == *layer && n.kind == NodeKind::File)
            })
            .collect();
        kept.sort_by(|a, b| a.0 .1.cmp(&b.0 .1));
        let mut out = LanguagePackages::default();
        for ((layer, _), copy) in kept {
            out.packages.extend(
                copy.packages
                    .into_iter()
                    .map(|package| LanguagePackage { layer, package }),
            );
            out.errors.extend(copy.errors.into_iter().map(|mut e| {
                e.path = format!("{target}:{}", e.path);
                e
            }));
            out.warnings.extend(
                copy.warnings
                    .into_iter()
                    .map(|(path, message)| format!("{target}:{path}: {message}")),
            );
        }
        out
    }
}

/// `--list-packages`: one line per language package, like the OS package list.
pub fn listing(found: &LanguagePackages) -> Vec<String> {
    found
        .packages
        .iter()
        .map(|p| {
            let pkg = &p.package;
            format!(
                "  {:<40} {:<30} layer {} {} {}",
                pkg.name,
                pkg.version,
                p.layer + 1,
                pkg.ecosystem,
                pkg.location.path
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lockfiles_of_packages_and_docs_are_not_the_image_inventory() {
        assert!(wanted("app/package-lock.json", 0o644, 10) == Some(Wanted::Lockfile));
        assert!(wanted("srv/Gemfile.lock", 0o644, 10) == Some(Wanted::Lockfile));
        assert!(wanted("app/node_modules/x/package-lock.json", 0o644, 10).is_none());
        assert!(wanted(
            "usr/lib/python3/dist-packages/x/requirements.txt",
            0o644,
            10
        )
        .is_none());
        assert!(wanted("usr/share/doc/x/Cargo.lock", 0o644, 10).is_none());
        assert!(wanted("app/pom.xml", 0o644, 10).is_none());
        assert!(
            wanted("app/node_modules/x/package.json", 0o644, 10)
                == Some(Wanted::Installed(InstalledKind::NodePackage))
        );
    }
}
