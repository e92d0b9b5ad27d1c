//! The package inventory: what is installed, where it was declared, nothing about how it
//! was found. Lockfile parsers, image analysers and SBOM readers all produce [`Package`].

use packageurl::PackageUrl;
use serde::{Deserialize, Serialize};

/// Where a package was declared: a file (lockfile, status database, manifest) and line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Declared {
    pub path: String,
    pub line: Option<u32>,
}

/// One installed package version.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Package {
    /// OSV ecosystem, optionally with its release (`PyPI`, `npm`, `Debian:12`, `Alpine:v3.19`).
    pub ecosystem: String,
    pub name: String,
    pub version: String,
    pub location: Declared,
    /// `Some(true)` direct, `Some(false)` transitive, `None` when the file does not say.
    pub direct: Option<bool>,
    /// For distro binary packages: the source package advisories are filed under.
    pub source_name: Option<String>,
    pub source_version: Option<String>,
    /// Image layer digest, for packages found in container images.
    pub layer: Option<String>,
}

impl Package {
    pub fn new(
        ecosystem: impl Into<String>,
        name: impl Into<String>,
        version: impl Into<String>,
        path: impl Into<String>,
        line: Option<u32>,
    ) -> Package {
        Package {
            ecosystem: ecosystem.into(),
            name: name.into(),
            version: version.into(),
            location: Declared {
                path: path.into(),
                line,
            },
            ..Package::default()
        }
    }

    pub fn with_direct(mut self, direct: Option<bool>) -> Package {
        self.direct = direct;
        self
    }

    /// The ecosystem without its release suffix (`Debian:12` → `Debian`).
    pub fn base_ecosystem(&self) -> &str {
        base_ecosystem(&self.ecosystem)
    }

    /// Package URL (purl spec), e.g. `pkg:pypi/requests@2.31.0`.
    pub fn purl(&self) -> String {
        purl(&self.ecosystem, &self.name, &self.version)
    }
}

pub fn base_ecosystem(ecosystem: &str) -> &str {
    ecosystem.split(':').next().unwrap_or(ecosystem).trim()
}

/// Name as advisories index it: PEP 503 for PyPI, case-folded where the registry is
/// case-insensitive, verbatim elsewhere.
pub fn normalize_name(ecosystem: &str, name: &str) -> String {
    let name = name.trim();
    match base_ecosystem(ecosystem) {
        "PyPI" => {
            let mut out = String::with_capacity(name.len());
            let mut sep = false;
            for c in name.chars() {
                if matches!(c, '-' | '_' | '.') {
                    sep = true;
                } else {
                    if sep && !out.is_empty() {
                        out.push('-');
                    }
                    sep = false;
                    out.push(c.to_ascii_lowercase());
                }
            }
            out
        }
        "NuGet" | "Packagist" | "npm" | "Hex" | "Pub" => name.to_ascii_lowercase(),
        "crates.io" => name.to_ascii_lowercase().replace('_', "-"),
        _ => name.to_string(),
    }
}

/// Package URL of a package (purl spec, through the `packageurl` crate, which applies each
/// type's normalisation and encoding).
pub fn purl(ecosystem: &str, name: &str, version: &str) -> String {
    let base = base_ecosystem(ecosystem);
    let release = ecosystem.split_once(':').map(|(_, r)| r);
    let (ty, namespace, short): (&str, Option<String>, String) = match base {
        "npm" => match name.strip_prefix('@').and_then(|n| n.split_once('/')) {
            Some((scope, n)) => ("npm", Some(format!("@{scope}")), n.to_string()),
            None => ("npm", None, name.to_string()),
        },
        "PyPI" => ("pypi", None, normalize_name("PyPI", name)),
        "crates.io" => ("cargo", None, name.to_string()),
        "Go" => match name.rsplit_once('/') {
            Some((ns, n)) => ("golang", Some(ns.to_string()), n.to_string()),
            None => ("golang", None, name.to_string()),
        },
        "Maven" => match name.split_once(':') {
            Some((g, a)) => ("maven", Some(g.to_string()), a.to_string()),
            None => ("maven", None, name.to_string()),
        },
        "RubyGems" => ("gem", None, name.to_string()),
        "Packagist" => match name.split_once('/') {
            Some((v, n)) => ("composer", Some(v.to_string()), n.to_string()),
            None => ("composer", None, name.to_string()),
        },
        "NuGet" => ("nuget", None, name.to_string()),
        "Debian" => ("deb", Some("debian".into()), name.to_string()),
        "Ubuntu" => ("deb", Some("ubuntu".into()), name.to_string()),
        "Alpine" => ("apk", Some("alpine".into()), name.to_string()),
        "Pub" => ("pub", None, name.to_string()),
        "Hex" => ("hex", None, name.to_string()),
        _ => ("generic", None, name.to_string()),
    };
    let mut purl = match PackageUrl::new(ty, short.as_str()) {
        Ok(p) => p,
        // Only an empty name is refused: keep the type so the entry is still recognisable.
        Err(_) => return format!("pkg:{ty}/"),
    };
    // Namespaces and versions are any text; the crate percent-encodes them.
    if let Some(ns) = &namespace {
        let _ = purl.with_namespace(ns.as_str());
    }
    if !version.is_empty() {
        let _ = purl.with_version(version);
    }
    if let (Some(r), "deb" | "apk") = (release, ty) {
        let _ = purl.add_qualifier("distro", r);
    }
    purl.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_normalise_per_ecosystem() {
        assert_eq!(
            normalize_name("PyPI", "Django_REST.framework"),
            "django-rest-framework"
        );
        assert_eq!(
            normalize_name("NuGet", "Newtonsoft.Json"),
            "newtonsoft.json"
        );
        assert_eq!(
            normalize_name("Go", "github.com/Foo/bar"),
            "github.com/Foo/bar"
        );
        assert_eq!(normalize_name("Maven", "org.x:Y"), "org.x:Y");
    }

    #[test]
    fn purls() {
        assert_eq!(
            purl("npm", "@babel/core", "7.0.0"),
            "pkg:npm/%40babel/core@7.0.0"
        );
        assert_eq!(
            purl("Maven", "org.apache:commons", "1.0"),
            "pkg:maven/org.apache/commons@1.0"
        );
        assert_eq!(
            purl("Debian:12", "openssl", "3.0.11-1"),
            "pkg:deb/debian/openssl@3.0.11-1?distro=12"
        );
    }
}
