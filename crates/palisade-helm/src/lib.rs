//! Native Helm chart rendering for Palisade: a chart directory or `.tgz` archive becomes
//! the manifests `helm template` would print, with no external binary and no cluster.
//!
//! [`render`] loads the chart ([`chart`]), computes its values as Helm does (`-f`,
//! `--set`, `--set-string` over the defaults, subchart scoping, `global`, conditions and
//! tags), executes every template with the Go template engine and Helm's functions
//! (the `engine` module), then splits, orders and prints the documents like
//! `helm template`. Rendering fails closed: a template error, an unknown function, a
//! missing `required` value or a document that is not YAML is a [`HelmError`] naming the
//! chart, template and line, never a partial output. `lookup` finds nothing, as with
//! `helm template`.
//!
//! It is not a scanner (the engine scans the rendered text), and it does not fetch
//! dependencies: a chart must carry its subcharts in `charts/`.
//!
//! ```no_run
//! let options = palisade_helm::RenderOptions::default();
//! let rendering = palisade_helm::render(std::path::Path::new("chart"), &options)?;
//! print!("{}", rendering.text());
//! # Ok::<(), palisade_helm::HelmError>(())
//! ```

pub mod chart;
mod engine;
mod error;
mod output;
mod schema;
mod values;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use serde_json::{json, Map, Value};

pub use chart::{Chart, Limits};
pub use error::HelmError;
pub use output::{Manifest, Rendering};

/// The Kubernetes version `helm template` assumes without `--kube-version`.
pub const DEFAULT_KUBE_VERSION: &str = "v1.20.0";

/// `helm template`'s options, by their flag names.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// The release name (`release-name` when none is given).
    pub release_name: Option<String>,
    /// `--name-template`: a template rendering the release name.
    pub name_template: Option<String>,
    /// `--namespace` (`default`).
    pub namespace: Option<String>,
    /// `-f/--values` files, in order.
    pub value_files: Vec<PathBuf>,
    /// `--set` arguments, in order.
    pub set: Vec<String>,
    /// `--set-string` arguments, in order.
    pub set_string: Vec<String>,
    /// `--kube-version`.
    pub kube_version: Option<String>,
    /// `--api-versions`, each possibly comma-separated.
    pub api_versions: Vec<String>,
    /// `--include-crds`.
    pub include_crds: bool,
    /// `--show-only` patterns (paths relative to the chart, globs as Go's `path.Match`).
    pub show_only: Vec<String>,
    /// `--skip-tests`.
    pub skip_tests: bool,
    /// `--skip-schema-validation`: render without checking values against
    /// `values.schema.json`.
    pub skip_schema_validation: bool,
    /// Bounds on what the chart may read.
    pub limits: Limits,
    /// Leave out, with a warning in [`Rendering::warnings`], an enabled dependency whose
    /// `repository` is remote (`http(s)://`, `oci://`, `@alias`) and that is not in
    /// `charts/`, instead of failing as `helm template` does. Palisade never downloads;
    /// the scan uses this so that the rest of the chart is still judged.
    pub skip_missing_remote_dependencies: bool,
}

/// Whether a directory holds a chart.
pub fn is_chart_dir(dir: &Path) -> bool {
    dir.join("Chart.yaml").is_file()
}

/// Whether a file is a chart archive by its name (`.tgz`, `.tar.gz`).
pub fn is_chart_archive(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.is_file() && (name.ends_with(".tgz") || name.ends_with(".tar.gz"))
}

/// Renders a chart directory or archive as `helm template` would.
pub fn render(path: &Path, options: &RenderOptions) -> Result<Rendering, HelmError> {
    let shown = path.display().to_string();
    let chart = chart::load(path, &options.limits).map_err(|m| HelmError::chart(&shown, m))?;
    render_chart(&chart, &shown, options)
}

/// Renders a loaded chart; `shown` names it in errors.
pub fn render_chart(
    chart: &Chart,
    shown: &str,
    options: &RenderOptions,
) -> Result<Rendering, HelmError> {
    let fail = |m: String| HelmError::chart(shown, m);
    validate(chart).map_err(&fail)?;
    if chart.chart_type() == "library" {
        return Err(fail("library charts are not installable".to_string()));
    }

    // user values: -f files, then --set, then --set-string (Helm's order)
    let mut user = Map::new();
    for file in &options.value_files {
        let text = std::fs::read(file).map_err(|e| {
            fail(format!(
                "failed to read values file {}: {e}",
                file.display()
            ))
        })?;
        match serde_yaml_neo::from_slice::<Value>(&text) {
            Ok(Value::Object(m)) => values::merge_into(&mut user, m),
            Ok(Value::Null) => {}
            Ok(_) => {
                return Err(fail(format!(
                    "failed to parse {}: not a map",
                    file.display()
                )))
            }
            Err(e) => return Err(fail(format!("failed to parse {}: {e}", file.display()))),
        }
    }
    for s in &options.set {
        values::parse_set(s, &mut user, false)
            .map_err(|e| fail(format!("failed parsing --set data: {e}")))?;
    }
    for s in &options.set_string {
        values::parse_set(s, &mut user, true)
            .map_err(|e| fail(format!("failed parsing --set-string data: {e}")))?;
    }

    let kube = options
        .kube_version
        .as_deref()
        .unwrap_or(DEFAULT_KUBE_VERSION);
    let kube_version = engine::lenient_version(kube)
        .ok_or_else(|| fail(format!("invalid kube version {kube:?}")))?;
    let mut api_versions: Vec<String> =
        DEFAULT_API_VERSIONS.iter().map(|s| s.to_string()).collect();
    for a in &options.api_versions {
        api_versions.extend(
            a.split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty()),
        );
    }

    let release_name = match (&options.release_name, &options.name_template) {
        (Some(n), _) => n.clone(),
        (None, Some(t)) => {
            let session =
                engine::Session::new(vec![("name-template".to_string(), t.clone())], vec![])
                    .map_err(|e| fail(format!("name template: {}", e.message)))?;
            let _installed = session.install();
            session
                .render("name-template", gtmpl_ng::Value::Nil)
                .map_err(|e| fail(format!("name template: {}", e.message)))?
        }
        (None, None) => "release-name".to_string(),
    };
    let namespace = options
        .namespace
        .clone()
        .unwrap_or_else(|| "default".to_string());

    // the enabled chart tree with its values
    let mut top_values = user;
    values::coalesce(&mut top_values, &chart.values);
    // Helm's values always have `global`
    top_values
        .entry("global".to_string())
        .or_insert_with(|| Value::Object(Map::new()));
    let mut tree = Vec::new();
    let top_name = chart.name().to_string();
    let mut left_out = options.skip_missing_remote_dependencies.then(Vec::new);
    collect(
        chart,
        &top_name,
        &mut top_values,
        &Map::new(),
        &mut tree,
        left_out.as_mut(),
    )
    .map_err(&fail)?;
    if !options.skip_schema_validation {
        let mut problems = String::new();
        schema::validate(chart, &top_values, &mut problems);
        if !problems.is_empty() {
            return Err(fail(format!(
                "values don't meet the specifications of the schema(s) in the following chart(s):\n{problems}"
            )));
        }
    }
    let mut nodes = Vec::new();
    flatten(chart, &top_name, &top_values, &tree, &mut nodes);

    let release = json!({
        "Name": release_name,
        "Namespace": namespace,
        "Service": "Helm",
        "IsInstall": true,
        "IsUpgrade": false,
        "Revision": 1,
    });
    let capabilities = json!({
        "KubeVersion": {
            "Version": format!("v{kube_version}"),
            "GitVersion": format!("v{kube_version}"),
            "Major": kube_version.major.to_string(),
            "Minor": kube_version.minor.to_string(),
        },
        "APIVersions": api_versions,
        "HelmVersion": {"Version": "v3"},
    });

    // every template of every enabled chart in one set; deeper paths first, so a parent's
    // `define` replaces a subchart's of the same name, as in Helm
    let mut sources: Vec<(String, String)> = Vec::new();
    for node in &nodes {
        for (path, text) in node.chart.templates() {
            sources.push((format!("{}/{path}", node.path), text));
        }
    }
    sources.sort_by(|a, b| {
        let da = a.0.matches('/').count();
        let db = b.0.matches('/').count();
        db.cmp(&da).then_with(|| b.0.cmp(&a.0))
    });
    let session = engine::Session::new(sources, api_versions).map_err(|e| HelmError {
        chart: shown.to_string(),
        template: Some(e.template.clone()),
        line: e.line,
        message: e.message,
    })?;
    let _installed = session.install();

    for node in &nodes {
        session.add_files(&node.path, Rc::new(node.chart.files.clone()));
    }
    let contexts = contexts(&nodes, &release, &capabilities);

    let mut rendered: BTreeMap<String, String> = BTreeMap::new();
    for (node, context) in nodes.iter().zip(&contexts) {
        if node.chart.chart_type() == "library" {
            continue;
        }
        for (path, _) in node.chart.templates() {
            let base = path.rsplit('/').next().unwrap_or(path);
            if base.starts_with('_') || base == "NOTES.txt" {
                continue;
            }
            let name = format!("{}/{path}", node.path);
            let mut data = context.clone();
            data.insert(
                "Template".to_string(),
                json!({"Name": name, "BasePath": format!("{}/templates", node.path)}),
            );
            let data = Value::Object(data);
            let text = session
                .render(&name, engine::to_value(data))
                .map_err(|e| HelmError {
                    chart: shown.to_string(),
                    template: Some(name.clone()),
                    line: e.line,
                    message: e.message,
                })?;
            rendered.insert(name, text);
        }
    }

    let mut crds = Vec::new();
    if options.include_crds {
        for node in &nodes {
            for (path, bytes) in &node.chart.files {
                if path.starts_with("crds/") {
                    crds.push((
                        format!("{}/{path}", node.path),
                        String::from_utf8_lossy(bytes).into_owned(),
                    ));
                }
            }
        }
    }
    let mut rendering = output::assemble(shown, &top_name, rendered, crds, options)?;
    rendering.warnings = left_out.unwrap_or_default();
    Ok(rendering)
}

/// The API versions a cluster offers when `helm template` is given none.
const DEFAULT_API_VERSIONS: &[&str] = &[
    "v1",
    "admissionregistration.k8s.io/v1",
    "apiextensions.k8s.io/v1",
    "apiregistration.k8s.io/v1",
    "apps/v1",
    "authentication.k8s.io/v1",
    "authorization.k8s.io/v1",
    "autoscaling/v1",
    "autoscaling/v2",
    "batch/v1",
    "certificates.k8s.io/v1",
    "coordination.k8s.io/v1",
    "discovery.k8s.io/v1",
    "events.k8s.io/v1",
    "networking.k8s.io/v1",
    "node.k8s.io/v1",
    "policy/v1",
    "rbac.authorization.k8s.io/v1",
    "scheduling.k8s.io/v1",
    "storage.k8s.io/v1",
];

fn validate(chart: &Chart) -> Result<(), String> {
    if chart.name().is_empty() {
        return Err("validation: chart.metadata.name is required".to_string());
    }
    if !matches!(chart.chart_type(), "application" | "library") {
        return Err("validation: chart.metadata.type must be application or library".to_string());
    }
    if !matches!(
        chart.metadata.get("apiVersion").and_then(Value::as_str),
        Some("v1" | "v2" | "v3")
    ) {
        return Err("validation: chart.metadata.apiVersion is required".to_string());
    }
    Ok(())
}

/// `.Chart`: Chart.yaml's fields with capitalised names, as Helm's Metadata struct.
/// Each chart's template context, as Helm builds it before rendering: its `.Chart`
/// (`IsRoot` on the chart being rendered), its own `.Values` and `.Files`, and the
/// contexts of its enabled subcharts under `.Subcharts` by name. `nodes` is the chart tree
/// in pre-order (a parent before its subcharts); the contexts come in the same order.
fn contexts(nodes: &[Node], release: &Value, capabilities: &Value) -> Vec<Map<String, Value>> {
    let mut contexts: Vec<Map<String, Value>> = vec![Map::new(); nodes.len()];
    // children before parents, so a parent's `.Subcharts` holds finished contexts
    for (i, node) in nodes.iter().enumerate().rev() {
        let prefix = format!("{}/charts/", node.path);
        let mut subcharts = Map::new();
        for (j, child) in nodes.iter().enumerate().skip(i + 1) {
            if let Some(name) = child.path.strip_prefix(&prefix) {
                if !name.contains('/') {
                    subcharts.insert(name.to_string(), Value::Object(contexts[j].clone()));
                }
            }
        }
        let mut chart = chart_object(&node.chart.metadata);
        if let Value::Object(m) = &mut chart {
            m.insert("IsRoot".to_string(), Value::Bool(i == 0));
        }
        contexts[i] = Map::from_iter([
            ("Values".to_string(), Value::Object(node.values.clone())),
            ("Release".to_string(), release.clone()),
            ("Chart".to_string(), chart),
            ("Capabilities".to_string(), capabilities.clone()),
            ("Files".to_string(), json!({ engine::FILES_KEY: node.path })),
            ("Subcharts".to_string(), Value::Object(subcharts)),
        ]);
    }
    contexts
}

fn chart_object(metadata: &Map<String, Value>) -> Value {
    let mut out = Map::new();
    for (k, v) in metadata {
        let name = match k.as_str() {
            "apiVersion" => "APIVersion".to_string(),
            "appVersion" => "AppVersion".to_string(),
            "kubeVersion" => "KubeVersion".to_string(),
            k => {
                let mut c = k.chars();
                match c.next() {
                    Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
                    None => continue,
                }
            }
        };
        out.insert(name, v.clone());
    }
    for field in [
        "Name",
        "Version",
        "Description",
        "AppVersion",
        "Type",
        "Home",
        "Icon",
        "KubeVersion",
    ] {
        out.entry(field.to_string())
            .or_insert(Value::String(String::new()));
    }
    out.insert("IsRoot".to_string(), Value::Bool(false));
    Value::Object(out)
}

/// An enabled subchart: its index in the parent's dependencies, its name (alias) and
/// its own enabled subcharts.
struct Enabled {
    index: usize,
    name: String,
    children: Vec<Enabled>,
}

/// Applies conditions, tags and aliases, imports values and scopes each subchart's
/// values under its name (with `global` passed down), as Helm does before rendering.
fn collect(
    chart: &Chart,
    path: &str,
    values: &mut Map<String, Value>,
    top_tags: &Map<String, Value>,
    out: &mut Vec<Enabled>,
    mut left_out: Option<&mut Vec<String>>,
) -> Result<(), String> {
    let tags = if top_tags.is_empty() {
        values
            .get("tags")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    } else {
        top_tags.clone()
    };
    let entries = chart.dependency_entries();
    let mut used = vec![false; chart.dependencies.len()];
    // (index in charts/, name or alias, the Chart.yaml entry when listed)
    type Picked<'a> = (usize, String, Option<&'a Map<String, Value>>);
    let mut picked: Vec<Picked> = Vec::new();
    for entry in &entries {
        let name = entry.get("name").and_then(Value::as_str).unwrap_or("");
        let Some(index) = chart
            .dependencies
            .iter()
            .enumerate()
            .position(|(i, d)| !used[i] && d.name() == name)
        else {
            let repository = entry
                .get("repository")
                .and_then(Value::as_str)
                .unwrap_or("");
            let remote = ["http://", "https://", "oci://", "@", "alias:"]
                .iter()
                .any(|p| repository.starts_with(p));
            if let Some(left_out) = left_out.as_deref_mut().filter(|_| remote) {
                if enabled(entry, values, &tags)? {
                    let version = entry
                        .get("version")
                        .and_then(Value::as_str)
                        .map(|v| format!(" {v}"))
                        .unwrap_or_default();
                    left_out.push(format!(
                        "chart {path}: dependency {name}{version} from {repository} is not in charts/ (Palisade does not download; `helm dependency build` fetches it); its objects are not rendered or scanned"
                    ));
                }
                continue;
            }
            return Err(format!(
                "found in Chart.yaml, but missing in charts/ directory: {name}"
            ));
        };
        used[index] = true;
        let alias = entry
            .get("alias")
            .and_then(Value::as_str)
            .unwrap_or(name)
            .to_string();
        if enabled(entry, values, &tags)? {
            picked.push((index, alias, Some(entry)));
        }
    }
    // subcharts in charts/ that Chart.yaml does not list are rendered too
    for (i, u) in used.iter().enumerate() {
        if !u {
            picked.push((i, chart.dependencies[i].name().to_string(), None));
        }
    }
    let global = values
        .get("global")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    for (index, name, entry) in picked {
        let sub = &chart.dependencies[index];
        let mut sub_values = values
            .get(&name)
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        // parent globals win over the subchart's own
        let mut sub_global = sub_values
            .get("global")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        values::merge_into(&mut sub_global, global.clone());
        sub_values.insert("global".to_string(), Value::Object(sub_global));
        values::coalesce(&mut sub_values, &sub.values);
        let mut children = Vec::new();
        collect(
            sub,
            &format!("{path}/charts/{name}"),
            &mut sub_values,
            &tags,
            &mut children,
            left_out.as_deref_mut(),
        )?;
        if let Some(entry) = entry {
            import_values(entry, &sub_values, values);
        }
        values.insert(name.clone(), Value::Object(sub_values));
        out.push(Enabled {
            index,
            name,
            children,
        });
    }
    Ok(())
}

/// `condition` wins when it names a boolean; else `tags`: enabled unless every tag it has
/// is false in the parent's `tags`.
fn enabled(
    entry: &Map<String, Value>,
    values: &Map<String, Value>,
    tags: &Map<String, Value>,
) -> Result<bool, String> {
    if let Some(condition) = entry.get("condition").and_then(Value::as_str) {
        for c in condition.split(',') {
            if let Some(Value::Bool(b)) = values::lookup(values, c.trim()) {
                return Ok(*b);
            }
        }
    }
    if let Some(list) = entry.get("tags").and_then(Value::as_array) {
        let mut any_true = false;
        let mut any_false = false;
        for t in list.iter().filter_map(Value::as_str) {
            match tags.get(t) {
                Some(Value::Bool(true)) => any_true = true,
                Some(Value::Bool(false)) => any_false = true,
                _ => {}
            }
        }
        if any_false && !any_true {
            return Ok(false);
        }
    }
    Ok(true)
}

/// `import-values`: a child's values copied into the parent (`exports.X` for the short
/// form), the parent's own values winning.
fn import_values(
    entry: &Map<String, Value>,
    child: &Map<String, Value>,
    parent: &mut Map<String, Value>,
) {
    let Some(list) = entry.get("import-values").and_then(Value::as_array) else {
        return;
    };
    for item in list {
        let (from, to) = match item {
            Value::String(s) => (format!("exports.{s}"), String::new()),
            Value::Object(m) => (
                m.get("child")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                m.get("parent")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
            ),
            _ => continue,
        };
        let Some(Value::Object(found)) = values::lookup(child, &from) else {
            continue;
        };
        let mut imported = found.clone();
        // the parent's values override what is imported
        let existing = if to.is_empty() {
            Some(parent.clone())
        } else {
            values::lookup(parent, &to)
                .and_then(Value::as_object)
                .cloned()
        };
        if let Some(existing) = existing {
            values::merge_into(&mut imported, existing);
        }
        if to.is_empty() {
            *parent = imported;
        } else {
            values::merge_at(parent, &to, imported);
        }
    }
}

/// One chart to render: where its templates live in the output and its values.
struct Node {
    chart: Chart,
    path: String,
    values: Map<String, Value>,
}

fn flatten(
    chart: &Chart,
    path: &str,
    values: &Map<String, Value>,
    enabled: &[Enabled],
    out: &mut Vec<Node>,
) {
    out.push(Node {
        chart: chart.clone(),
        path: path.to_string(),
        values: values.clone(),
    });
    for e in enabled {
        let sub = &chart.dependencies[e.index];
        let sub_values = values
            .get(&e.name)
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        // with an alias, the subchart is rendered under the alias's name
        let mut sub = sub.clone();
        sub.metadata
            .insert("name".to_string(), Value::String(e.name.clone()));
        flatten(
            &sub,
            &format!("{path}/charts/{}", e.name),
            &sub_values,
            &e.children,
            out,
        );
    }
}
