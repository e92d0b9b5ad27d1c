//! apk: `/lib/apk/db/installed`, paragraphs of one-letter fields (`P:` name, `V:` version,
//! `A:` arch, `o:` origin, `L:` license).

use super::{attribute_layers, OsPackage, PackageDbError, PackageManager};
use crate::fs::ImageFs;

pub const INSTALLED: &str = "lib/apk/db/installed";

/// Parses an apk installed database.
pub fn parse_installed(text: &str, db_path: &str) -> Vec<OsPackage> {
    let mut out = Vec::new();
    for paragraph in text.split("\n\n") {
        let mut p = OsPackage {
            manager: Some(PackageManager::Apk),
            db_path: db_path.to_string(),
            ..OsPackage::default()
        };
        for line in paragraph.lines() {
            let Some((k, v)) = line.split_once(':') else {
                continue;
            };
            match k {
                "P" => p.name = v.to_string(),
                "V" => p.version = v.to_string(),
                "A" => p.arch = Some(v.to_string()),
                "o" => p.source_name = Some(v.to_string()),
                "L" => p.license = Some(v.to_string()),
                _ => {}
            }
        }
        if !p.name.is_empty() && !p.version.is_empty() {
            if p.source_name.is_some() {
                p.source_version = Some(p.version.clone());
            }
            out.push(p);
        }
    }
    out
}

pub(crate) fn collect(
    fs: &ImageFs,
    packages: &mut Vec<OsPackage>,
    _errors: &mut Vec<PackageDbError>,
) {
    let Some(node) = fs.get(INSTALLED) else {
        return;
    };
    let Some(Ok(bytes)) = fs.read(INSTALLED) else {
        return;
    };
    let mut found = parse_installed(&String::from_utf8_lossy(&bytes), INSTALLED);
    for p in &mut found {
        p.layer = node.layer;
    }
    attribute_layers(fs, INSTALLED, &mut found, &|b| {
        parse_installed(&String::from_utf8_lossy(b), INSTALLED)
    });
    packages.extend(found);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packages_with_origin() {
        let text = "C:Q1abc=\nP:libcrypto3\nV:3.1.4-r5\nA:x86_64\nL:Apache-2.0\no:openssl\n\nP:musl\nV:1.2.4-r2\n";
        let p = parse_installed(text, "db");
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].source_name.as_deref(), Some("openssl"));
        assert_eq!(p[1].name, "musl");
    }
}
