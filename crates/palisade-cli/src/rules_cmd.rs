//! `palisade rules` and `palisade rule ID`.

use std::fmt::Write;

use anyhow::bail;

use crate::cli::{RuleArgs, RulesArgs, RulesFormat};

pub fn list(args: RulesArgs) -> anyhow::Result<u8> {
    let registry = palisade_engine::registry();
    let admission: Vec<&str> = if args.admission {
        palisade_server::admission_rules(args.cluster)
            .iter()
            .map(|r| r.id)
            .collect()
    } else {
        Vec::new()
    };
    let selected: Vec<_> = registry
        .iter()
        .filter(|r| args.practice.is_empty() || args.practice.contains(&r.practice))
        .filter(|r| !args.admission || admission.contains(&r.id))
        .collect();
    let mut out = String::new();
    match args.format {
        RulesFormat::Markdown => out.push_str(&registry.to_markdown()),
        RulesFormat::Json => {
            let rows: Vec<_> = selected
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "id": r.id,
                        "practice": r.practice.code(),
                        "severity": r.severity.as_str(),
                        "title": r.title,
                        "profile": r.profile,
                        "documentation": r.doc_text(),
                    })
                })
                .collect();
            writeln!(out, "{}", serde_json::to_string_pretty(&rows)?)?;
        }
        RulesFormat::Table => {
            for r in &selected {
                let profile = r.profile.map(|p| format!(" ({p})")).unwrap_or_default();
                writeln!(
                    out,
                    "{:<8} {:<4} {:<8} {}{}",
                    r.id,
                    r.practice.code(),
                    r.severity.as_str(),
                    r.title,
                    profile
                )?;
            }
            if args.admission && args.cluster {
                writeln!(
                    out,
                    "\n{} rules run at admission with `serve --cluster`, of which {} judge the object against the server's view of the cluster: {}",
                    selected.len(),
                    palisade_server::NEEDS_CLUSTER_VIEW.len(),
                    palisade_server::NEEDS_CLUSTER_VIEW.join(", ")
                )?;
            } else if args.admission {
                writeln!(
                    out,
                    "\n{} rules run at admission; {} need the rest of the cluster and run only with `serve --cluster`: {}",
                    selected.len(),
                    palisade_server::NEEDS_CLUSTER_VIEW.len(),
                    palisade_server::NEEDS_CLUSTER_VIEW.join(", ")
                )?;
            } else {
                writeln!(out, "\n{} rules", selected.len())?;
            }
        }
    }
    crate::emit(&out)?;
    Ok(0)
}

pub fn show(args: RuleArgs) -> anyhow::Result<u8> {
    let registry = palisade_engine::registry();
    let Some(rule) = registry.get(&args.id) else {
        bail!(
            "no rule {}; `palisade rules` lists the {} known rules",
            args.id,
            registry.len()
        );
    };
    let mut out = String::new();
    writeln!(out, "{} — {}", rule.id, rule.title)?;
    write!(
        out,
        "practice: {} ({}) · default severity: {}",
        rule.practice.code(),
        rule.practice.name(),
        rule.severity
    )?;
    if let Some(p) = rule.profile {
        write!(out, " · Pod Security Standards: {p}")?;
    }
    writeln!(out, "\n\n{}", rule.doc_text())?;
    crate::emit(&out)?;
    Ok(0)
}
