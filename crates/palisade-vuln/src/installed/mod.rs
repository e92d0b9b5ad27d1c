//! Inventories of language packages as they are *installed* (not as a lockfile declares
//! them): Python `*.dist-info/METADATA` and `*.egg-info`, Node `node_modules/**/package.json`,
//! Ruby `specifications/*.gemspec`, PHP `vendor/composer/installed.json`, .NET `*.deps.json`,
//! Java archives (jar/war/ear, nested), Go binaries (embedded build info) and Rust binaries
//! built with cargo-auditable.
//!
//! Every parser takes a path and the file's bytes and returns [`Package`]s whose location is
//! that path (for archives nested in archives: `outer.war!/WEB-INF/lib/inner.jar`). Nothing
//! here reads the disk or knows about image layers: the caller decides which files exist in
//! the final view and which layer wrote them. Bad input is an [`InstalledError`] naming the
//! file, never a panic; every parser bounds what it reads and decompresses.

pub mod binary;
pub mod composer;
pub mod dotnet;
pub mod gobinary;
pub mod in_flight;
pub mod java;
pub mod node;
pub mod python;
pub mod ruby;
pub mod rustaudit;

use crate::inventory::Package;

/// A file that looked like a package manifest but could not be read as one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct InstalledError {
    /// The file, with `!/entry` suffixes for entries of archives.
    pub path: String,
    pub line: Option<u32>,
    pub message: String,
}

impl InstalledError {
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        InstalledError {
            path: path.into(),
            line: None,
            message: message.into(),
        }
    }

    pub fn at_line(mut self, line: usize) -> Self {
        self.line = u32::try_from(line).ok().filter(|l| *l > 0);
        self
    }
}

impl From<InstalledError> for palisade_core::ScanError {
    fn from(e: InstalledError) -> Self {
        palisade_core::ScanError::new(e.path, e.line, e.message)
    }
}

/// What a file is, judged from its path (and, for binaries, its mode).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InstalledKind {
    /// `*.dist-info/METADATA`, `*.egg-info/PKG-INFO` or an `*.egg-info` file.
    PythonMetadata,
    /// `node_modules/NAME/package.json` or `node_modules/@SCOPE/NAME/package.json`.
    NodePackage,
    /// `specifications/*.gemspec` (and `specifications/default/*.gemspec`).
    Gemspec,
    /// `vendor/composer/installed.json`.
    ComposerInstalled,
    /// `*.deps.json`.
    DotnetDeps,
    /// `*.jar`, `*.war`, `*.ear` and the Jenkins/JBoss variants.
    JavaArchive,
    /// An executable that may carry Go build info or a cargo-auditable section.
    Binary,
}

/// Extensions of Java archives (Jenkins plugins `.hpi`/`.jpi` and JBoss `.sar`/`.par` are jars).
pub const JAVA_ARCHIVE_EXTENSIONS: &[&str] = &["jar", "war", "ear", "jpi", "hpi", "sar", "par"];

/// Executables smaller than this are scripts or stubs, never Go or Rust programs.
const MIN_BINARY_SIZE: u64 = 4096;

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn parent_names(path: &str) -> (Option<&str>, Option<&str>, Option<&str>) {
    let mut it = path.rsplit('/').skip(1);
    (it.next(), it.next(), it.next())
}

/// Whether `path` names a Java archive.
pub fn is_java_archive(path: &str) -> bool {
    let name = file_name(path);
    name.rsplit_once('.').is_some_and(|(stem, ext)| {
        !stem.is_empty() && JAVA_ARCHIVE_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str())
    })
}

/// The kind of installed-package file at `path` (relative to the root), if any. `executable`
/// and `size` let binaries be picked without reading every file of an image.
pub fn kind_of(path: &str, executable: bool, size: u64) -> Option<InstalledKind> {
    let name = file_name(path);
    let (parent, grandparent, great) = parent_names(path);
    if name == "METADATA" && parent.is_some_and(|p| p.ends_with(".dist-info")) {
        return Some(InstalledKind::PythonMetadata);
    }
    if (name == "PKG-INFO" && parent.is_some_and(|p| p.ends_with(".egg-info")))
        || (name.ends_with(".egg-info") && !executable)
    {
        return Some(InstalledKind::PythonMetadata);
    }
    if name == "package.json"
        && (grandparent == Some("node_modules")
            || (grandparent.is_some_and(|g| g.starts_with('@')) && great == Some("node_modules")))
    {
        return Some(InstalledKind::NodePackage);
    }
    if name.ends_with(".gemspec")
        && (parent == Some("specifications")
            || (parent == Some("default") && grandparent == Some("specifications")))
    {
        return Some(InstalledKind::Gemspec);
    }
    if name == "installed.json" && parent == Some("composer") {
        return Some(InstalledKind::ComposerInstalled);
    }
    if name.ends_with(".deps.json") {
        return Some(InstalledKind::DotnetDeps);
    }
    if is_java_archive(path) {
        return Some(InstalledKind::JavaArchive);
    }
    let lower = name.to_ascii_lowercase();
    if size >= MIN_BINARY_SIZE && (executable || lower.ends_with(".exe")) {
        return Some(InstalledKind::Binary);
    }
    None
}

/// Limits for one file (and, for archives, everything nested in it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest manifest-like file parsed (METADATA, package.json, deps.json...).
    pub max_manifest_bytes: usize,
    /// Archives nested deeper than this (outer archive = 0) are not opened.
    pub max_archive_depth: usize,
    /// Total bytes decompressed from one archive and everything inside it.
    pub max_archive_uncompressed: u64,
    /// Largest single entry decompressed from an archive.
    pub max_archive_entry: u64,
    /// Entries of one archive.
    pub max_archive_entries: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_manifest_bytes: 16 << 20,
            max_archive_depth: 4,
            max_archive_uncompressed: 512 << 20,
            max_archive_entry: 128 << 20,
            max_archive_entries: 200_000,
        }
    }
}

/// The packages one file declares, and what could not be read. Archives report errors per
/// nested entry and still return what the rest of them held.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Parsed {
    pub packages: Vec<Package>,
    pub errors: Vec<InstalledError>,
    /// Not errors, but what a report should say: packages listed without a version (so
    /// not checked for vulnerabilities), and why.
    pub warnings: Vec<InstalledError>,
}

impl Parsed {
    fn from_result(r: Result<Vec<Package>, InstalledError>) -> Parsed {
        match r {
            Ok(packages) => Parsed {
                packages,
                ..Parsed::default()
            },
            Err(e) => Parsed {
                errors: vec![e],
                ..Parsed::default()
            },
        }
    }
}

/// Parses one installed-package file of the given kind.
pub fn parse(path: &str, kind: InstalledKind, content: &[u8], limits: &Limits) -> Parsed {
    if kind != InstalledKind::JavaArchive
        && kind != InstalledKind::Binary
        && content.len() > limits.max_manifest_bytes
    {
        return Parsed::from_result(Err(InstalledError::new(
            path,
            format!(
                "{} bytes, larger than the {} byte limit for package manifests; not read",
                content.len(),
                limits.max_manifest_bytes
            ),
        )));
    }
    match kind {
        InstalledKind::PythonMetadata => Parsed::from_result(python::metadata(path, content)),
        InstalledKind::NodePackage => Parsed::from_result(node::package_json(path, content)),
        InstalledKind::Gemspec => Parsed::from_result(ruby::gemspec(path, content)),
        InstalledKind::ComposerInstalled => {
            Parsed::from_result(composer::installed_json(path, content))
        }
        InstalledKind::DotnetDeps => Parsed::from_result(dotnet::deps_json(path, content)),
        InstalledKind::JavaArchive => java::archive(path, content, limits),
        InstalledKind::Binary => Parsed::from_result(binary::packages(path, content)),
    }
}

/// Text of a manifest; invalid UTF-8 is replaced rather than refused (old METADATA files
/// are Latin-1).
fn text(content: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(content)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_come_from_paths() {
        use InstalledKind::*;
        let k = |p: &str| kind_of(p, false, 100);
        assert_eq!(
            k("usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA"),
            Some(PythonMetadata)
        );
        assert_eq!(k("x/foo.egg-info/PKG-INFO"), Some(PythonMetadata));
        assert_eq!(k("x/foo-1.0.egg-info"), Some(PythonMetadata));
        assert_eq!(k("app/node_modules/lodash/package.json"), Some(NodePackage));
        assert_eq!(
            k("app/node_modules/@babel/core/package.json"),
            Some(NodePackage)
        );
        assert_eq!(k("app/node_modules/lodash/fp/package.json"), None);
        assert_eq!(k("app/package.json"), None);
        assert_eq!(
            k("var/lib/gems/3.1.0/specifications/rack-2.2.4.gemspec"),
            Some(Gemspec)
        );
        assert_eq!(
            k("usr/lib/ruby/gems/3.1.0/specifications/default/json-2.6.1.gemspec"),
            Some(Gemspec)
        );
        assert_eq!(k("app/rack.gemspec"), None);
        assert_eq!(
            k("srv/vendor/composer/installed.json"),
            Some(ComposerInstalled)
        );
        assert_eq!(k("app/App.deps.json"), Some(DotnetDeps));
        assert_eq!(k("opt/app.jar"), Some(JavaArchive));
        assert_eq!(k("opt/app.WAR"), Some(JavaArchive));
        assert_eq!(k("opt/.jar"), None);
        assert_eq!(kind_of("usr/bin/app", true, 1 << 20), Some(Binary));
        assert_eq!(kind_of("usr/bin/tiny", true, 100), None);
        assert_eq!(kind_of("usr/bin/data", false, 1 << 20), None);
    }

    #[test]
    fn oversized_manifests_are_an_error_naming_the_file() {
        let limits = Limits {
            max_manifest_bytes: 10,
            ..Limits::default()
        };
        let p = parse(
            "a.dist-info/METADATA",
            InstalledKind::PythonMetadata,
            &[b'x'; 11],
            &limits,
        );
        assert!(p.packages.is_empty());
        assert!(p.errors[0]
            .to_string()
            .starts_with("a.dist-info/METADATA: 11 bytes"));
    }
}
