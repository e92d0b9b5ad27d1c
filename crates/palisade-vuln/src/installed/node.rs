//! Node packages as installed: `node_modules/NAME/package.json`. A package marked
//! `"private": true` or without a version was never published, so no advisory can name it.

use serde::Deserialize;

use super::InstalledError;
use crate::inventory::Package;

#[derive(Deserialize)]
struct PackageJson {
    name: Option<serde_json::Value>,
    version: Option<serde_json::Value>,
    #[serde(default)]
    private: Option<serde_json::Value>,
}

pub fn package_json(path: &str, content: &[u8]) -> Result<Vec<Package>, InstalledError> {
    let pj: PackageJson = serde_json::from_slice(content).map_err(|e| {
        InstalledError::new(path, format!("not a valid package.json: {e}")).at_line(e.line())
    })?;
    if matches!(pj.private, Some(serde_json::Value::Bool(true))) {
        return Ok(vec![]);
    }
    let (Some(serde_json::Value::String(name)), Some(serde_json::Value::String(version))) =
        (pj.name, pj.version)
    else {
        return Ok(vec![]);
    };
    if name.trim().is_empty() || version.trim().is_empty() {
        return Ok(vec![]);
    }
    Ok(vec![Package::new("npm", name, version.trim(), path, None)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_packages_only() {
        let p = package_json(
            "node_modules/@babel/core/package.json",
            br#"{"name":"@babel/core","version":"7.22.5","dependencies":{"x":"1"}}"#,
        )
        .unwrap();
        assert_eq!(
            (p[0].name.as_str(), p[0].version.as_str()),
            ("@babel/core", "7.22.5")
        );
        assert_eq!(p[0].ecosystem, "npm");
        assert!(
            package_json("p", br#"{"name":"a","version":"1.0.0","private":true}"#)
                .unwrap()
                .is_empty()
        );
        assert!(package_json("p", br#"{"name":"a"}"#).unwrap().is_empty());
        assert!(package_json("p", br#"{"name":"a","version":{"x":1}}"#)
            .unwrap()
            .is_empty());
    }

    #[test]
    fn broken_json_names_file_and_line() {
        let e = package_json("node_modules/a/package.json", b"{\n\"name\": \"a\",\n").unwrap_err();
        assert_eq!(e.path, "node_modules/a/package.json");
        assert_eq!(e.line, Some(3), "{e}");
    }
}
