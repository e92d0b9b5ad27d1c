//! The human report: findings grouped by file, what each triggered rule means and how to
//! fix it, and a summary per practice and severity.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use anstyle::{AnsiColor, Effects, Style};
use palisade_core::{Finding, Practice, RuleRegistry, ScanReport, Severity};

use crate::RenderOptions;

struct Paint {
    color: bool,
}

impl Paint {
    fn paint(&self, style: Style, text: &str) -> String {
        if self.color {
            format!("{}{}{}", style.render(), text, style.render_reset())
        } else {
            text.to_string()
        }
    }

    fn severity(&self, s: Severity, text: &str) -> String {
        let style = match s {
            Severity::Critical => Style::new()
                .fg_color(Some(AnsiColor::Magenta.into()))
                .effects(Effects::BOLD),
            Severity::High => Style::new()
                .fg_color(Some(AnsiColor::Red.into()))
                .effects(Effects::BOLD),
            Severity::Medium => Style::new().fg_color(Some(AnsiColor::Yellow.into())),
            Severity::Low => Style::new().fg_color(Some(AnsiColor::Cyan.into())),
            Severity::Info => Style::new().effects(Effects::DIMMED),
        };
        self.paint(style, text)
    }

    fn bold(&self, text: &str) -> String {
        self.paint(Style::new().effects(Effects::BOLD), text)
    }

    fn dim(&self, text: &str) -> String {
        self.paint(Style::new().effects(Effects::DIMMED), text)
    }
}

fn write_findings(out: &mut String, p: &Paint, findings: &[&Finding]) {
    let mut by_file: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in findings {
        by_file.entry(&f.location.path).or_default().push(f);
    }
    for (path, list) in by_file {
        let _ = writeln!(out, "{}", p.bold(path));
        // the workloads that run an image, once under the image's findings
        let run_by: Vec<&str> = list[0]
            .evidence
            .iter()
            .filter_map(|e| e.label.strip_prefix(palisade_core::Evidence::RUN_BY))
            .collect();
        if !run_by.is_empty() {
            let _ = writeln!(out, "  {}", p.dim(&format!("run by {}", run_by.join(", "))));
        }
        let pos = |f: &Finding| match (f.location.line, f.location.column) {
            _ if f.location.field.is_some() => f.location.field.clone().unwrap_or_default(),
            (Some(l), Some(c)) => format!("{l}:{c}"),
            (Some(l), None) => l.to_string(),
            _ => "-".to_string(),
        };
        let pos_w = list.iter().map(|f| pos(f).len()).max().unwrap_or(1);
        let id_w = list.iter().map(|f| f.rule_id.len()).max().unwrap_or(6);
        for f in list {
            let sev = format!("{:<8}", f.severity.as_str().to_uppercase());
            let _ = write!(
                out,
                "  {:<pos_w$}  {}  {:<id_w$}  ",
                pos(f),
                p.severity(f.severity, &sev),
                f.rule_id,
            );
            if let Some(resource) = &f.location.resource {
                let _ = write!(out, "{}  ", p.dim(resource));
            }
            let _ = writeln!(out, "{}", f.message);
            if let Some(layer) = &f.location.layer {
                let _ = writeln!(out, "  {:pos_w$}  {}", "", p.dim(&format!("layer {layer}")));
            }
            if let Some(by) = &f.suppressed {
                let _ = writeln!(
                    out,
                    "  {:pos_w$}  {}",
                    "",
                    p.dim(&format!("suppressed: {}", by.reason()))
                );
            }
        }
        out.push('\n');
    }
}

fn write_rule_notes(out: &mut String, p: &Paint, report: &ScanReport, rules: &RuleRegistry) {
    let ids: BTreeSet<&str> = report.findings.iter().map(|f| f.rule_id.as_ref()).collect();
    let documented: Vec<_> = ids.iter().filter_map(|id| rules.get(id)).collect();
    if documented.is_empty() {
        return;
    }
    let _ = writeln!(out, "{}", p.bold("What the rules mean"));
    for meta in documented {
        let _ = writeln!(out, "  {} {}", p.bold(meta.id), meta.title);
        if let Some(why) = meta.section("Why it matters") {
            let _ = writeln!(out, "    why: {}", one_line(&why));
        }
        if let Some(fix) = meta.section("Fix") {
            let _ = writeln!(out, "    fix: {}", one_line(&fix));
        }
    }
    out.push('\n');
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The per-function view of serverless findings: one row per function (or shared role,
/// API, security group) with its counts, so a template's worst functions stand out.
fn write_function_summary(out: &mut String, p: &Paint, report: &ScanReport) {
    let serverless = |f: &Finding| {
        matches!(
            f.practice,
            Practice::Fn | Practice::Auth | Practice::Log | Practice::Cold
        ) && f.location.resource.is_some()
    };
    let mut rows: BTreeMap<(&str, &str), [usize; 5]> = BTreeMap::new();
    let resources: std::collections::BTreeSet<&str> = report
        .findings
        .iter()
        .filter(|f| serverless(f))
        .filter_map(|f| f.location.resource.as_deref())
        .collect();
    for f in &report.findings {
        let Some(resource) = f.location.resource.as_deref() else {
            continue;
        };
        if !resources.contains(resource) {
            continue;
        }
        let idx = Severity::ALL
            .iter()
            .position(|s| *s == f.severity)
            .unwrap_or(4);
        rows.entry((resource, &f.location.path)).or_default()[idx] += 1;
    }
    if rows.is_empty() {
        return;
    }
    let width = rows.keys().map(|(r, _)| r.len()).max().unwrap_or(8).max(8);
    let _ = writeln!(
        out,
        "{}",
        p.bold(&format!(
            "{:<width$}  critical  high  medium   low  info  file",
            "function"
        ))
    );
    for ((resource, path), c) in &rows {
        let _ = writeln!(
            out,
            "{resource:<width$}  {:>8}{:>6}{:>8}{:>6}{:>6}  {}",
            c[0],
            c[1],
            c[2],
            c[3],
            c[4],
            p.dim(path)
        );
    }
    out.push('\n');
}

fn write_summary(out: &mut String, p: &Paint, report: &ScanReport) {
    let mut counts: BTreeMap<Practice, [usize; 5]> = BTreeMap::new();
    for f in &report.findings {
        let idx = Severity::ALL
            .iter()
            .position(|s| *s == f.severity)
            .unwrap_or(4);
        counts.entry(f.practice).or_default()[idx] += 1;
    }
    if !counts.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            p.bold("practice                            critical  high  medium   low  info  total")
        );
        let mut totals = [0usize; 5];
        for (practice, c) in &counts {
            for (t, v) in totals.iter_mut().zip(c) {
                *t += v;
            }
            let label = format!("{:<4} {}", practice.code(), practice.name());
            let _ = writeln!(
                out,
                "{label:<36}{:>8}{:>6}{:>8}{:>6}{:>6}{:>7}",
                c[0],
                c[1],
                c[2],
                c[3],
                c[4],
                c.iter().sum::<usize>()
            );
        }
        let _ = writeln!(
            out,
            "{:<36}{:>8}{:>6}{:>8}{:>6}{:>6}{:>7}",
            "all",
            totals[0],
            totals[1],
            totals[2],
            totals[3],
            totals[4],
            totals.iter().sum::<usize>()
        );
        out.push('\n');
    }
    let files = match report.files_scanned {
        1 => "1 file".to_string(),
        n => format!("{n} files"),
    };
    let findings = match report.findings.len() {
        0 => "no findings".to_string(),
        1 => "1 finding".to_string(),
        n => format!("{n} findings"),
    };
    let _ = write!(out, "{files} scanned: {findings}");
    if !report.suppressed.is_empty() {
        let _ = write!(out, ", {} suppressed", report.suppressed.len());
    }
    if !report.errors.is_empty() {
        let _ = write!(
            out,
            ", {}",
            p.severity(
                Severity::High,
                &format!("{} could not be read", report.errors.len())
            )
        );
    }
    out.push('\n');
}

pub fn render(report: &ScanReport, rules: &RuleRegistry, options: RenderOptions) -> String {
    let p = Paint {
        color: options.color,
    };
    let mut out = String::new();
    let findings: Vec<&Finding> = report.findings.iter().collect();
    write_findings(&mut out, &p, &findings);
    if options.show_suppressed && !report.suppressed.is_empty() {
        let _ = writeln!(out, "{}", p.bold("Suppressed"));
        let suppressed: Vec<&Finding> = report.suppressed.iter().collect();
        write_findings(&mut out, &p, &suppressed);
    }
    write_rule_notes(&mut out, &p, report, rules);
    if !report.errors.is_empty() {
        let _ = writeln!(out, "{}", p.bold("Could not be read"));
        for e in &report.errors {
            let _ = writeln!(out, "  {e}");
        }
        out.push('\n');
    }
    for w in &report.warnings {
        let _ = writeln!(out, "{} {w}", p.severity(Severity::Medium, "warning:"));
    }
    write_function_summary(&mut out, &p, report);
    write_summary(&mut out, &p, report);
    out
}
