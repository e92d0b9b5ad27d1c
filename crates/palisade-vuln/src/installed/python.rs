//! Python distributions as installed: the core-metadata headers of `*.dist-info/METADATA`
//! and `*.egg-info/PKG-INFO` (or a single-file `*.egg-info`). Only the header block is read;
//! the description body after the first blank line can be megabytes and is never scanned.

use super::{text, InstalledError};
use crate::inventory::Package;

/// Header lines are short; a header block longer than this is not core metadata.
const MAX_HEADER_BYTES: usize = 1 << 20;

pub fn metadata(path: &str, content: &[u8]) -> Result<Vec<Package>, InstalledError> {
    let text = text(content);
    let mut name: Option<(&str, u32)> = None;
    let mut version: Option<&str> = None;
    let mut offset = 0usize;
    for (i, line) in text.lines().enumerate() {
        offset += line.len() + 1;
        if line.trim().is_empty() {
            break;
        }
        if offset > MAX_HEADER_BYTES {
            return Err(InstalledError::new(
                path,
                "metadata headers run past 1 MiB without a blank line: not core metadata",
            ));
        }
        if line.starts_with([' ', '\t']) {
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        match key.trim().to_ascii_lowercase().as_str() {
            "name" if name.is_none() && !value.is_empty() => name = Some((value, i as u32 + 1)),
            "version" if version.is_none() && !value.is_empty() => version = Some(value),
            _ => {}
        }
        if name.is_some() && version.is_some() {
            break;
        }
    }
    match (name, version) {
        (Some((name, line)), Some(version)) => {
            Ok(vec![Package::new("PyPI", name, version, path, Some(line))])
        }
        (None, _) => Err(InstalledError::new(
            path,
            "no `Name:` header in package metadata",
        )),
        (_, None) => Err(InstalledError::new(
            path,
            "no `Version:` header in package metadata",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_name_and_version_from_the_headers() {
        let m = b"Metadata-Version: 2.1\nName: Django_REST\nVersion: 3.14.0\nSummary: x\n\nName: not-this\n";
        let p = metadata("site-packages/x.dist-info/METADATA", m).unwrap();
        assert_eq!(p.len(), 1);
        assert_eq!(
            (
                p[0].ecosystem.as_str(),
                p[0].name.as_str(),
                p[0].version.as_str()
            ),
            ("PyPI", "Django_REST", "3.14.0")
        );
        assert_eq!(p[0].location.line, Some(2));
    }

    #[test]
    fn the_body_is_never_read() {
        let mut m = b"Name: big\nVersion: 1.0\n\n".to_vec();
        m.extend(std::iter::repeat_n(b'x', 8 << 20));
        assert_eq!(metadata("m", &m).unwrap()[0].name, "big");
    }

    #[test]
    fn missing_headers_and_runaway_headers_are_errors() {
        assert!(metadata("m", b"Name: a\n\nVersion: 1\n")
            .unwrap_err()
            .message
            .contains("Version"));
        assert!(metadata("m", b"").unwrap_err().message.contains("Name"));
        let runaway = "X-Junk: y\n".repeat(200_000);
        let e = metadata("huge/METADATA", runaway.as_bytes()).unwrap_err();
        assert_eq!(e.path, "huge/METADATA");
        assert!(e.message.contains("1 MiB"));
    }

    #[test]
    fn latin1_metadata_does_not_fail() {
        let m = b"Name: caf\xe9\nVersion: 1\n";
        assert_eq!(metadata("m", m).unwrap()[0].version, "1");
    }
}
