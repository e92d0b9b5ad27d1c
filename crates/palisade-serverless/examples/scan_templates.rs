//! Scans files or directories with the serverless rules alone and prints one line per
//! finding (`path:line rule severity resource message`), for trying rules on templates
//! without the rest of `palisade scan`:
//! `cargo run -p palisade-serverless --example scan_templates -- DIR`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use palisade_serverless::{
    detect, scan_template, ServerlessSettings, TemplateKind, TerraformProject,
};

fn main() {
    let settings = ServerlessSettings::default();
    let mut files = Vec::new();
    let mut stack: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    while let Some(p) = stack.pop() {
        if p.is_dir() {
            if let Ok(rd) = std::fs::read_dir(&p) {
                stack.extend(rd.flatten().map(|e| e.path()));
            }
        } else {
            files.push(p);
        }
    }
    files.sort();
    let mut modules: BTreeMap<PathBuf, Vec<(String, String)>> = BTreeMap::new();
    let mut findings = Vec::new();
    let mut errors = Vec::new();
    for f in files {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        let path = f.to_string_lossy().to_string();
        match detect(&path, &text) {
            Some(TemplateKind::TerraformHcl | TemplateKind::TerraformJson) => modules
                .entry(f.parent().map(|p| p.to_path_buf()).unwrap_or_default())
                .or_default()
                .push((path, text)),
            Some(_) => {
                let s = scan_template(&path, &text, &settings);
                findings.extend(s.findings);
                errors.extend(s.errors);
            }
            None => {}
        }
    }
    // Terraform folders as one project, so local module calls are followed.
    let mut project = TerraformProject::default();
    for (p, t) in modules.values().flatten() {
        project.add_file(p, t);
    }
    for root in project.roots() {
        let s = project.scan_root(root, &settings);
        findings.extend(s.findings);
        errors.extend(s.errors);
        for w in s.warnings {
            eprintln!("warning: {w}");
        }
    }
    for f in &findings {
        println!(
            "{}:{} {} {} {} {}",
            f.location.path,
            f.location.line.unwrap_or(0),
            f.rule_id,
            f.severity,
            f.location.resource.as_deref().unwrap_or("-"),
            f.message
        );
    }
    for e in &errors {
        eprintln!("error: {e}");
    }
}
