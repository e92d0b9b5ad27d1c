//! Pictures of the reachability matrix: Graphviz DOT, and one self-contained HTML page
//! (inline SVG graph and the matrix as a table; no scripts or styles fetched from anywhere).

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::engine::{Endpoint, Engine, PortSet};

/// Above this many endpoints the HTML page shows the graph and a list instead of a grid.
const MAX_GRID: usize = 150;

fn dot_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

pub(crate) fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Whether an edge is worth drawing: a pod does not need an arrow to itself.
fn drawn(s: usize, d: usize) -> bool {
    s != d
}

/// Graphviz: one cluster per namespace, the internet apart, an edge per allowed pair
/// labelled with its ports.
pub fn to_dot(e: &Engine, matrix: &[Vec<(usize, PortSet)>]) -> String {
    let mut out = String::from("digraph reachability {\n  rankdir=LR;\n  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n");
    let mut by_ns: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, ep) in e.endpoints.iter().enumerate() {
        match ep.namespace() {
            Some(ns) => by_ns.entry(ns).or_default().push(i),
            None => {
                let _ = writeln!(out, "  n{i} [label=\"internet\", shape=ellipse, style=filled, fillcolor=\"#fde2e2\"];");
            }
        }
    }
    for (k, (ns, eps)) in by_ns.iter().enumerate() {
        let _ = writeln!(
            out,
            "  subgraph cluster_{k} {{\n    label=\"namespace {}\";",
            dot_escape(ns)
        );
        for &i in eps {
            let style = match e.endpoints[i] {
                Endpoint::AnyPodIn { .. } => ", style=\"rounded,dashed\"",
                _ => "",
            };
            let _ = writeln!(
                out,
                "    n{i} [label=\"{}\"{style}];",
                dot_escape(&e.endpoints[i].label())
            );
        }
        out.push_str("  }\n");
    }
    for (s, row) in matrix.iter().enumerate() {
        for (d, ports) in row {
            if !drawn(s, *d) {
                continue;
            }
            match ports {
                PortSet::All => {
                    let _ = writeln!(out, "  n{s} -> n{d};");
                }
                p => {
                    let _ = writeln!(
                        out,
                        "  n{s} -> n{d} [label=\"{}\"];",
                        dot_escape(&p.to_string())
                    );
                }
            }
        }
    }
    out.push_str("}\n");
    out
}

/// A single HTML file with the graph (SVG) and the matrix.
pub fn to_html(e: &Engine, matrix: &[Vec<(usize, PortSet)>]) -> String {
    let n = e.endpoints.len();
    // Namespaces on a large circle, their endpoints on a small circle around each centre.
    let mut by_ns: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, ep) in e.endpoints.iter().enumerate() {
        by_ns
            .entry(
                ep.namespace()
                    .map(str::to_string)
                    .unwrap_or_else(|| "(outside the cluster)".into()),
            )
            .or_default()
            .push(i);
    }
    let groups = by_ns.len().max(1) as f64;
    let big = 120.0 + 60.0 * groups;
    let size = 2.0 * big + 400.0;
    let c = size / 2.0;
    let mut pos = vec![(0.0f64, 0.0f64); n];
    let mut ns_labels = String::new();
    for (k, (ns, eps)) in by_ns.iter().enumerate() {
        let a = std::f64::consts::TAU * k as f64 / groups;
        let (cx, cy) = (c + big * a.cos(), c + big * a.sin());
        let small = 30.0 + 12.0 * eps.len() as f64;
        for (j, &i) in eps.iter().enumerate() {
            let b = std::f64::consts::TAU * j as f64 / eps.len() as f64;
            pos[i] = if eps.len() == 1 {
                (cx, cy)
            } else {
                (cx + small * b.cos(), cy + small * b.sin())
            };
        }
        let _ = write!(
            ns_labels,
            "<text class=\"ns\" x=\"{:.0}\" y=\"{:.0}\">{}</text>",
            cx,
            cy - small - 18.0,
            html_escape(ns)
        );
    }
    let mut edges = String::new();
    for (s, row) in matrix.iter().enumerate() {
        for (d, ports) in row {
            if !drawn(s, *d) {
                continue;
            }
            let (x1, y1) = pos[s];
            let (x2, y2) = pos[*d];
            let _ = write!(
                edges,
                "<line x1=\"{x1:.0}\" y1=\"{y1:.0}\" x2=\"{x2:.0}\" y2=\"{y2:.0}\" marker-end=\"url(#arrow)\"><title>{} → {}: {}</title></line>",
                html_escape(&e.endpoints[s].label()),
                html_escape(&e.endpoints[*d].label()),
                html_escape(&ports.to_string())
            );
        }
    }
    let mut nodes = String::new();
    for (i, ep) in e.endpoints.iter().enumerate() {
        let (x, y) = pos[i];
        let class = match ep {
            Endpoint::Pods { .. } => "pods",
            Endpoint::AnyPodIn { .. } => "any",
            Endpoint::Internet => "internet",
        };
        let _ = write!(
            nodes,
            "<g class=\"node {class}\"><circle cx=\"{x:.0}\" cy=\"{y:.0}\" r=\"9\"/><text x=\"{:.0}\" y=\"{:.0}\">{}</text></g>",
            x + 12.0,
            y + 4.0,
            html_escape(&ep.label())
        );
    }
    let mut table = String::new();
    if n <= MAX_GRID {
        table.push_str("<table class=\"matrix\"><thead><tr><th>from \\ to</th>");
        for ep in &e.endpoints {
            let _ = write!(table, "<th><span>{}</span></th>", html_escape(&ep.label()));
        }
        table.push_str("</tr></thead><tbody>");
        for (s, row) in matrix.iter().enumerate() {
            let cells: BTreeMap<usize, &PortSet> = row.iter().map(|(d, p)| (*d, p)).collect();
            let _ = write!(
                table,
                "<tr><th>{}</th>",
                html_escape(&e.endpoints[s].label())
            );
            for d in 0..n {
                match cells.get(&d) {
                    Some(PortSet::All) => table.push_str("<td class=\"all\">all</td>"),
                    Some(p) => {
                        let _ = write!(
                            table,
                            "<td class=\"some\">{}</td>",
                            html_escape(&p.to_string())
                        );
                    }
                    None => table.push_str("<td class=\"none\">·</td>"),
                }
            }
            table.push_str("</tr>");
        }
        table.push_str("</tbody></table>");
    } else {
        let _ = write!(table, "<p>{n} endpoints: the grid is left out above {MAX_GRID}; allowed pairs are listed instead.</p><ul class=\"pairs\">");
        for (s, row) in matrix.iter().enumerate() {
            for (d, p) in row {
                let _ = write!(
                    table,
                    "<li>{} → {}: {}</li>",
                    html_escape(&e.endpoints[s].label()),
                    html_escape(&e.endpoints[*d].label()),
                    html_escape(&p.to_string())
                );
            }
        }
        table.push_str("</ul>");
    }
    let allowed: usize = matrix.iter().map(Vec::len).sum();
    format!(
        r##"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Palisade — network reachability</title>
<style>
body{{font-family:system-ui,sans-serif;margin:1.5rem;color:#1d232a}}
h1{{font-size:1.4rem}} .legend span{{margin-right:1.2rem}}
svg line{{stroke:#7a8ca3;stroke-opacity:.45;stroke-width:1.2}}
svg .node circle{{fill:#3b82f6}} svg .any circle{{fill:#fff;stroke:#3b82f6;stroke-dasharray:3 2}} svg .internet circle{{fill:#dc2626}}
svg text{{font-size:12px}} svg text.ns{{font-weight:600;text-anchor:middle;fill:#475569}}
table.matrix{{border-collapse:collapse;font-size:12px;margin-top:1rem}}
.matrix th,.matrix td{{border:1px solid #d6dde6;padding:2px 5px;text-align:center}}
.matrix thead th span{{writing-mode:vertical-rl;transform:rotate(180deg)}}
td.all{{background:#fee2e2}} td.some{{background:#fef9c3}} td.none{{color:#94a3b8}}
</style></head><body>
<h1>Network reachability</h1>
<p>{endpoints} endpoints, {allowed} allowed directed pairs under the scanned NetworkPolicies. Pods with the same namespace, labels and ports are one endpoint; <em>ns/*</em> is any new pod of the namespace; <em>internet</em> is every address outside the cluster CIDRs.</p>
<p class="legend"><span>● pods</span><span>◌ any pod in namespace</span><span style="color:#dc2626">● internet</span></p>
<svg xmlns="http://www.w3.org/2000/svg" width="{size:.0}" height="{size:.0}" viewBox="0 0 {size:.0} {size:.0}">
<defs><marker id="arrow" viewBox="0 0 10 10" refX="18" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#7a8ca3"/></marker></defs>
{edges}{nodes}{ns_labels}
</svg>
<h2>Matrix</h2>
{table}
</body></html>
"##,
        endpoints = n
    )
}

/// Above this many endpoints the table is a list of allowed pairs instead of a grid.
const MAX_TEXT_GRID: usize = 30;

/// Terminal output: a grid for small clusters, one line per allowed pair otherwise.
pub fn to_table(e: &Engine, matrix: &[Vec<(usize, PortSet)>]) -> String {
    let n = e.endpoints.len();
    let labels: Vec<String> = e.endpoints.iter().map(Endpoint::label).collect();
    let mut out = String::new();
    if n <= MAX_TEXT_GRID {
        let _ = writeln!(
            out,
            "Reachability (rows: source, columns: destination; ports allowed, `-` none)"
        );
        for (i, l) in labels.iter().enumerate() {
            let _ = writeln!(out, "  [{i}] {l}");
        }
        let cell = |s: usize, d: usize| -> String {
            matrix[s]
                .iter()
                .find(|(x, _)| *x == d)
                .map(|(_, p)| p.to_string())
                .unwrap_or_else(|| "-".into())
        };
        let cells: Vec<Vec<String>> = (0..n)
            .map(|s| (0..n).map(|d| cell(s, d)).collect())
            .collect();
        let width = cells
            .iter()
            .flatten()
            .map(|c| c.len())
            .max()
            .unwrap_or(1)
            .max(3);
        let _ = write!(out, "{:>5} ", "");
        for d in 0..n {
            let _ = write!(out, " {:>width$}", format!("[{d}]"));
        }
        out.push('\n');
        for (s, row) in cells.iter().enumerate() {
            let _ = write!(out, "{:>5} ", format!("[{s}]"));
            for c in row {
                let _ = write!(out, " {c:>width$}");
            }
            out.push('\n');
        }
    } else {
        for (s, row) in matrix.iter().enumerate() {
            for (d, p) in row {
                let _ = writeln!(out, "{} -> {}  {p}", labels[s], labels[*d]);
            }
        }
    }
    out
}

/// JSON: the endpoints, and every allowed pair by endpoint index with its ports.
pub fn to_json(e: &Engine, matrix: &[Vec<(usize, PortSet)>]) -> String {
    let mut out = String::from("{\n  \"endpoints\": [");
    for (i, ep) in e.endpoints.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let mut v = serde_json::to_value(ep).unwrap_or_default();
        if let Some(m) = v.as_object_mut() {
            m.insert("index".into(), i.into());
            m.insert("label".into(), ep.label().into());
        }
        let _ = write!(out, "\n    {v}");
    }
    out.push_str("\n  ],\n  \"allowed\": [");
    let mut first = true;
    for (s, row) in matrix.iter().enumerate() {
        for (d, p) in row {
            if !first {
                out.push(',');
            }
            first = false;
            let _ = write!(
                out,
                "\n    {{\"from\": {s}, \"to\": {d}, \"ports\": \"{p}\"}}"
            );
        }
    }
    out.push_str("\n  ]\n}\n");
    out
}
