//! Java archives (jar, war, ear and friends): Maven coordinates from
//! `META-INF/maven/**/pom.properties`, else from `META-INF/MANIFEST.MF`, else from the file
//! name (`name-1.2.3.jar`, as Trivy and Syft read it); archives nested inside
//! (`WEB-INF/lib`, `BOOT-INF/lib`, ear modules) are opened recursively. An archive that
//! names no version anywhere is still listed (an SBOM should show it), without a version
//! and with a warning saying it cannot be checked for vulnerabilities.
//!
//! Archives are untrusted: nesting depth, entries per archive, bytes per entry and bytes
//! decompressed from the whole tree are all bounded (a zip bomb or a zip that contains
//! itself stops at a limit with an error naming the entry), and an entry that fails to
//! read costs only that entry.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::io::{Cursor, Read};

use super::{file_name, is_java_archive, InstalledError, Limits, Parsed};
use crate::inventory::Package;

/// pom.properties and MANIFEST.MF are a few hundred bytes; more is not metadata.
const MAX_METADATA_ENTRY: u64 = 1 << 20;

/// Reads the archive at `path` (its bytes in `content`) and everything nested in it.
///
/// The walk first reserves its decompression budget from the process-wide pool
/// ([`super::in_flight::ARCHIVE_BYTES`]): however many threads read archives, together
/// they hold at most [`super::in_flight::MAX_ARCHIVE_BYTES_IN_FLIGHT`] decompressed bytes.
/// The budget is the per-archive limit, or less for a small archive: sixteen times its
/// size, at least 64 MiB (real archives, nested JARs included, stay well within that; a
/// small file expanding further is a bomb), so small archives do not wait for each other.
pub fn archive(path: &str, content: &[u8], limits: &Limits) -> Parsed {
    let budget = limits
        .max_archive_uncompressed
        .min((content.len() as u64).saturating_mul(16).max(64 << 20));
    let _reserved = super::in_flight::ARCHIVE_BYTES.reserve(budget);
    let mut walk = Walk {
        limits,
        total: budget,
        budget,
        ancestors: Vec::new(),
        out: Parsed::default(),
    };
    walk.archive(path, content, 0);
    walk.out
}

struct Walk<'l> {
    limits: &'l Limits,
    /// Bytes this archive tree may decompress in all.
    total: u64,
    /// Bytes that may still be decompressed from this archive tree.
    budget: u64,
    /// Fingerprints of the archives being read, outermost first: a nested archive equal to
    /// one of them is a loop.
    ancestors: Vec<(usize, u64)>,
    out: Parsed,
}

fn fingerprint(bytes: &[u8]) -> (usize, u64) {
    let mut h = DefaultHasher::new();
    bytes.hash(&mut h);
    (bytes.len(), h.finish())
}

enum Wanted {
    PomProperties,
    Manifest,
    Nested,
}

impl Walk<'_> {
    fn error(&mut self, path: String, message: impl Into<String>) {
        self.out.errors.push(InstalledError::new(path, message));
    }

    fn archive(&mut self, location: &str, bytes: &[u8], depth: usize) {
        let mut zip = match zip::ZipArchive::new(Cursor::new(bytes)) {
            Ok(z) => z,
            Err(e) => {
                return self.error(
                    location.to_string(),
                    format!("not a readable Java archive (zip): {e}"),
                )
            }
        };
        if zip.len() > self.limits.max_archive_entries {
            return self.error(
                location.to_string(),
                format!(
                    "{} entries, more than the limit of {}; not read",
                    zip.len(),
                    self.limits.max_archive_entries
                ),
            );
        }
        self.ancestors.push(fingerprint(bytes));
        let mut poms: Vec<String> = Vec::new();
        let mut manifest: Option<String> = None;
        let mut nested: Vec<(String, Vec<u8>)> = Vec::new();
        for i in 0..zip.len() {
            let mut entry = match zip.by_index(i) {
                Ok(e) => e,
                Err(e) => {
                    self.error(location.to_string(), format!("entry #{i}: {e}"));
                    continue;
                }
            };
            if entry.is_dir() {
                continue;
            }
            let name = entry.name().to_string();
            let wanted = if name.starts_with("META-INF/maven/") && name.ends_with("/pom.properties")
            {
                Wanted::PomProperties
            } else if name.eq_ignore_ascii_case("META-INF/MANIFEST.MF") {
                Wanted::Manifest
            } else if is_java_archive(&name) {
                Wanted::Nested
            } else {
                continue;
            };
            let entry_path = format!("{location}!/{name}");
            if matches!(wanted, Wanted::Nested) && depth + 1 > self.limits.max_archive_depth {
                self.error(
                    entry_path,
                    format!(
                        "archive nested deeper than {} levels; not opened",
                        self.limits.max_archive_depth
                    ),
                );
                continue;
            }
            let cap = match wanted {
                Wanted::Nested => self.limits.max_archive_entry,
                _ => MAX_METADATA_ENTRY,
            };
            if entry.size() > cap {
                self.error(
                    entry_path,
                    format!(
                        "declares {} bytes, more than the limit of {cap}",
                        entry.size()
                    ),
                );
                continue;
            }
            // The declared size can lie (zip bombs): the read itself is bounded too.
            let allowed = cap.min(self.budget);
            let mut data = Vec::new();
            let read = (&mut entry).take(allowed + 1).read_to_end(&mut data);
            if let Err(e) = read {
                self.error(entry_path, format!("cannot decompress: {e}"));
                continue;
            }
            let n = data.len() as u64;
            if n > allowed {
                if allowed < cap {
                    self.error(
                        entry_path,
                        format!(
                            "decompressing this archive tree would exceed {} bytes (zip bomb?); the rest is not read",
                            self.total
                        ),
                    );
                    self.budget = 0;
                    break;
                }
                self.error(
                    entry_path,
                    format!("decompresses to more than {cap} bytes (zip bomb?); not read"),
                );
                continue;
            }
            self.budget -= n;
            match wanted {
                Wanted::PomProperties => poms.push(String::from_utf8_lossy(&data).into_owned()),
                Wanted::Manifest => manifest = Some(String::from_utf8_lossy(&data).into_owned()),
                Wanted::Nested => nested.push((entry_path, data)),
            }
        }
        drop(zip);
        let mut own: Vec<Package> = poms
            .iter()
            .filter_map(|p| pom_properties(location, p))
            .collect();
        if own.is_empty() {
            if let Some(p) = from_manifest(location, manifest.as_deref()) {
                if p.version.is_empty() {
                    self.out.warnings.push(InstalledError::new(
                        location,
                        format!(
                            "no version for {} (no pom.properties, no Implementation-Version or Bundle-Version in META-INF/MANIFEST.MF, none in the file name): listed without a version and not checked for vulnerabilities",
                            p.name
                        ),
                    ));
                }
                own.push(p);
            }
        }
        self.out.packages.extend(own);
        for (entry_path, data) in nested {
            if self.ancestors.contains(&fingerprint(&data)) {
                self.error(
                    entry_path,
                    "archive contains a copy of an enclosing archive (nesting loop); not opened",
                );
                continue;
            }
            self.archive(&entry_path, &data, depth + 1);
        }
        self.ancestors.pop();
    }
}

/// `key=value` / `key: value` lines of a Java properties file (escapes are not used by
/// Maven's generated pom.properties).
fn properties(text: &str) -> impl Iterator<Item = (&str, &str)> {
    text.lines().filter_map(|l| {
        let l = l.trim();
        if l.is_empty() || l.starts_with(['#', '!']) {
            return None;
        }
        let at = l.find(['=', ':'])?;
        Some((l[..at].trim(), l[at + 1..].trim()))
    })
}

fn pom_properties(location: &str, text: &str) -> Option<Package> {
    let (mut group, mut artifact, mut version) = (None, None, None);
    for (k, v) in properties(text) {
        match k {
            "groupId" => group = Some(v),
            "artifactId" => artifact = Some(v),
            "version" => version = Some(v),
            _ => {}
        }
    }
    let (group, artifact, version) = (group?, artifact?, version?);
    if [group, artifact, version]
        .iter()
        .any(|s| s.is_empty() || s.contains("${"))
    {
        return None;
    }
    Some(Package::new(
        "Maven",
        format!("{group}:{artifact}"),
        version,
        location,
        None,
    ))
}

/// Main-section attributes of a manifest, continuation lines joined.
fn manifest_attributes(text: &str) -> Vec<(String, String)> {
    let mut attrs: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            break;
        }
        if let Some(cont) = line.strip_prefix(' ') {
            if let Some(last) = attrs.last_mut() {
                last.1.push_str(cont);
            }
        } else if let Some((k, v)) = line.split_once(':') {
            attrs.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    attrs
}

/// `commons-lang3-3.12.0.jar` → (`commons-lang3`, `3.12.0`); also
/// `spring-core-5.3.9.RELEASE.jar`, `app-1.0-SNAPSHOT.war`, `guava-31.1-jre.jar`.
///
/// The version starts at a `-` followed by a digit. Artifact names can hold such a pair
/// themselves (`log4j-1.2-api-2.17.1.jar`), and so can versions (`1.0-20230101.1-2`): of
/// the candidates, the last one whose name does not end in a part that starts with a
/// digit is taken, so that `log4j-1.2-api` keeps its `1.2` and a timestamped snapshot
/// keeps its date.
fn name_and_version_from_file(location: &str) -> (Option<String>, Option<String>) {
    let name = file_name(location.rsplit("!/").next().unwrap_or(location));
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    let bytes = stem.as_bytes();
    let starts_version = |i: usize| {
        let name = &stem[..i - 1];
        let last_part = name.rsplit('-').next().unwrap_or(name);
        !last_part.starts_with(|c: char| c.is_ascii_digit())
    };
    match (1..bytes.len())
        .rev()
        .find(|&i| bytes[i - 1] == b'-' && bytes[i].is_ascii_digit() && starts_version(i))
    {
        Some(i) => (Some(stem[..i - 1].to_string()), Some(stem[i..].to_string())),
        None => (Some(stem.to_string()), None),
    }
}

/// Coordinates of an archive without pom.properties (Gradle and Ant builds, OSGi bundles):
/// the group from `Implementation-Vendor-Id` or the OSGi symbolic name, the artifact from
/// the file name, `Implementation-Title` or the symbolic name, the version from the
/// manifest or the file name. With no version anywhere, the version is empty.
fn from_manifest(location: &str, manifest: Option<&str>) -> Option<Package> {
    let attrs = manifest.map(manifest_attributes).unwrap_or_default();
    let get = |key: &str| {
        attrs
            .iter()
            .find(|(k, v)| k.eq_ignore_ascii_case(key) && !v.is_empty())
            .map(|(_, v)| v.as_str())
    };
    let (file_artifact, file_version) = name_and_version_from_file(location);
    // an unexpanded build placeholder (`${project.version}`) is no version
    let expanded = |v: &&str| !v.contains("${");
    let version = get("Implementation-Version")
        .filter(expanded)
        .or(get("Bundle-Version").filter(expanded))
        .map(str::to_string)
        .or(file_version)
        .unwrap_or_default();
    let symbolic = get("Bundle-SymbolicName").map(|s| s.split(';').next().unwrap_or(s).trim());
    let artifact = file_artifact
        .filter(|a| a.chars().any(|c| c.is_alphanumeric()))
        .or(get("Implementation-Title").map(str::to_string))
        .or(symbolic
            .map(|s| s.rsplit('.').next().unwrap_or(s).to_string())
            .filter(|a| !a.is_empty()))?;
    let group = get("Implementation-Vendor-Id")
        .map(str::to_string)
        .or_else(|| {
            symbolic.and_then(|s| {
                s.strip_suffix(artifact.as_str())
                    .and_then(|g| g.strip_suffix('.'))
                    .or_else(|| s.rsplit_once('.').map(|(g, _)| g))
                    .map(str::to_string)
            })
        });
    let name = match group {
        Some(g) if !g.is_empty() => format!("{g}:{artifact}"),
        _ => artifact,
    };
    Some(Package::new("Maven", name, version, location, None))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    pub(crate) fn zip_of(entries: &[(&str, &[u8])], stored: bool) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let method = if stored {
            zip::CompressionMethod::Stored
        } else {
            zip::CompressionMethod::Deflated
        };
        let opts = zip::write::SimpleFileOptions::default().compression_method(method);
        for (name, data) in entries {
            w.start_file(*name, opts).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    fn names(p: &Parsed) -> Vec<String> {
        let mut v: Vec<String> = p
            .packages
            .iter()
            .map(|p| format!("{} {} @ {}", p.name, p.version, p.location.path))
            .collect();
        v.sort();
        v
    }

    #[test]
    fn pom_properties_give_maven_coordinates() {
        let jar = zip_of(
            &[
                ("META-INF/MANIFEST.MF", b"Manifest-Version: 1.0\n"),
                (
                    "META-INF/maven/org.apache.commons/commons-text/pom.properties",
                    b"#Generated by Maven\ngroupId=org.apache.commons\nartifactId=commons-text\nversion=1.9\n",
                ),
            ],
            false,
        );
        let p = archive("app/lib/commons-text-1.9.jar", &jar, &Limits::default());
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        assert_eq!(
            names(&p),
            ["org.apache.commons:commons-text 1.9 @ app/lib/commons-text-1.9.jar"]
        );
    }

    #[test]
    fn manifest_and_file_name_fallbacks() {
        let jar = zip_of(
            &[(
                "META-INF/MANIFEST.MF",
                b"Manifest-Version: 1.0\r\nBundle-SymbolicName: com.fasterxml.jackson.core.jackson-datab\r\n ind;singleton:=true\r\nBundle-Version: 2.13.1\r\n\r\nName: x\r\n",
            )],
            false,
        );
        let p = archive("jackson-databind.jar", &jar, &Limits::default());
        assert_eq!(
            names(&p),
            ["com.fasterxml.jackson.core:jackson-databind 2.13.1 @ jackson-databind.jar"]
        );
        let jar = zip_of(&[("a/B.class", b"\xca\xfe")], false);
        let p = archive("lib/log4j-core-2.14.1.jar", &jar, &Limits::default());
        assert_eq!(names(&p), ["log4j-core 2.14.1 @ lib/log4j-core-2.14.1.jar"]);
        let p = archive("lib/app.jar", &jar, &Limits::default());
        assert_eq!(names(&p), ["app  @ lib/app.jar"]);
        assert!(p.errors.is_empty());
        assert_eq!(p.warnings.len(), 1);
    }

    /// A jar with only a class file: the file name is all there is to go by.
    fn versions_from_file_names(files: &[&str]) -> Vec<String> {
        let jar = zip_of(&[("a/B.class", b"\xca\xfe")], false);
        files
            .iter()
            .flat_map(|f| names(&archive(f, &jar, &Limits::default())))
            .collect()
    }

    #[test]
    fn versions_come_from_file_names_as_maven_writes_them() {
        assert_eq!(
            versions_from_file_names(&[
                "lib/spring-core-5.3.9.RELEASE.jar",
                "app-1.0-SNAPSHOT.war",
                "guava-31.1-jre.jar",
                "lib/log4j-1.2-api-2.17.1.jar",
                "jackson-databind-2.15.2.jar",
                "netty-handler-4.1.86.Final.jar",
                "lib/shop-2.0-20240101.123456-7.jar",
                "commons-io-2.jar",
            ]),
            [
                "spring-core 5.3.9.RELEASE @ lib/spring-core-5.3.9.RELEASE.jar",
                "app 1.0-SNAPSHOT @ app-1.0-SNAPSHOT.war",
                "guava 31.1-jre @ guava-31.1-jre.jar",
                "log4j-1.2-api 2.17.1 @ lib/log4j-1.2-api-2.17.1.jar",
                "jackson-databind 2.15.2 @ jackson-databind-2.15.2.jar",
                "netty-handler 4.1.86.Final @ netty-handler-4.1.86.Final.jar",
                "shop 2.0-20240101.123456-7 @ lib/shop-2.0-20240101.123456-7.jar",
                "commons-io 2 @ commons-io-2.jar",
            ]
        );
    }

    #[test]
    fn a_manifest_without_version_falls_back_to_the_file_name() {
        let manifest = b"Manifest-Version: 1.0\r\nImplementation-Title: Payments\r\nImplementation-Vendor-Id: com.example\r\nImplementation-Version: ${project.version}\r\n";
        let jar = zip_of(&[("META-INF/MANIFEST.MF", manifest)], false);
        let p = archive("lib/payments-3.2.1.jar", &jar, &Limits::default());
        assert_eq!(
            names(&p),
            ["com.example:payments 3.2.1 @ lib/payments-3.2.1.jar"]
        );
        assert!(p.errors.is_empty() && p.warnings.is_empty());
        assert_eq!(p.packages[0].purl(), "pkg:maven/com.example/payments@3.2.1");
    }

    #[test]
    fn an_archive_naming_no_version_anywhere_is_listed_without_one_and_said_so() {
        let manifest = b"Manifest-Version: 1.0\r\nImplementation-Title: payments\r\nImplementation-Vendor-Id: com.example\r\n";
        let jar = zip_of(&[("META-INF/MANIFEST.MF", manifest)], false);
        let p = archive("srv/payments.jar", &jar, &Limits::default());
        assert_eq!(names(&p), ["com.example:payments  @ srv/payments.jar"]);
        assert_eq!(p.packages[0].purl(), "pkg:maven/com.example/payments");
        assert!(p.errors.is_empty());
        assert_eq!(p.warnings.len(), 1);
        assert_eq!(p.warnings[0].path, "srv/payments.jar");
        assert!(
            p.warnings[0]
                .message
                .contains("no version for com.example:payments"),
            "{:?}",
            p.warnings
        );
        assert!(p.warnings[0]
            .message
            .contains("not checked for vulnerabilities"));

        // an OSGi bundle whose file name says nothing: the symbolic name gives the artifact
        let manifest = b"Bundle-SymbolicName: org.example.tools.cli;singleton:=true\r\n";
        let jar = zip_of(&[("META-INF/MANIFEST.MF", manifest)], false);
        let p = archive("plugins/-.jar", &jar, &Limits::default());
        assert_eq!(names(&p), ["org.example.tools:cli  @ plugins/-.jar"]);
        assert_eq!(p.warnings.len(), 1);

        // a version in the manifest or pom.properties means no warning
        let jar = zip_of(
            &[("META-INF/MANIFEST.MF", b"Implementation-Version: 1.4\r\n")],
            false,
        );
        let p = archive("srv/payments.jar", &jar, &Limits::default());
        assert_eq!(names(&p), ["payments 1.4 @ srv/payments.jar"]);
        assert!(p.warnings.is_empty());
    }

    #[test]
    fn many_threads_read_nested_archives_within_one_memory_budget() {
        let inner = zip_of(
            &[(
                "META-INF/maven/org.example/lib/pom.properties",
                b"groupId=org.example\nartifactId=lib\nversion=1.2.3\n",
            )],
            false,
        );
        let war = zip_of(&[("WEB-INF/lib/lib-1.2.3.jar", &inner)], true);
        // each walk may decompress 40% of the pool: at most two run at once
        let limits = Limits {
            max_archive_uncompressed: super::super::in_flight::MAX_ARCHIVE_BYTES_IN_FLIGHT / 5 * 2,
            ..Limits::default()
        };
        let expected = names(&archive("a.war", &war, &limits));
        let results: Vec<Vec<String>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..8)
                .map(|_| s.spawn(|| names(&archive("a.war", &war, &limits))))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert!(
            expected
                .iter()
                .any(|n| n.starts_with("org.example:lib 1.2.3")),
            "{expected:?}"
        );
        assert!(results.iter().all(|r| *r == expected), "{results:?}");
    }

    #[test]
    fn nested_archives_are_read_with_their_location() {
        let inner = zip_of(
            &[(
                "META-INF/maven/org.apache.logging.log4j/log4j-core/pom.properties",
                b"groupId=org.apache.logging.log4j\nartifactId=log4j-core\nversion=2.14.1\n",
            )],
            false,
        );
        let war = zip_of(
            &[
                ("WEB-INF/lib/log4j-core-2.14.1.jar", &inner),
                (
                    "META-INF/maven/com.example/shop/pom.properties",
                    b"groupId=com.example\nartifactId=shop\nversion=1.0.0\n",
                ),
            ],
            true,
        );
        let ear = zip_of(&[("shop.war", &war)], false);
        let p = archive("srv/app.ear", &ear, &Limits::default());
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        assert_eq!(
            names(&p),
            [
                // the ear itself names no version
                "app  @ srv/app.ear",
                "com.example:shop 1.0.0 @ srv/app.ear!/shop.war",
                "org.apache.logging.log4j:log4j-core 2.14.1 @ srv/app.ear!/shop.war!/WEB-INF/lib/log4j-core-2.14.1.jar",
            ]
        );
        let shallow = Limits {
            max_archive_depth: 1,
            ..Limits::default()
        };
        let p = archive("srv/app.ear", &ear, &shallow);
        assert_eq!(
            names(&p),
            [
                "app  @ srv/app.ear",
                "com.example:shop 1.0.0 @ srv/app.ear!/shop.war"
            ]
        );
        assert!(
            p.errors[0].message.contains("nested deeper than 1"),
            "{:?}",
            p.errors
        );
        assert_eq!(
            p.errors[0].path,
            "srv/app.ear!/shop.war!/WEB-INF/lib/log4j-core-2.14.1.jar"
        );
    }

    #[test]
    fn truncated_and_non_zip_archives_are_errors_naming_the_file() {
        let jar = zip_of(
            &[("META-INF/MANIFEST.MF", b"Implementation-Version: 1\n")],
            false,
        );
        for bad in [&jar[..jar.len() / 2], b"not a zip at all".as_slice(), &[]] {
            let p = archive("broken.jar", bad, &Limits::default());
            assert!(p.packages.is_empty());
            assert_eq!(p.errors.len(), 1);
            assert_eq!(p.errors[0].path, "broken.jar");
            assert!(p.errors[0].message.contains("not a readable Java archive"));
        }
    }

    /// Sets the uncompressed size every central-directory record declares.
    fn lie_about_sizes(zip: &mut [u8], size: u32) {
        let mut i = 0;
        while i + 28 <= zip.len() {
            if zip[i..i + 4] == [0x50, 0x4b, 0x01, 0x02] {
                zip[i + 24..i + 28].copy_from_slice(&size.to_le_bytes());
            }
            i += 1;
        }
    }

    #[test]
    fn zip_bombs_stop_at_the_limits() {
        let zeros = vec![0u8; 4 << 20];
        let honest = zip_of(&[("META-INF/MANIFEST.MF", &zeros)], false);
        let p = archive("bomb.jar", &honest, &Limits::default());
        // the manifest is refused; only the file name is left to describe the jar
        assert_eq!(names(&p), ["bomb  @ bomb.jar"]);
        assert!(
            p.errors[0].message.contains("more than the limit"),
            "{:?}",
            p.errors
        );
        assert_eq!(p.errors[0].path, "bomb.jar!/META-INF/MANIFEST.MF");

        let mut lying = honest.clone();
        lie_about_sizes(&mut lying, 100);
        let p = archive("liar.jar", &lying, &Limits::default());
        assert!(p.packages.iter().all(|p| p.version.is_empty()));
        assert!(
            p.errors
                .iter()
                .any(|e| e.message.contains("zip bomb") || e.message.contains("cannot decompress")),
            "{:?}",
            p.errors
        );

        // Ten nested jars of 4 MiB each against a 20 MiB budget for the whole tree.
        let layer = zip_of(&[("big.jar", &zeros)], false);
        let entries: Vec<(String, Vec<u8>)> = (0..10)
            .map(|i| (format!("lib/l{i}.jar"), layer.clone()))
            .collect();
        let refs: Vec<(&str, &[u8])> = entries
            .iter()
            .map(|(n, d)| (n.as_str(), d.as_slice()))
            .collect();
        let outer = zip_of(&refs, false);
        assert!(outer.len() < 1 << 20);
        let limits = Limits {
            max_archive_uncompressed: 20 << 20,
            ..Limits::default()
        };
        let p = archive("bomb.war", &outer, &limits);
        assert!(
            p.errors.iter().any(|e| e
                .message
                .contains("would exceed 20971520 bytes (zip bomb?)")),
            "{:?}",
            p.errors
        );
    }

    #[test]
    fn a_nested_copy_of_an_enclosing_archive_is_a_loop_not_a_hang() {
        // A zip quine unpacks to itself: seen from the loop detector, its nested entry is
        // byte-identical to an archive already being read.
        let leaf = zip_of(
            &[("META-INF/MANIFEST.MF", b"Implementation-Version: 1\n")],
            false,
        );
        let outer = zip_of(&[("self.jar", &leaf)], true);
        let limits = Limits::default();
        let mut w = Walk {
            limits: &limits,
            total: u64::MAX,
            budget: u64::MAX,
            ancestors: vec![fingerprint(&leaf)],
            out: Parsed::default(),
        };
        w.archive("loop.jar", &outer, 0);
        assert!(
            w.out.errors[0].message.contains("nesting loop"),
            "{:?}",
            w.out.errors
        );
        assert_eq!(w.out.errors[0].path, "loop.jar!/self.jar");
    }
}
