//! Generated SBOMs validate against the official CycloneDX 1.5 and SPDX 2.3 JSON schemas.

use palisade_sbom::{cyclonedx, spdx, SbomMeta};
use palisade_vuln::Package;

fn schema(name: &str) -> Option<serde_json::Value> {
    let dir = palisade_testkit::schemas()?;
    match std::fs::read_to_string(dir.join(name)) {
        Ok(t) => Some(serde_json::from_str(&t).unwrap()),
        Err(_) => {
            eprintln!(
                "SKIP: schema {name} not found under {} (set PALISADE_SCHEMAS)",
                dir.display()
            );
            None
        }
    }
}

fn inventory() -> Vec<Package> {
    vec![
        Package::new("npm", "@babel/core", "7.0.0", "package-lock.json", Some(12))
            .with_direct(Some(false)),
        Package::new("PyPI", "Jinja2", "2.11.2", "requirements.txt", Some(3))
            .with_direct(Some(true)),
        Package::new(
            "Maven",
            "org.apache.logging.log4j:log4j-core",
            "2.14.1",
            "pom.xml",
            Some(9),
        ),
        Package::new(
            "Debian:12",
            "openssl",
            "3.0.11-1~deb12u2",
            "var/lib/dpkg/status",
            Some(40),
        ),
        Package::new(
            "PyPI",
            "jinja2",
            "2.11.2",
            "other/requirements.txt",
            Some(1),
        ),
    ]
}

fn meta() -> SbomMeta {
    SbomMeta {
        subject: "fixtures".into(),
        timestamp: "2026-01-01T00:00:00Z".into(),
        tool_version: "0.1.0".into(),
    }
}

fn validate(schema: &serde_json::Value, doc: &serde_json::Value) {
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
        .expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn cyclonedx_validates_and_dedupes() {
    let doc = cyclonedx(&inventory(), &meta());
    assert_eq!(doc["components"].as_array().unwrap().len(), 4);
    assert_eq!(
        doc["components"][0]["purl"],
        "pkg:deb/debian/openssl@3.0.11-1~deb12u2?distro=12"
    );
    let Some(s) = schema("cyclonedx-1.5.schema.json") else {
        return;
    };
    // the schema refers to spdx and jsf by relative name; inline them as resources
    if let (Some(spdx_s), Some(jsf)) = (
        schema("spdx.SNAPSHOT.schema.json"),
        schema("jsf-0.82.SNAPSHOT.schema.json"),
    ) {
        let validator = jsonschema::options()
            .with_resource(
                "http://cyclonedx.org/schema/spdx.SNAPSHOT.schema.json",
                jsonschema::Resource::from_contents(spdx_s).unwrap(),
            )
            .with_resource(
                "http://cyclonedx.org/schema/jsf-0.82.SNAPSHOT.schema.json",
                jsonschema::Resource::from_contents(jsf).unwrap(),
            )
            .build(&s)
            .expect("schema compiles");
        let errors: Vec<String> = validator
            .iter_errors(&doc)
            .map(|e| format!("{} at {}", e, e.instance_path))
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
        return;
    }
    panic!("the CycloneDX schema needs spdx.SNAPSHOT and jsf-0.82.SNAPSHOT beside it");
}

#[test]
fn spdx_validates() {
    let doc = spdx(&inventory(), &meta());
    assert_eq!(doc["packages"].as_array().unwrap().len(), 4);
    let Some(s) = schema("spdx-2.3.schema.json") else {
        return;
    };
    validate(&s, &doc);
}
