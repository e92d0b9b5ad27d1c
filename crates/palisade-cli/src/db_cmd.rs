//! `palisade db update|import|status` and `palisade sbom PATH` (the packages of a tree's
//! lockfiles and Java archives).

use std::path::PathBuf;

use anyhow::Context;
use palisade_vuln::db::{self, Database};

use crate::cli::{DbCommand, SbomArgs, SbomFormat};

fn db_path(given: &Option<PathBuf>) -> PathBuf {
    given.clone().unwrap_or_else(db::default_path)
}

pub fn run(cmd: DbCommand) -> anyhow::Result<u8> {
    match cmd {
        DbCommand::Update(args) => {
            let path = db_path(&args.db.db);
            let mut opts = palisade_vuln::update::UpdateOptions {
                progress: !args.quiet,
                ..Default::default()
            };
            if let Some(url) = args.base_url {
                opts.base_url = url;
            }
            if !args.ecosystems.is_empty() {
                opts.ecosystems = args.ecosystems;
            }
            let report = palisade_vuln::update::update(&path, &opts)?;
            if report.unchanged {
                crate::emit(&format!("{}: up to date\n", path.display()))?;
            } else {
                crate::emit(&format!(
                    "{}: {} advisories from {} ({} skipped)\n",
                    path.display(),
                    report.stats.imported,
                    report.downloaded.join(", "),
                    report.stats.warnings.len()
                ))?;
                if !args.quiet {
                    for w in report.stats.warnings.iter().take(20) {
                        eprintln!(
                            "warning: {}",
                            palisade_core::text::printable(&w.to_string())
                        );
                    }
                }
            }
            Ok(0)
        }
        DbCommand::Import(args) => {
            let path = db_path(&args.db.db);
            // built beside the current file and renamed over it: a killed import leaves
            // the previous database as it was
            let stats = db::import_atomically(&path, &args.source)
                .with_context(|| format!("importing {}", args.source.display()))?;
            for w in stats.warnings.iter().take(50) {
                eprintln!(
                    "warning: {}",
                    palisade_core::text::printable(&w.to_string())
                );
            }
            crate::emit(&format!(
                "{}: imported {} advisories ({} withdrawn, {} skipped with warnings)\n",
                path.display(),
                stats.imported,
                stats.withdrawn,
                stats.warnings.len()
            ))?;
            Ok(0)
        }
        DbCommand::Status(args) => {
            let path = db_path(&args.db);
            let db = Database::open(&path)?;
            let mut text = db.status()?.to_string();
            if let Some(age) = db.age_days() {
                text.push_str(&format!("age:        {age} days\n"));
            }
            crate::emit(&text)?;
            Ok(0)
        }
    }
}

pub fn sbom(args: SbomArgs) -> anyhow::Result<u8> {
    if crate::image_cmd::sbom_target_is_image(&args) {
        return crate::image_cmd::sbom(args);
    }
    let engine = palisade_engine::Engine::new(palisade_engine::Settings::default())?;
    let inventory = engine.inventory(std::slice::from_ref(&args.path));
    for w in &inventory.warnings {
        eprintln!("warning: {}", palisade_core::text::printable(w));
    }
    for e in &inventory.errors {
        eprintln!("error: {e}");
    }
    let (packages, errors) = (inventory.packages, inventory.errors);
    let meta = palisade_sbom::SbomMeta::now(args.path.display().to_string());
    let doc = match args.format {
        SbomFormat::Cyclonedx => palisade_sbom::cyclonedx(&packages, &meta),
        SbomFormat::SpdxJson => palisade_sbom::spdx(&packages, &meta),
    };
    let text = serde_json::to_string_pretty(&doc)? + "\n";
    match &args.output {
        Some(p) => {
            std::fs::write(p, text).with_context(|| format!("cannot write {}", p.display()))?
        }
        None => crate::emit(&text)?,
    }
    Ok(if errors.is_empty() {
        0
    } else {
        crate::EXIT_ERROR
    })
}
