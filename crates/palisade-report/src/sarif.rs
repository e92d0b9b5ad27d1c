//! SARIF 2.1.0, as read by GitHub and GitLab code scanning.

use std::collections::BTreeMap;

use palisade_core::{Finding, RuleRegistry, ScanReport, Severity};
use serde_json::{json, Value};

use crate::{fingerprint, ReportError};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub's `security-severity` property: a CVSS-like score per severity band.
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

fn rule_descriptor(id: &str, example: &Finding, rules: &RuleRegistry) -> Value {
    match rules.get(id) {
        Some(meta) => {
            let mut d = json!({
                "id": meta.id,
                "name": meta.title,
                "shortDescription": {"text": meta.title},
                "fullDescription": {"text": meta.section("What it checks").unwrap_or_default()},
                "help": {
                    "text": format!(
                        "{}\n\nFix: {}",
                        meta.section("Why it matters").unwrap_or_default(),
                        meta.section("Fix").unwrap_or_default()
                    ),
                    "markdown": meta.doc_text(),
                },
                "defaultConfiguration": {"level": level(meta.severity)},
                "properties": {
                    "tags": ["security", meta.practice.code()],
                    "security-severity": security_severity(meta.severity),
                },
            });
            if let Some(url) = meta.references().first() {
                d["helpUri"] = json!(url);
            }
            d
        }
        None => json!({
            "id": id,
            "name": example.title,
            "shortDescription": {"text": example.title},
            "defaultConfiguration": {"level": level(example.severity)},
            "properties": {
                "tags": ["security", example.practice.code()],
                "security-severity": security_severity(example.severity),
            },
        }),
    }
}

fn result(f: &Finding, index: usize) -> Value {
    let mut physical = json!({
        "artifactLocation": {"uri": uri(&f.location.path)},
    });
    if let Some(line) = f.location.line.filter(|l| *l > 0) {
        let mut region = json!({"startLine": line});
        if let Some(col) = f.location.column.filter(|c| *c > 0) {
            region["startColumn"] = json!(col);
        }
        physical["region"] = region;
    }
    let mut location = json!({"physicalLocation": physical});
    if let Some(resource) = &f.location.resource {
        location["logicalLocations"] = json!([{"fullyQualifiedName": resource}]);
    }
    let mut r = json!({
        "ruleId": f.rule_id,
        "ruleIndex": index,
        "level": level(f.severity),
        "message": {"text": f.message},
        "locations": [location],
        "partialFingerprints": {"palisade/v1": fingerprint(f)},
        "properties": {"severity": f.severity.as_str(), "practice": f.practice.code()},
    });
    if let Some(rendered) = &f.location.rendered {
        r["properties"]["renderedFrom"] = json!(rendered.to_string());
    }
    if let Some(by) = &f.suppressed {
        let kind = match by.as_ref() {
            palisade_core::SuppressedBy::Config { .. } => "external",
            _ => "inSource",
        };
        r["suppressions"] = json!([{"kind": kind, "justification": by.reason()}]);
    }
    r
}

/// A relative path as a URI reference (forward slashes, spaces and `%` escaped).
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.replace('\\', "/").chars() {
        match c {
            ' ' => out.push_str("%20"),
            '%' => out.push_str("%25"),
            '#' => out.push_str("%23"),
            '?' => out.push_str("%3F"),
            c => out.push(c),
        }
    }
    out
}

pub fn render(report: &ScanReport, rules: &RuleRegistry) -> Result<String, ReportError> {
    let all: Vec<&Finding> = report
        .findings
        .iter()
        .chain(report.suppressed.iter())
        .collect();
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    let mut descriptors = Vec::new();
    for f in &all {
        if !index.contains_key(f.rule_id.as_ref()) {
            index.insert(&f.rule_id, descriptors.len());
            descriptors.push(rule_descriptor(&f.rule_id, f, rules));
        }
    }
    let results: Vec<Value> = all
        .iter()
        .map(|f| result(f, index[f.rule_id.as_ref()]))
        .collect();
    let notifications: Vec<Value> = report
        .errors
        .iter()
        .map(|e| {
            let mut n = json!({
                "level": "error",
                "message": {"text": e.message},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri(&e.path)}}}],
            });
            if let Some(line) = e.line.filter(|l| *l > 0) {
                n["locations"][0]["physicalLocation"]["region"] = json!({"startLine": line});
            }
            n
        })
        .collect();
    let doc = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "palisade",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": descriptors,
            }},
            "invocations": [{
                "executionSuccessful": report.errors.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
        }],
    });
    let mut out = serde_json::to_string_pretty(&doc)?;
    out.push('\n');
    Ok(out)
}
