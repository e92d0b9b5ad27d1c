//! SBOM writers for Palisade: CycloneDX 1.5 JSON and SPDX 2.3 JSON documents from a
//! package inventory ([`palisade_vuln::Package`]).
//!
//! The same inventory comes from lockfiles in a source tree or from an image's package
//! databases; this crate only serialises it. It does not find packages and does not
//! match vulnerabilities.

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

/// Packages in a stable order with duplicates (same purl) removed; the first
/// declaration wins.
fn unique(packages: &[Package]) -> Vec<&Package> {
    let mut seen = std::collections::BTreeSet::new();
    let mut out: Vec<&Package> = packages.iter().filter(|p| seen.insert(p.purl())).collect();
    out.sort_by_key(|p| p.purl());
    out
}

/// A CycloneDX 1.5 JSON document.
pub fn cyclonedx(packages: &[Package], meta: &SbomMeta) -> Value {
    let components: Vec<Value> = unique(packages)
        .into_iter()
        .map(|p| {
            let mut props = vec![json!({"name": "palisade:ecosystem", "value": p.ecosystem})];
            let loc = match p.location.line {
                Some(l) => format!("{}:{l}", p.location.path),
                None => p.location.path.clone(),
            };
            props.push(json!({"name": "palisade:declared-in", "value": loc}));
            if let Some(d) = p.direct {
                props.push(json!({"name": "palisade:direct", "value": d.to_string()}));
            }
            if let Some(layer) = &p.layer {
                props.push(json!({"name": "palisade:layer", "value": layer}));
            }
            json!({
                "type": "library",
                "bom-ref": p.purl(),
                "name": p.name,
                "version": p.version,
                "purl": p.purl(),
                "properties": props,
            })
        })
        .collect();
    json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "version": 1,
        "metadata": {
            "timestamp": meta.timestamp,
            "tools": {"components": [{"type": "application", "name": "palisade", "version": meta.tool_version}]},
            "component": {"type": "application", "name": meta.subject, "bom-ref": "subject"},
        },
        "components": components,
    })
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
    let pkgs = unique(packages);
    let mut spdx_packages = vec![];
    let mut relationships = vec![];
    for (i, p) in pkgs.iter().enumerate() {
        let id = spdx_id(i, p);
        relationships.push(json!({
            "spdxElementId": "SPDXRef-DOCUMENT",
            "relationshipType": "DESCRIBES",
            "relatedSpdxElement": id,
        }));
        spdx_packages.push(json!({
            "SPDXID": id,
            "name": p.name,
            "versionInfo": p.version,
            "downloadLocation": "NOASSERTION",
            "filesAnalyzed": false,
            "licenseConcluded": "NOASSERTION",
            "licenseDeclared": "NOASSERTION",
            "copyrightText": "NOASSERTION",
            "sourceInfo": format!("declared in {}", match p.location.line { Some(l) => format!("{}:{l}", p.location.path), None => p.location.path.clone() }),
            "externalRefs": [{
                "referenceCategory": "PACKAGE-MANAGER",
                "referenceType": "purl",
                "referenceLocator": p.purl(),
            }],
        }));
    }
    let ns_seed: String = meta
        .subject
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    json!({
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
    })
}
