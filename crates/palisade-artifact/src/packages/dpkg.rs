//! dpkg: `/var/lib/dpkg/status` (paragraphs of `Field: value`) and distroless images'
//! `/var/lib/dpkg/status.d/<package>` files in the same format.

use super::{attribute_layers, OsPackage, PackageDbError, PackageManager};
use crate::fs::ImageFs;

/// Parses a dpkg status file; only installed packages are returned.
pub fn parse_status(text: &str, db_path: &str) -> Vec<OsPackage> {
    let mut out = Vec::new();
    for paragraph in text.split("\n\n") {
        let mut fields: Vec<(&str, String)> = Vec::new();
        for line in paragraph.lines() {
            if line.starts_with(' ') || line.starts_with('\t') {
                continue; // continuation of a multi-line field (Description, Conffiles)
            }
            if let Some((k, v)) = line.split_once(':') {
                fields.push((k.trim(), v.trim().to_string()));
            }
        }
        let get = |name: &str| {
            fields
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.clone())
        };
        let (Some(name), Some(version)) = (get("Package"), get("Version")) else {
            continue;
        };
        if let Some(status) = get("Status") {
            // `install ok installed`; half-installed or config-files only are not on disk.
            if !status.ends_with(" installed") {
                continue;
            }
        }
        let (source_name, source_version) = match get("Source") {
            Some(src) => match src.split_once(' ') {
                Some((n, v)) => (
                    Some(n.to_string()),
                    Some(
                        v.trim()
                            .trim_start_matches('(')
                            .trim_end_matches(')')
                            .to_string(),
                    ),
                ),
                None => (Some(src), Some(version.clone())),
            },
            None => (Some(name.clone()), Some(version.clone())),
        };
        out.push(OsPackage {
            name,
            version,
            arch: get("Architecture"),
            source_name,
            source_version,
            license: None,
            modularity_label: None,
            manager: Some(PackageManager::Dpkg),
            layer: 0,
            db_path: db_path.to_string(),
        });
    }
    out
}

pub(crate) fn collect(
    fs: &ImageFs,
    packages: &mut Vec<OsPackage>,
    _errors: &mut Vec<PackageDbError>,
) {
    let status = "var/lib/dpkg/status";
    if let Some(node) = fs.get(status) {
        if let Some(Ok(bytes)) = fs.read(status) {
            let text = String::from_utf8_lossy(&bytes);
            let mut found = parse_status(&text, status);
            for p in &mut found {
                p.layer = node.layer;
            }
            attribute_layers(fs, status, &mut found, &|b| {
                parse_status(&String::from_utf8_lossy(b), status)
            });
            packages.extend(found);
        }
    }
    let dir = "var/lib/dpkg/status.d";
    let files: Vec<(String, usize)> = fs
        .children(dir)
        .filter(|(p, n)| n.kind == crate::fs::NodeKind::File && !p.ends_with(".md5sums"))
        .map(|(p, n)| (p.to_string(), n.layer))
        .collect();
    for (path, layer) in files {
        if let Some(Ok(bytes)) = fs.read(&path) {
            for mut p in parse_status(&String::from_utf8_lossy(&bytes), &path) {
                p.layer = layer;
                packages.push(p);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn installed_packages_with_their_source() {
        let text = "Package: libssl3\nStatus: install ok installed\nArchitecture: amd64\nSource: openssl (3.0.11-1~deb12u2)\nVersion: 3.0.11-1~deb12u2\nDescription: x\n more\n\nPackage: gone\nStatus: deinstall ok config-files\nVersion: 1\n\nPackage: bash\nStatus: install ok installed\nVersion: 5.2.15-2+b2\nSource: bash\n";
        let p = parse_status(text, "s");
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].source_name.as_deref(), Some("openssl"));
        assert_eq!(p[0].source_version.as_deref(), Some("3.0.11-1~deb12u2"));
        assert_eq!(p[1].source_version.as_deref(), Some("5.2.15-2+b2"));
    }
}
