//! .NET dependencies as published: `*.deps.json` next to an application's assemblies. Only
//! `libraries` of type `package` came from NuGet; `project` entries are the app itself.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::InstalledError;
use crate::inventory::Package;

#[derive(Deserialize)]
struct Library {
    #[serde(rename = "type")]
    kind: Option<String>,
}

#[derive(Deserialize)]
struct DepsJson {
    #[serde(default)]
    libraries: BTreeMap<String, Library>,
}

pub fn deps_json(path: &str, content: &[u8]) -> Result<Vec<Package>, InstalledError> {
    let deps: DepsJson = serde_json::from_slice(content)
        .map_err(|e| InstalledError::new(path, format!("not a .NET deps.json: {e}")))?;
    Ok(deps
        .libraries
        .into_iter()
        .filter(|(_, lib)| lib.kind.as_deref() == Some("package"))
        .filter_map(|(key, _)| {
            let (name, version) = key.split_once('/')?;
            Some(Package::new("NuGet", name, version, path, None))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packages_not_projects() {
        let d = br#"{"runtimeTarget":{"name":".NETCoreApp,Version=v6.0"},"libraries":{
            "App/1.0.0":{"type":"project","serviceable":false},
            "Newtonsoft.Json/13.0.1":{"type":"package","serviceable":true,"sha512":"x"}}}"#;
        let p = deps_json("app/App.deps.json", d).unwrap();
        assert_eq!(p.len(), 1);
        assert_eq!(
            (p[0].name.as_str(), p[0].version.as_str()),
            ("Newtonsoft.Json", "13.0.1")
        );
        assert_eq!(p[0].ecosystem, "NuGet");
        assert!(deps_json("a.deps.json", b"[").unwrap_err().path == "a.deps.json");
    }
}
