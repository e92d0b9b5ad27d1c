//! An SBOM is shared: a secret in an image's build history (`palisade:layer-created-by`,
//! the SPDX `comment`) or in a declared location is written as its preview only.

use palisade_sbom::{cyclonedx_components, spdx_components, Component, SbomMeta, Subject};
use palisade_vuln::Package;

const AWS: &str = "AKIAZ7Q3MNBVCXLKJHGF";
const URL_PASSWORD: &str = "Qm7vT2pLx9RwZ4kEj8Hs";

fn meta() -> SbomMeta {
    SbomMeta {
        subject: "registry.example.com/app:1".into(),
        timestamp: "2026-01-01T00:00:00Z".into(),
        tool_version: "0.1.0".into(),
    }
}

#[test]
fn secrets_in_properties_and_locations_are_written_as_previews() {
    let package = Package::new(
        "Debian:12",
        "openssl",
        "3.0.11-1~deb12u2",
        format!("https://ci:{URL_PASSWORD}@git.example.com/lockfile"),
        Some(40),
    );
    let mut component = Component::of(&package);
    component.properties.push((
        "palisade:layer-created-by".into(),
        format!("RUN AWS_ACCESS_KEY_ID={AWS} ./fetch.sh"),
    ));
    let components = vec![component];
    for doc in [
        cyclonedx_components(&components, Subject::Image { os: None }, &meta()),
        spdx_components(&components, Subject::Image { os: None }, &meta()),
    ] {
        let text = serde_json::to_string(&doc).unwrap();
        assert!(!text.contains(AWS), "{text}");
        assert!(!text.contains(URL_PASSWORD), "{text}");
        assert!(text.contains("AKIA****"), "{text}");
        assert!(text.contains("openssl"), "{text}");
    }
}
