//! SBOM writers for Palisade: CycloneDX 1.5 JSON and SPDX 2.3 JSON documents from a
//! package inventory ([`palisade_vuln::Package`]).
//!
//! The same inventory comes from lockfiles in a source tree or from an image's package
//! databases; this crate only serialises it. It does not find packages and does not
//! match vulnerabilities.
//!
//! Every string of a finished document passes through [`palisade_secrets::redact`]:
//! properties such as `palisade:layer-created-by` (an image's build command) or a package's
//! declared location can carry a password, and an SBOM is meant to be shared.

use palisade_vuln::Package;
use serde_json::{json, Value};

/// What the SBOM describes and when it was made (fixed in tests for stable output).
#[derive(Debug, Clone)]
pub struct SbomMeta {
    /// The scanned target as the user gave it.
    pub subject: String,
    /// RFC 3339 timestamp.
    pub timestamp: String,
    pub tool_version: String,
}

impl SbomMeta {
    pub fn now(subject: impl Into<String>) -> SbomMeta {
        SbomMeta {
            subject: subject.into(),
            timestamp: chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
        }
    }
}

/// One SBOM entry: a package with the purl and extra properties its finder chose (an
/// image's OS packages carry the distribution qualifier and their layer).
#[derive(Debug, Clone)]
pub struct Component<'a> {
    pub package: &'a Package,
    pub purl: String,
    /// CycloneDX properties / SPDX annotations beyond the ones every package gets.
    pub properties: Vec<(String, String)>,
    /// Declared licence expression, when the package database records one.
    pub license: Option<String>,
}

impl<'a> Component<'a> {
    pub fn of(package: &'a Package) -> Component<'a> {
        Component {
            package,
            purl: package.purl(),
            properties: Vec::new(),
            license: None,
        }
    }
}

/// The operating system an image is built on, for the SBOM's operating-system component.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatingSystem {
    /// `os-release` `ID` (`debian`, `alpine`, `rocky`).
    pub id: String,
    /// `VERSION_ID` (`12`, `3.19.1`).
    pub version: String,
    /// `PRETTY_NAME`.
    pub description: String,
}

/// What the SBOM describes: a source tree, or a container image with its OS.
#[derive(Debug, Clone, Copy)]
pub enum Subject<'a> {
    Tree,
    Image { os: Option<&'a OperatingSystem> },
}

/// Components in a stable order with duplicates (same purl) removed; the first wins.
fn unique_components<'a>(components: &'a [Component<'a>]) -> Vec<&'a Component<'a>> {
    let mut seen = std::collections::BTreeSet::new();
    let mut out: Vec<&Component> = components
        .iter()
        .filter(|c| seen.insert(c.purl.clone()))
        .collect();
    out.sort_by(|a, b| a.purl.cmp(&b.purl));
    out
}

fn declared_in(p: &Package) -> String {
    match p.location.line {
        Some(l) => format!("{}:{l}", p.location.path),
        None => p.location.path.clone(),
    }
}

/// A CycloneDX 1.5 JSON document.
pub fn cyclonedx(packages: &[Package], meta: &SbomMeta) -> Value {
    let components: Vec<Component> = packages.iter().map(Component::of).collect();
    cyclonedx_components(&components, Subject::Tree, meta)
}

/// A CycloneDX 1.5 JSON document for chosen components; an image subject becomes a
/// `container` with its OS as an `operating-system` component.
pub fn cyclonedx_components(components: &[Component], subject: Subject, meta: &SbomMeta) -> Value {
    let mut out: Vec<Value> = unique_components(components)
        .into_iter()
        .map(|c| {
            let p = c.package;
            let mut props = vec![json!({"name": "palisade:ecosystem", "value": p.ecosystem})];
            props.push(json!({"name": "palisade:declared-in", "value": declared_in(p)}));
            if let Some(d) = p.direct {
                props.push(json!({"name": "palisade:direct", "value": d.to_string()}));
            }
            if let Some(layer) = &p.layer {
                props.push(json!({"name": "palisade:layer", "value": layer}));
            }
            for (name, value) in &c.properties {
                props.push(json!({"name": name, "value": value}));
            }
            let mut component = json!({
                "type": "library",
                "bom-ref": c.purl,
                "name": p.name,
                "version": p.version,
                "purl": c.purl,
                "properties": props,
            });
            if let Some(l) = c.license.as_deref().filter(|l| !l.trim().is_empty()) {
                component["licenses"] = json!([{"license": {"name": l}}]);
            }
            component
        })
        .collect();
    let subject_component = match subject {
        Subject::Tree => {
            json!({"type": "application", "name": meta.subject, "bom-ref": "subject"})
        }
        Subject::Image { os } => {
            if let Some(os) = os {
                out.insert(
                    0,
                    json!({
                        "type": "operating-system",
                        "bom-ref": format!("os:{}@{}", os.id, os.version),
                        "name": os.id,
                        "version": os.version,
                        "description": os.description,
                    }),
                );
            }
            json!({"type": "container", "name": meta.subject, "bom-ref": "subject"})
        }
    };
    let mut doc = json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "version": 1,
        "metadata": {
            "timestamp": meta.timestamp,
            "tools": {"components": [{"type": "application", "name": "palisade", "version": meta.tool_version}]},
            "component": subject_component,
        },
        "components": out,
    });
    redact_strings(&mut doc);
    doc
}

/// Replaces every secret in the document's strings by its preview.
fn redact_strings(value: &mut Value) {
    match value {
        Value::String(s) => {
            if let std::borrow::Cow::Owned(clean) = palisade_secrets::redact(s) {
                *s = clean;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_strings),
        Value::Object(map) => map.values_mut().for_each(redact_strings),
        _ => {}
    }
}

fn spdx_id(i: usize, p: &Package) -> String {
    let clean: String = format!("{}-{}", p.name, p.version)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("SPDXRef-Package-{i}-{clean}")
}

/// An SPDX 2.3 JSON document.
pub fn spdx(packages: &[Package], meta: &SbomMeta) -> Value {
    let components: Vec<Component> = packages.iter().map(Component::of).collect();
    spdx_components(&components, Subject::Tree, meta)
}

/// An SPDX 2.3 JSON document for chosen components; an image subject gets a package of
/// purpose `CONTAINER` that contains the others, and its OS one of purpose
/// `OPERATING_SYSTEM`.
pub fn spdx_components(components: &[Component], subject: Subject, meta: &SbomMeta) -> Value {
    let comps = unique_components(components);
    let mut spdx_packages = vec![];
    let mut relationships = vec![];
    let container_id = "SPDXRef-Image";
    if let Subject::Image { os } = subject {
        relationships.push(json!({
            "spdxElementId": "SPDXRef-DOCUMENT",
            "relationshipType": "DESCRIBES",
            "relatedSpdxElement": container_id,
        }));
        spdx_packages.push(json!({
            "SPDXID": container_id,
            "name": meta.subject,
            "downloadLocation": "NOASSERTION",
            "filesAnalyzed": false,
            "primaryPackagePurpose": "CONTAINER",
            "licenseConcluded": "NOASSERTION",
            "licenseDeclared": "NOASSERTION",
            "copyrightText": "NOASSERTION",
        }));
        if let Some(os) = os {
            let os_id = "SPDXRef-OperatingSystem";
            spdx_packages.push(json!({
                "SPDXID": os_id,
                "name": os.id,
                "versionInfo": os.version,
                "description": os.description,
                "downloadLocation": "NOASSERTION",
                "filesAnalyzed": false,
                "primaryPackagePurpose": "OPERATING_SYSTEM",
                "licenseConcluded": "NOASSERTION",
                "licenseDeclared": "NOASSERTION",
                "copyrightText": "NOASSERTION",
            }));
            relationships.push(json!({
                "spdxElementId": container_id,
                "relationshipType": "CONTAINS",
                "relatedSpdxElement": os_id,
            }));
        }
    }
    for (i, c) in comps.iter().enumerate() {
        let p = c.package;
        let id = spdx_id(i, p);
        relationships.push(match subject {
            Subject::Tree => json!({
                "spdxElementId": "SPDXRef-DOCUMENT",
                "relationshipType": "DESCRIBES",
                "relatedSpdxElement": id,
            }),
            Subject::Image { .. } => json!({
                "spdxElementId": container_id,
                "relationshipType": "CONTAINS",
                "relatedSpdxElement": id,
            }),
        });
        let mut source_info = format!("declared in {}", declared_in(p));
        if let Some(layer) = &p.layer {
            source_info.push_str(&format!(", layer {layer}"));
        }
        let mut package = json!({
            "SPDXID": id,
            "name": p.name,
            "versionInfo": p.version,
            "downloadLocation": "NOASSERTION",
            "filesAnalyzed": false,
            "licenseConcluded": "NOASSERTION",
            "licenseDeclared": "NOASSERTION",
            "copyrightText": "NOASSERTION",
            "sourceInfo": source_info,
            "externalRefs": [{
                "referenceCategory": "PACKAGE-MANAGER",
                "referenceType": "purl",
                "referenceLocator": c.purl,
            }],
        });
        if let Some(l) = c.license.as_deref().filter(|l| !l.trim().is_empty()) {
            // Distribution licence fields are free text, not always SPDX expressions.
            package["licenseComments"] = json!(format!("declared licence: {l}"));
        }
        if !c.properties.is_empty() {
            package["comment"] = json!(c
                .properties
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; "));
        }
        spdx_packages.push(package);
    }
    let ns_seed: String = meta
        .subject
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    let mut doc = json!({
        "spdxVersion": "SPDX-2.3",
        "dataLicense": "CC0-1.0",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": format!("palisade-sbom-{}", meta.subject),
        "documentNamespace": format!("https://palisade.invalid/spdx/{}-{}", if ns_seed.is_empty() { "target".to_string() } else { ns_seed }, meta.timestamp.replace(':', "")),
        "creationInfo": {
            "created": meta.timestamp,
            "creators": [format!("Tool: palisade-{}", meta.tool_version)],
        },
        "packages": spdx_packages,
        "relationships": relationships,
    });
    redact_strings(&mut doc);
    doc
}
