//! Ruby gems as installed: the generated `specifications/NAME-VERSION.gemspec` files.
//! They are Ruby code, but RubyGems writes them in one fixed shape (`s.name = "x".freeze`),
//! so the two assignments are read without evaluating anything; the file name is the
//! fallback.

use super::{file_name, text, InstalledError};
use crate::inventory::Package;

/// The first quoted string after `=` on an assignment to `<var>.<field>`.
fn assigned(line: &str, field: &str) -> Option<String> {
    let (lhs, rhs) = line.split_once('=')?;
    let lhs = lhs.trim();
    let (_, attr) = lhs.rsplit_once('.')?;
    if attr != field {
        return None;
    }
    let rhs = rhs.trim_start();
    let quote = rhs.find(['"', '\''])?;
    let q = rhs.as_bytes()[quote] as char;
    let rest = &rhs[quote + 1..];
    let end = rest.find(q)?;
    Some(rest[..end].to_string())
}

/// `rack-2.2.4.gemspec` → (`rack`, `2.2.4`); `nokogiri-1.15.0-x86_64-linux.gemspec` keeps the
/// platform out of the version.
fn from_file_name(path: &str) -> Option<(String, String)> {
    let stem = file_name(path).strip_suffix(".gemspec")?;
    let bytes = stem.as_bytes();
    let split = (1..bytes.len())
        .rev()
        .find(|&i| bytes[i - 1] == b'-' && bytes[i].is_ascii_digit())?;
    let name = &stem[..split - 1];
    let version = stem[split..].split('-').next()?;
    Some((name.to_string(), version.to_string()))
}

pub fn gemspec(path: &str, content: &[u8]) -> Result<Vec<Package>, InstalledError> {
    let text = text(content);
    let mut name: Option<(String, u32)> = None;
    let mut version: Option<String> = None;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.starts_with('#') {
            continue;
        }
        if name.is_none() {
            if let Some(n) = assigned(line, "name") {
                name = Some((n, i as u32 + 1));
            }
        }
        if version.is_none() {
            version = assigned(line, "version");
        }
        if name.is_some() && version.is_some() {
            break;
        }
    }
    let fallback = from_file_name(path);
    let (name, line) = match (name, &fallback) {
        (Some((n, l)), _) => (n, Some(l)),
        (None, Some((n, _))) => (n.clone(), None),
        (None, None) => return Err(InstalledError::new(path, "no `name` in gemspec")),
    };
    let Some(version) = version.or(fallback.map(|f| f.1)) else {
        return Err(InstalledError::new(path, "no `version` in gemspec"));
    };
    Ok(vec![Package::new("RubyGems", name, version, path, line)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_generated_gemspecs() {
        let spec = br#"# -*- encoding: utf-8 -*-
# stub: rack 2.2.4 ruby lib

Gem::Specification.new do |s|
  s.name = "rack".freeze
  s.version = "2.2.4"
  s.required_rubygems_version = Gem::Requirement.new(">= 0".freeze) if s.respond_to? :required_rubygems_version=
end
"#;
        let p = gemspec("specifications/rack-2.2.4.gemspec", spec).unwrap();
        assert_eq!(
            (p[0].name.as_str(), p[0].version.as_str()),
            ("rack", "2.2.4")
        );
        assert_eq!(p[0].location.line, Some(5));
        assert_eq!(p[0].ecosystem, "RubyGems");
    }

    #[test]
    fn falls_back_to_the_file_name() {
        let p = gemspec(
            "specifications/nokogiri-1.15.0-x86_64-linux.gemspec",
            b"junk",
        )
        .unwrap();
        assert_eq!(
            (p[0].name.as_str(), p[0].version.as_str()),
            ("nokogiri", "1.15.0")
        );
        let p = gemspec("specifications/net-http-0.3.0.gemspec", b"").unwrap();
        assert_eq!(
            (p[0].name.as_str(), p[0].version.as_str()),
            ("net-http", "0.3.0")
        );
        assert!(gemspec("specifications/weird.gemspec", b"").is_err());
    }
}
