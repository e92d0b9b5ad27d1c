//! `palisade rules` and `palisade rule ID`.

use anyhow::bail;

use crate::cli::{RuleArgs, RulesArgs, RulesFormat};

pub fn list(args: RulesArgs) -> anyhow::Result<u8> {
    let registry = crate::registry();
    let selected: Vec<_> = registry
        .iter()
        .filter(|r| args.practice.is_empty() || args.practice.contains(&r.practice))
        .collect();
    match args.format {
        RulesFormat::Markdown => print!("{}", registry.to_markdown()),
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
            println!("{}", serde_json::to_string_pretty(&rows)?);
        }
        RulesFormat::Table => {
            for r in &selected {
                let profile = r.profile.map(|p| format!(" ({p})")).unwrap_or_default();
                println!(
                    "{:<8} {:<4} {:<8} {}{}",
                    r.id,
                    r.practice.code(),
                    r.severity.as_str(),
                    r.title,
                    profile
                );
            }
            println!("\n{} rules", selected.len());
        }
    }
    Ok(0)
}

pub fn show(args: RuleArgs) -> anyhow::Result<u8> {
    let registry = crate::registry();
    let Some(rule) = registry.get(&args.id) else {
        bail!(
            "no rule {}; `palisade rules` lists the {} known rules",
            args.id,
            registry.len()
        );
    };
    println!("{} — {}", rule.id, rule.title);
    print!(
        "practice: {} ({}) · default severity: {}",
        rule.practice.code(),
        rule.practice.name(),
        rule.severity
    );
    if let Some(p) = rule.profile {
        print!(" · Pod Security Standards: {p}");
    }
    println!("\n\n{}", rule.doc_text());
    Ok(0)
}
