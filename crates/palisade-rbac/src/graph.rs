//! The RBAC graph as pictures: subjects → bindings → roles → sensitive permissions, in
//! Graphviz DOT and as one self-contained HTML page (inline SVG, no network fetches).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use crate::model::RbacModel;
use crate::rules::dangerous;

/// Which column a node sits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Column {
    Subject,
    Binding,
    Role,
    Permission,
}

/// The graph: nodes by column, edges between node indices.
#[derive(Debug, Default)]
pub struct RbacGraph {
    pub nodes: Vec<(Column, String)>,
    pub edges: BTreeSet<(usize, usize)>,
}

impl RbacGraph {
    /// Builds the graph from the scanned bindings and roles (built-in bindings left out).
    pub fn build(model: &RbacModel) -> RbacGraph {
        let mut g = RbacGraph::default();
        let mut index: BTreeMap<(Column, String), usize> = BTreeMap::new();
        let mut node = |g: &mut RbacGraph, col: Column, name: String| -> usize {
            *index.entry((col, name.clone())).or_insert_with(|| {
                g.nodes.push((col, name));
                g.nodes.len() - 1
            })
        };
        let dangers = dangerous();
        let mut roles: BTreeSet<usize> = (0..model.roles.len())
            .filter(|&r| !model.roles[r].origin.is_builtin())
            .collect();
        for b in model.bindings.iter().filter(|b| !b.origin.is_builtin()) {
            let bn = node(&mut g, Column::Binding, b.resource_id());
            for (s, _) in &b.subjects {
                let sn = node(&mut g, Column::Subject, s.to_string());
                g.edges.insert((sn, bn));
            }
            let role_name = match model.role_of(b) {
                Some(r) => {
                    roles.insert(r);
                    model.roles[r].resource_id()
                }
                None => format!("{} {} (missing)", b.role_kind.as_str(), b.role_name),
            };
            let rn = node(&mut g, Column::Role, role_name);
            g.edges.insert((bn, rn));
        }
        for r in roles {
            let role = &model.roles[r];
            let rules: Vec<_> = model
                .effective_rules(r)
                .iter()
                .map(|&x| model.rule(x))
                .collect();
            let mut perms: Vec<String> = Vec::new();
            if role.origin.is_builtin() && role.name == "cluster-admin" {
                perms.push("everything (cluster-admin)".into());
            } else {
                if rules.iter().any(|x| {
                    x.verbs
                        .iter()
                        .chain(&x.resources)
                        .chain(&x.api_groups)
                        .any(|v| v == "*")
                }) {
                    perms.push("wildcard (*)".into());
                }
                for d in &dangers {
                    if rules.iter().any(|x| (d.test)(x)) {
                        perms.push(d.what.split(" (").next().unwrap_or(d.what).to_string());
                    }
                }
            }
            if perms.is_empty()
                && !g
                    .nodes
                    .iter()
                    .any(|(c, n)| *c == Column::Role && *n == role.resource_id())
            {
                continue;
            }
            let rn = node(&mut g, Column::Role, role.resource_id());
            for p in perms {
                let pn = node(&mut g, Column::Permission, p);
                g.edges.insert((rn, pn));
            }
        }
        g
    }

    pub fn to_dot(&self) -> String {
        let esc = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"");
        let mut out =
            String::from("digraph rbac {\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n");
        for (col, shape, color) in [
            (Column::Subject, "ellipse", "#dbeafe"),
            (Column::Binding, "box", "#f1f5f9"),
            (Column::Role, "box", "#ede9fe"),
            (Column::Permission, "octagon", "#fee2e2"),
        ] {
            let _ = writeln!(out, "  {{ rank=same;");
            for (i, (c, name)) in self.nodes.iter().enumerate() {
                if *c == col {
                    let _ = writeln!(
                        out,
                        "    n{i} [label=\"{}\", shape={shape}, style=filled, fillcolor=\"{color}\"];",
                        esc(name)
                    );
                }
            }
            out.push_str("  }\n");
        }
        for (a, b) in &self.edges {
            let _ = writeln!(out, "  n{a} -> n{b};");
        }
        out.push_str("}\n");
        out
    }

    pub fn to_html(&self) -> String {
        let esc = |s: &str| {
            s.replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('"', "&quot;")
        };
        let cols = [
            Column::Subject,
            Column::Binding,
            Column::Role,
            Column::Permission,
        ];
        let mut pos = vec![(0.0f64, 0.0f64); self.nodes.len()];
        let mut rows = 0usize;
        for (k, col) in cols.iter().enumerate() {
            let mut j = 0;
            for (i, (c, _)) in self.nodes.iter().enumerate() {
                if c == col {
                    pos[i] = (40.0 + 330.0 * k as f64, 70.0 + 34.0 * j as f64);
                    j += 1;
                }
            }
            rows = rows.max(j);
        }
        let height = 110.0 + 34.0 * rows as f64;
        let mut svg = String::new();
        for (k, title) in ["Subjects", "Bindings", "Roles", "Sensitive permissions"]
            .iter()
            .enumerate()
        {
            let _ = write!(
                svg,
                "<text class=\"head\" x=\"{}\" y=\"30\">{title}</text>",
                40 + 330 * k
            );
        }
        for (a, b) in &self.edges {
            let (x1, y1) = pos[*a];
            let (x2, y2) = pos[*b];
            let _ = write!(
                svg,
                "<path d=\"M{:.0},{y1:.0} C{:.0},{y1:.0} {:.0},{y2:.0} {x2:.0},{y2:.0}\"/>",
                x1 + 290.0,
                x1 + 310.0,
                x2 - 20.0
            );
        }
        for (i, (c, name)) in self.nodes.iter().enumerate() {
            let (x, y) = pos[i];
            let class = match c {
                Column::Subject => "subject",
                Column::Binding => "binding",
                Column::Role => "role",
                Column::Permission => "permission",
            };
            let shown: String = if name.chars().count() > 44 {
                name.chars().take(43).collect::<String>() + "…"
            } else {
                name.clone()
            };
            let _ = write!(
                svg,
                "<g class=\"{class}\"><rect x=\"{x:.0}\" y=\"{:.0}\" width=\"290\" height=\"24\" rx=\"6\"/><text x=\"{:.0}\" y=\"{:.0}\"><title>{}</title>{}</text></g>",
                y - 12.0,
                x + 8.0,
                y + 4.0,
                esc(name),
                esc(&shown)
            );
        }
        format!(
            r##"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Palisade — RBAC graph</title>
<style>
body{{font-family:system-ui,sans-serif;margin:1.5rem;color:#1d232a}} h1{{font-size:1.4rem}}
svg path{{fill:none;stroke:#94a3b8;stroke-width:1.2}} svg text{{font-size:12px}} svg text.head{{font-weight:600;font-size:14px}}
.subject rect{{fill:#dbeafe}} .binding rect{{fill:#f1f5f9}} .role rect{{fill:#ede9fe}} .permission rect{{fill:#fee2e2}}
</style></head><body>
<h1>RBAC: who holds which sensitive permission</h1>
<p>{nodes} nodes, {edges} edges, from the scanned bindings and roles (built-in roles are known without the cluster).</p>
<svg xmlns="http://www.w3.org/2000/svg" width="1360" height="{height:.0}" viewBox="0 0 1360 {height:.0}">
{svg}
</svg>
</body></html>
"##,
            nodes = self.nodes.len(),
            edges = self.edges.len()
        )
    }
}
