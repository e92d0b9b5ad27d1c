//! The cross-object Kubernetes pass of a scan (RBAC graph, NetworkPolicy reachability):
//! what each manifest file contributes once its tree is dropped, and the rules over the
//! whole set, suppressed through the same markers and annotations as per-object rules.

use std::collections::HashMap;
use std::sync::Arc;

use palisade_core::{Config, Finding, InlineIgnores, ObjectMarkers, ScanError, SuppressedBy};
use palisade_iac::kubernetes::ManifestFile;
use palisade_netpol::NetworkBuilder;
use palisade_rbac::RbacBuilder;

/// Findings of the cross-object rules, split by inline suppressions.
#[derive(Default)]
pub struct Outcome {
    pub findings: Vec<Finding>,
    pub suppressed: Vec<Finding>,
    pub errors: Vec<ScanError>,
}

/// Network options from `[kubernetes]` of palisade.toml; a bad value is an error.
pub fn network_options(config: &Config) -> Result<palisade_netpol::Options, ScanError> {
    palisade_netpol::Options::from_table(&config.kubernetes).map_err(|e| {
        ScanError::new(
            config
                .source
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| "palisade.toml".into()),
            None,
            format!("{e}; the default cluster CIDRs are used"),
        )
    })
}

/// What the cross-object analyses keep of one manifest file once its tree is dropped: the
/// RBAC and network facts of its objects, and what inline suppression needs (its ignore
/// markers and where each object starts).
pub struct FileFacts {
    path: Arc<str>,
    ignores: InlineIgnores,
    /// The file's objects in order: where each starts and what silences it.
    objects: Vec<ObjectMarkers>,
    rbac: RbacBuilder,
    network: NetworkBuilder,
}

impl FileFacts {
    pub fn of(file: &ManifestFile) -> FileFacts {
        let mut rbac = RbacBuilder::default();
        let mut network = NetworkBuilder::default();
        for obj in &file.objects {
            rbac.add(obj);
            network.add(obj);
        }
        FileFacts {
            path: file.path.clone(),
            ignores: file.ignores.clone(),
            objects: if file.ignores.is_empty()
                && file
                    .objects
                    .iter()
                    .all(|o| o.ignored_rules().next().is_none())
            {
                Vec::new()
            } else {
                file.objects.iter().map(|o| o.markers()).collect()
            },
            rbac,
            network,
        }
    }
}

/// The facts of every manifest file of a scan, added in file order.
#[derive(Default)]
pub struct ScanFacts {
    rbac: RbacBuilder,
    network: NetworkBuilder,
    /// Path → (inline ignore markers, the objects in order), for files with any marker or
    /// annotation.
    files: HashMap<Arc<str>, (InlineIgnores, Vec<ObjectMarkers>)>,
}

impl ScanFacts {
    pub fn add(&mut self, facts: FileFacts) {
        self.rbac.merge(facts.rbac);
        self.network.merge(facts.network);
        if !facts.objects.is_empty() {
            self.files
                .insert(facts.path, (facts.ignores, facts.objects));
        }
    }

    /// Runs the RBAC and NetworkPolicy rules over every object of the scan.
    pub fn check(self, config: &Config) -> Outcome {
        let mut out = Outcome::default();
        let options = network_options(config).unwrap_or_else(|e| {
            out.errors.push(e);
            palisade_netpol::Options::default()
        });
        let rbac = palisade_rbac::check_model(&self.rbac.finish());
        let net = palisade_netpol::check_model(&self.network.finish(), &options);
        out.errors.extend(rbac.errors);
        out.errors.extend(net.errors);
        for mut f in rbac.findings.into_iter().chain(net.findings) {
            match inline_suppression(&self.files, &f) {
                Some(by) => {
                    f.suppressed = Some(Box::new(by));
                    out.suppressed.push(f);
                }
                None => out.findings.push(f),
            }
        }
        out
    }
}

/// A `# palisade:ignore RULE` comment on the finding's line or above its object, or the
/// object's `palisade.dev/ignore` annotation. A finding belongs to the last object that
/// starts at or before its line.
fn inline_suppression(
    files: &HashMap<Arc<str>, (InlineIgnores, Vec<ObjectMarkers>)>,
    f: &Finding,
) -> Option<SuppressedBy> {
    let (ignores, objects) = files.get(f.location.path.as_str())?;
    let object = f.location.line.and_then(|line| {
        objects
            .iter()
            .filter(|o| o.start_line <= line)
            .max_by_key(|o| o.start_line)
    });
    palisade_core::suppression(ignores, object, f)
}
