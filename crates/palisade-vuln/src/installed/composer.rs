//! PHP packages as installed by Composer: `vendor/composer/installed.json`, a bare list of
//! packages (Composer 1) or `{"packages": [...]}` (Composer 2).

use serde::Deserialize;

use super::InstalledError;
use crate::inventory::Package;

#[derive(Deserialize)]
struct Entry {
    name: Option<String>,
    version: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Installed {
    V2 { packages: Vec<Entry> },
    V1(Vec<Entry>),
}

pub fn installed_json(path: &str, content: &[u8]) -> Result<Vec<Package>, InstalledError> {
    let installed: Installed = serde_json::from_slice(content).map_err(|e| {
        InstalledError::new(
            path,
            format!("not a Composer installed.json (a list of packages or {{\"packages\": [...]}}): {e}"),
        )
    })?;
    let entries = match installed {
        Installed::V2 { packages } | Installed::V1(packages) => packages,
    };
    Ok(entries
        .into_iter()
        .filter_map(|e| {
            let (name, version) = (e.name?, e.version?);
            // Same spelling as composer.lock packages, so both feed the matcher alike.
            Some(Package::new(
                "Packagist",
                name,
                version.trim_start_matches('v'),
                path,
                None,
            ))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_composer_layouts() {
        let v2 = br#"{"packages":[{"name":"monolog/monolog","version":"v2.9.1","version_normalized":"2.9.1.0"}],"dev":true}"#;
        let p = installed_json("vendor/composer/installed.json", v2).unwrap();
        assert_eq!(
            (p[0].name.as_str(), p[0].version.as_str()),
            ("monolog/monolog", "2.9.1")
        );
        let v1 = br#"[{"name":"guzzlehttp/guzzle","version":"7.4.0"},{"name":"no/version"}]"#;
        let p = installed_json("installed.json", v1).unwrap();
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].ecosystem, "Packagist");
        assert!(installed_json("installed.json", b"{\"packages\": 3}").is_err());
    }
}
