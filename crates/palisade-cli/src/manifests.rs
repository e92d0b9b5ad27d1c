//! The Kubernetes objects that `rbac` and `netpol` answer questions about, read from
//! manifests by the engine or from a live cluster's API, and how those commands print
//! their answer: problems on standard error, above the answer, with a note that the answer
//! rests on partial input, and exit status 2.

use std::path::{Path, PathBuf};

use clap::Args;
use palisade_core::Config;
use palisade_iac::kubernetes::ManifestFile;

use crate::cluster_cmd::Connection;

/// Where the objects of a question come from: manifests, or with `--cluster` the live
/// cluster.
#[derive(Debug, Args)]
pub struct Input {
    /// Manifests to read (files or directories).
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,

    /// Ask the live cluster instead of manifests: its objects are listed through its API,
    /// like `palisade cluster` does (only the kinds this question needs). Manifest paths
    /// cannot be given with it. A resource that cannot be listed (forbidden, no answer) is
    /// an error naming it and the permission needed, and the exit status is 2.
    #[arg(long, conflicts_with = "paths")]
    pub cluster: bool,

    #[command(flatten)]
    pub connection: Connection,
}

/// Manifests, the configuration beside them, and what could not be read.
pub struct Loaded {
    pub manifests: Vec<ManifestFile>,
    pub config: Config,
    pub problems: Vec<String>,
    /// What was read, for messages: `3 files read`, `12 objects read from https://...`.
    pub read: String,
}

/// Reads the objects of `input`: the manifests under its paths, or with `--cluster` the
/// objects of the kinds named in `kinds` (`Role`, `Pod`), listed from the live cluster.
pub fn load(input: &Input, kinds: &[&str]) -> anyhow::Result<Loaded> {
    if input.cluster {
        return load_live(&input.connection, kinds);
    }
    if let Some(flag) = input.connection.first_given() {
        anyhow::bail!("{flag} is an option of the live cluster: add --cluster");
    }
    let paths = &input.paths;
    let engine = crate::scan::manifest_engine(paths)?;
    let set = engine.load_manifests(paths);
    let config = palisade_engine::load_config(None, paths)?;
    Ok(Loaded {
        manifests: set.manifests,
        config,
        problems: set.errors.iter().map(ToString::to_string).collect(),
        read: plural(set.files, "file") + " read",
    })
}

/// The live cluster's objects of `kinds`; pods, ReplicaSets and Jobs whose controller
/// was read count through it, as in `palisade cluster`.
fn load_live(connection: &Connection, kinds: &[&str]) -> anyhow::Result<Loaded> {
    let options = connection.options(&[], palisade_cluster::kinds_named(kinds));
    let collected = palisade_cluster::collect(&options)?;
    let mut objects = collected.objects;
    palisade_engine::judge_through_controllers(&mut objects);
    let problems = collected
        .problems
        .iter()
        // An API the cluster does not serve holds no objects.
        .filter(|p| p.kind != palisade_cluster::ProblemKind::NotServed)
        .map(|p| palisade_core::text::printable(&p.to_string()).into_owned())
        .collect();
    Ok(Loaded {
        manifests: palisade_engine::manifests_from_objects(&objects),
        config: palisade_engine::load_config(None, &[])?,
        problems,
        read: format!(
            "{} read from {}",
            plural(objects.len(), "object"),
            collected.server
        ),
    })
}

fn plural(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// Prints the problems of the input to standard error (never silenced) and answers the
/// exit status the command ends with: 2 when the answer rests on partial input.
pub fn report_problems(problems: &[String]) -> u8 {
    if problems.is_empty() {
        return 0;
    }
    for p in problems {
        eprintln!("error: {p}");
    }
    eprintln!(
        "note: the answer below is based on partial input: {} problem{} above",
        problems.len(),
        if problems.len() == 1 { "" } else { "s" }
    );
    crate::EXIT_ERROR
}

/// Writes `text` to `output` or standard output (a closed pipe is not an error).
pub fn emit(text: &str, output: Option<&Path>) -> anyhow::Result<()> {
    match output {
        Some(path) => std::fs::write(path, text)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display())),
        None => crate::emit(text),
    }
}
