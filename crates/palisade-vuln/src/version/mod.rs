//! Version ordering, one implementation per versioning scheme.
//!
//! Every comparison is total and never panics: a string that is not valid for its scheme
//! is ordered by that scheme's fallback rule (documented on each module), so a malformed
//! version in a lockfile or an advisory degrades one comparison, never the scan.

use std::cmp::Ordering;
use std::fmt;

mod alpine;
mod composer;
mod cran;
mod dpkg;
mod maven;
mod numeric;
mod pep440;
mod rpm;
mod rubygems;
mod semver;

pub use numeric::cmp_decimal;

/// A versioning scheme: how the versions of one ecosystem are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VersionScheme {
    /// Debian and Ubuntu packages, as `dpkg --compare-versions`.
    Dpkg,
    /// RPM packages (Red Hat, Fedora, SUSE, Alma, Rocky, Amazon...), as rpm's `rpmvercmp`.
    Rpm,
    /// Alpine and Wolfi/Chainguard packages, as apk-tools.
    Apk,
    /// Semantic Versioning 2.0 (npm, crates.io, Hex, Go modules, OSV `SEMVER` ranges).
    SemVer,
    /// NuGet: SemVer with a fourth numeric component and case-insensitive pre-releases.
    NuGet,
    /// Python: PEP 440.
    Pep440,
    /// Maven: `ComparableVersion` of maven-artifact.
    Maven,
    /// RubyGems: `Gem::Version`.
    RubyGems,
    /// Composer/Packagist: PHP `version_compare` after Composer's normalisation.
    Composer,
    /// Dart pub: SemVer where build metadata also orders.
    Pub,
    /// CRAN (R): dot- or dash-separated numbers.
    Cran,
    /// Hackage (Haskell): dot-separated numbers.
    Hackage,
}

impl VersionScheme {
    /// The scheme an OSV ecosystem name uses (`Debian:12` → dpkg, `PyPI` → PEP 440...).
    pub fn for_ecosystem(ecosystem: &str) -> Option<VersionScheme> {
        let base = ecosystem.split(':').next().unwrap_or(ecosystem).trim();
        let scheme = match base {
            "Debian" | "Ubuntu" | "Echo" => VersionScheme::Dpkg,
            "Red Hat" | "Rocky Linux" | "AlmaLinux" | "SUSE" | "openSUSE" | "Mageia"
            | "Oracle Linux" | "Amazon Linux" | "Photon OS" | "Azure Linux" | "Mariner"
            | "openEuler" | "CentOS" | "Fedora" => VersionScheme::Rpm,
            "Alpine" | "Wolfi" | "Chainguard" | "MinimOS" => VersionScheme::Apk,
            "npm" | "crates.io" | "Go" | "Hex" | "SwiftURL" | "Bitnami" | "GitHub Actions" => {
                VersionScheme::SemVer
            }
            "NuGet" => VersionScheme::NuGet,
            "PyPI" => VersionScheme::Pep440,
            "Maven" => VersionScheme::Maven,
            "RubyGems" => VersionScheme::RubyGems,
            "Packagist" => VersionScheme::Composer,
            "Pub" => VersionScheme::Pub,
            "CRAN" => VersionScheme::Cran,
            "Hackage" => VersionScheme::Hackage,
            _ => return None,
        };
        Some(scheme)
    }

    /// Orders two versions of this scheme. Total, never panics.
    pub fn compare(self, a: &str, b: &str) -> Ordering {
        if a == b {
            return Ordering::Equal;
        }
        match self {
            VersionScheme::Dpkg => dpkg::compare(a, b),
            VersionScheme::Rpm => rpm::compare(a, b),
            VersionScheme::Apk => alpine::compare(a, b),
            VersionScheme::SemVer => semver::compare(a, b),
            VersionScheme::NuGet => semver::compare_nuget(a, b),
            VersionScheme::Pub => semver::compare_pub(a, b),
            VersionScheme::Pep440 => pep440::compare(a, b),
            VersionScheme::Maven => maven::compare(a, b),
            VersionScheme::RubyGems => rubygems::compare(a, b),
            VersionScheme::Composer => composer::compare(a, b),
            VersionScheme::Cran => cran::compare(a, b),
            VersionScheme::Hackage => cran::compare_hackage(a, b),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            VersionScheme::Dpkg => "dpkg",
            VersionScheme::Rpm => "rpm",
            VersionScheme::Apk => "apk",
            VersionScheme::SemVer => "semver",
            VersionScheme::NuGet => "nuget",
            VersionScheme::Pep440 => "pep440",
            VersionScheme::Maven => "maven",
            VersionScheme::RubyGems => "rubygems",
            VersionScheme::Composer => "composer",
            VersionScheme::Pub => "pub",
            VersionScheme::Cran => "cran",
            VersionScheme::Hackage => "hackage",
        }
    }
}

/// A version parsed once for repeated comparisons under one scheme: matching compares one
/// installed version with many advisory bounds, and the schemes whose parse allocates
/// (PEP 440, Maven, RubyGems, Composer, CRAN) would otherwise parse it again each time.
/// Ordering is exactly [`VersionScheme::compare`] on the original texts.
#[derive(Debug, Clone)]
pub struct ParsedVersion<'a> {
    scheme: VersionScheme,
    text: &'a str,
    key: Key<'a>,
}

#[derive(Debug, Clone)]
enum Key<'a> {
    /// Schemes whose comparison parses without allocating compare the text directly.
    Text,
    /// SemVer, NuGet and pub (the parse collects the numeric components).
    SemVer(semver::Parsed<'a>),
    Pep440(Option<pep440::Pep440>),
    Maven(maven::Item),
    RubyGems(Vec<rubygems::Seg>),
    Composer(Vec<String>),
    Numbers(Vec<String>),
}

impl VersionScheme {
    /// Parses `text` for repeated comparison; never fails (invalid text keeps the scheme's
    /// fallback order).
    pub fn parse(self, text: &str) -> ParsedVersion<'_> {
        let key = match self {
            VersionScheme::Pep440 => Key::Pep440(pep440::parse(text)),
            VersionScheme::Maven => Key::Maven(maven::parse(text)),
            VersionScheme::RubyGems => Key::RubyGems(rubygems::canonical(text)),
            VersionScheme::Composer => Key::Composer(composer::canonical(text)),
            VersionScheme::Cran => Key::Numbers(cran::components(text, &['.', '-'])),
            VersionScheme::Hackage => Key::Numbers(cran::components(text, &['.'])),
            VersionScheme::SemVer | VersionScheme::NuGet | VersionScheme::Pub => {
                Key::SemVer(semver::parse(text))
            }
            _ => Key::Text,
        };
        ParsedVersion {
            scheme: self,
            text,
            key,
        }
    }
}

impl<'a> ParsedVersion<'a> {
    pub fn text(&self) -> &'a str {
        self.text
    }

    pub fn scheme(&self) -> VersionScheme {
        self.scheme
    }

    /// Orders two versions parsed under the same scheme (a different scheme falls back to
    /// this one's comparison of the texts).
    pub fn compare(&self, other: &ParsedVersion<'_>) -> Ordering {
        if self.text == other.text {
            return Ordering::Equal;
        }
        match (&self.key, &other.key) {
            (Key::Pep440(a), Key::Pep440(b)) => match (a, b) {
                (Some(x), Some(y)) => pep440::cmp_parsed(x, y),
                (None, Some(_)) => Ordering::Less,
                (Some(_), None) => Ordering::Greater,
                (None, None) => self.text.cmp(other.text),
            },
            (Key::Maven(a), Key::Maven(b)) => maven::cmp_item(a, Some(b)),
            (Key::RubyGems(a), Key::RubyGems(b)) => rubygems::cmp_canonical(a, b),
            (Key::Composer(a), Key::Composer(b)) => composer::cmp_components(a, b),
            (Key::Numbers(a), Key::Numbers(b)) => cran::cmp_lists(a, b),
            (Key::SemVer(a), Key::SemVer(b)) if self.scheme == other.scheme => match self.scheme {
                VersionScheme::NuGet => semver::cmp_parsed_nuget(a, b),
                VersionScheme::Pub => semver::cmp_parsed_pub(a, b),
                _ => semver::cmp_parsed(a, b),
            },
            _ => self.scheme.compare(self.text, other.text),
        }
    }
}

impl fmt::Display for VersionScheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Python's PEP 440 canonical form of a version, when it is valid.
pub fn pep440_normalize(v: &str) -> Option<String> {
    pep440::normalize(v)
}
