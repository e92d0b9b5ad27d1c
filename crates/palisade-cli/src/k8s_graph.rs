//! The cross-object Kubernetes analyses (RBAC graph, NetworkPolicy reachability) as part of
//! `palisade scan`, and the manifest loading shared by the `rbac` and `netpol` commands.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use palisade_core::{Config, Finding, InlineIgnores, ScanError, SuppressedBy};
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
    object_starts: Vec<u32>,
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
            object_starts: file.objects.iter().map(|o| o.start_line).collect(),
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
    /// Path → (inline ignore markers, start line of each object).
    files: HashMap<Arc<str>, (InlineIgnores, Vec<u32>)>,
}

impl ScanFacts {
    pub fn add(&mut self, facts: FileFacts) {
        self.rbac.merge(facts.rbac);
        self.network.merge(facts.network);
        if !facts.ignores.is_empty() {
            self.files
                .insert(facts.path, (facts.ignores, facts.object_starts));
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

/// A `# palisade:ignore RULE` comment on the finding's line or above its object.
fn inline_suppression(
    files: &HashMap<Arc<str>, (InlineIgnores, Vec<u32>)>,
    f: &Finding,
) -> Option<SuppressedBy> {
    let (ignores, object_starts) = files.get(f.location.path.as_str())?;
    let line = f.location.line?;
    if let Some(reason) = ignores.reason_for(&f.rule_id, line) {
        return Some(SuppressedBy::Inline {
            reason: reason.to_string(),
        });
    }
    let start = object_starts.iter().filter(|&&s| s <= line).max()?;
    ignores
        .block_reason_for(&f.rule_id, *start)
        .map(|reason| SuppressedBy::Inline {
            reason: reason.to_string(),
        })
}

/// palisade.toml at the first path (a directory) or next to it (a file), when present.
pub fn load_config(paths: &[PathBuf]) -> anyhow::Result<Config> {
    let root = paths.first().cloned().unwrap_or_else(|| PathBuf::from("."));
    let candidate = if root.is_dir() {
        root.join(palisade_core::config::CONFIG_FILE)
    } else {
        root.parent()
            .unwrap_or(Path::new("."))
            .join(palisade_core::config::CONFIG_FILE)
    };
    if candidate.is_file() {
        Ok(Config::load(&candidate)?)
    } else {
        Ok(Config::default())
    }
}

/// Loads the manifests under `paths`, printing input problems to standard error.
pub fn load(paths: &[PathBuf], quiet: bool) -> anyhow::Result<(Vec<ManifestFile>, Config)> {
    let config = load_config(paths)?;
    let (manifests, errors) = crate::scan::load_manifests(paths, &config)?;
    if !quiet {
        for e in errors {
            eprintln!("error: {e}");
        }
    }
    Ok((manifests, config))
}

/// Writes `text` to `output` or standard output (a closed pipe is not an error).
pub fn emit(text: &str, output: Option<&Path>) -> anyhow::Result<()> {
    use std::io::Write;
    match output {
        Some(path) => std::fs::write(path, text)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display())),
        None => {
            let mut stdout = std::io::stdout().lock();
            match stdout.write_all(text.as_bytes()) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
                _ => Ok(()),
            }
        }
    }
}
