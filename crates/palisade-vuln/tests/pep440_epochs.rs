//! PEP 440 epochs (`1!2.0`) are versions wherever a PyPI version is read: exact pins in
//! requirements files, Pipfile.lock, poetry.lock and installed METADATA; and an epoch
//! orders after every version without one when matched against advisories.

use palisade_vuln::installed::python::metadata;
use palisade_vuln::lockfile;
use palisade_vuln::matcher::is_affected;
use palisade_vuln::osv::Affected;

fn versions(path: &str, text: &str) -> Vec<(String, String)> {
    lockfile::parse_inventory(path, text, &|_| None)
        .unwrap()
        .packages
        .into_iter()
        .map(|p| (p.name, p.version))
        .collect()
}

#[test]
fn requirements_pins_with_an_epoch_are_pinned() {
    let inv = lockfile::parse_inventory(
        "requirements.txt",
        "calver==1!2.0\nother===2!1.0.post1\nbad==x!1.0\nempty==1!\n",
        &|_| None,
    )
    .unwrap();
    let pinned: Vec<(&str, &str)> = inv
        .packages
        .iter()
        .map(|p| (p.name.as_str(), p.version.as_str()))
        .collect();
    assert_eq!(pinned, [("calver", "1!2.0"), ("other", "2!1.0.post1")]);
    let unpinned: Vec<Option<u32>> = inv.unpinned.iter().map(|u| u.location.line).collect();
    assert_eq!(unpinned, [Some(3), Some(4)]);
}

#[test]
fn lockfiles_and_metadata_keep_the_epoch() {
    let pipfile = r#"{"_meta": {}, "default": {"calver": {"version": "==1!2.0"}}, "develop": {}}"#;
    assert_eq!(
        versions("Pipfile.lock", pipfile),
        [("calver".to_string(), "1!2.0".to_string())]
    );
    let poetry = "[[package]]\nname = \"calver\"\nversion = \"1!2.0\"\n";
    assert_eq!(
        versions("poetry.lock", poetry),
        [("calver".to_string(), "1!2.0".to_string())]
    );
    let installed = metadata(
        "site-packages/calver-1!2.0.dist-info/METADATA",
        b"Metadata-Version: 2.1\nName: calver\nVersion: 1!2.0\n",
    )
    .unwrap();
    assert_eq!(installed[0].version, "1!2.0");
}

#[test]
fn an_epoch_orders_after_every_version_without_one() {
    let affected: Affected = serde_json::from_str(
        r#"{"package": {"ecosystem": "PyPI", "name": "calver"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1!2.1"}]}]}"#,
    )
    .unwrap();
    assert!(is_affected(&affected, "PyPI", "1!2.0"));
    assert!(is_affected(&affected, "PyPI", "2024.1"));
    assert!(!is_affected(&affected, "PyPI", "1!2.1"));
    let without: Affected = serde_json::from_str(
        r#"{"package": {"ecosystem": "PyPI", "name": "calver"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "3.0"}]}]}"#,
    )
    .unwrap();
    assert!(!is_affected(&without, "PyPI", "1!2.0"));
}
